import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { UsedJti1764000000000 } from './1764000000000-used-jti';
import { RevokedSriExpiryIndex1764300000000 } from './1764300000000-revoked-sri-expiry-index';
import { RevocationEvents1764500000000 } from './1764500000000-revocation-events';
import { SessionsAndNotifications1764600000000 } from './1764600000000-sessions-and-notifications';
import { SessionWatermark1764700000000 } from './1764700000000-session-watermark';
import { AccessTokenFormat1764800000000 } from './1764800000000-access-token-format';

/** Every migration, in order. Listed explicitly so the built server needs no file globbing. */
export const MIGRATIONS = [
  InitialSchema1763900000000, UsedJti1764000000000, RevokedSriExpiryIndex1764300000000, RevocationEvents1764500000000, SessionsAndNotifications1764600000000, SessionWatermark1764700000000,
  AccessTokenFormat1764800000000,
];
