import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { UsedJti1764000000000 } from './1764000000000-used-jti';
import { RevokedSriExpiryIndex1764300000000 } from './1764300000000-revoked-sri-expiry-index';
import { RevocationEvents1764500000000 } from './1764500000000-revocation-events';
import { SessionsAndNotifications1764600000000 } from './1764600000000-sessions-and-notifications';
import { SessionWatermark1764700000000 } from './1764700000000-session-watermark';
import { AccessTokenFormat1764800000000 } from './1764800000000-access-token-format';
import { RevokedSriListerIndex1764900000000 } from './1764900000000-revoked-sri-lister-index';
import { IdTokenSigningAlg1765300000000 } from './1765300000000-id-token-signing-alg';
import { SigningKeyRetirement1765300000001 } from './1765300000001-signing-key-retirement';
import { StatusLists1765600000000 } from './1765600000000-status-lists';
import { UserSuspension1765600000001 } from './1765600000001-user-suspension';
import { ResourceIndicators1765750000000 } from './1765750000000-resource-indicators';
import { SharedSignals1765800000000 } from './1765800000000-shared-signals';
import { UserDisabled1765900000000 } from './1765900000000-user-disabled';
import { CaepReceiverStreams1766000000000 } from './1766000000000-caep-receiver-streams';
import { RevocationReceipts1766100000000 } from './1766100000000-revocation-receipts';

/** Every migration, in order. Listed explicitly so the built server needs no file globbing. */
export const MIGRATIONS = [
  InitialSchema1763900000000, UsedJti1764000000000, RevokedSriExpiryIndex1764300000000, RevocationEvents1764500000000, SessionsAndNotifications1764600000000, SessionWatermark1764700000000,
  AccessTokenFormat1764800000000, RevokedSriListerIndex1764900000000, IdTokenSigningAlg1765300000000, SigningKeyRetirement1765300000001,
  StatusLists1765600000000, UserSuspension1765600000001, ResourceIndicators1765750000000,
  SharedSignals1765800000000, UserDisabled1765900000000, CaepReceiverStreams1766000000000, RevocationReceipts1766100000000,
];
