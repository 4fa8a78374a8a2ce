import { ClientEntity } from './client.entity';
import { FeatureFlagEntity } from './feature-flag.entity';
import { IssuedTokenEntity } from './issued-token.entity';
import { NotificationOutboxEntity } from './notification-outbox.entity';
import { RevocationEventEntity } from './revocation-event.entity';
import { RevokedSriEntity } from './revoked-sri.entity';
import { ServerSecretEntity } from './server-secret.entity';
import { StatusListEntryEntity } from './status-list-entry.entity';
import { StatusListEntity } from './status-list.entity';
import { UserSuspensionEntity } from './user-suspension.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { SsfRemovedSubjectEntity, SsfStreamEntity } from './ssf-stream.entity';
import { UsedJtiEntity } from './used-jti.entity';
import { UserAttributeEntity } from './user-attribute.entity';
import { UserSessionEntity } from './user-session.entity';
import { UserTokenWatermarkEntity } from './user-token-watermark.entity';
import { RevocationReceiptEntity } from './revocation-receipt.entity';
import { UserEntity } from './user.entity';

export * from './client.entity';
export * from './feature-flag.entity';
export * from './issued-token.entity';
export * from './notification-outbox.entity';
export * from './revocation-event.entity';
export * from './revocation-receipt.entity';
export * from './revoked-sri.entity';
export * from './server-secret.entity';
export * from './status-list-entry.entity';
export * from './status-list.entity';
export * from './user-suspension.entity';
export * from './signing-key.entity';
export * from './ssf-stream.entity';
export * from './used-jti.entity';
export * from './user-attribute.entity';
export * from './user-session.entity';
export * from './user-token-watermark.entity';
export * from './user.entity';

export const ENTITIES = [
  ClientEntity, UserEntity, UserAttributeEntity, UserSessionEntity, IssuedTokenEntity,
  RevokedSriEntity, FeatureFlagEntity, UserTokenWatermarkEntity, SigningKeyEntity, UsedJtiEntity, NotificationOutboxEntity,
  RevocationEventEntity, ServerSecretEntity, StatusListEntity, StatusListEntryEntity, UserSuspensionEntity,
  SsfStreamEntity, SsfRemovedSubjectEntity, RevocationReceiptEntity,
];
