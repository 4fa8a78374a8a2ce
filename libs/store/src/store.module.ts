import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@app/common';
import { dataSourceOptions, ensurePostgresSchema } from './data-source-options';
import { ENTITIES } from './entities';
import { ClientRepository } from './repositories/client.repository';
import { FeatureFlagRepository } from './repositories/feature-flag.repository';
import { NotificationOutboxRepository } from './repositories/notification-outbox.repository';
import { RevokedSriRepository } from './repositories/revoked-sri.repository';
import { SessionRepository } from './repositories/session.repository';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import { TokenRepository } from './repositories/token.repository';
import { UsedJtiRepository } from './repositories/used-jti.repository';
import { UserRepository } from './repositories/user.repository';
import { WatermarkRepository } from './repositories/watermark.repository';
import { Transactor } from './transactor';
import { StoreUserDirectory } from './users/store-user-directory';

const REPOSITORIES = [
  Transactor,
  ClientRepository, UserRepository, SessionRepository, TokenRepository, RevokedSriRepository, FeatureFlagRepository, SigningKeyRepository, WatermarkRepository,
  UsedJtiRepository, NotificationOutboxRepository,
  // The default UserDirectory; feature modules bind USER_DIRECTORY to it unless the host gives another.
  StoreUserDirectory,
];

/** The store: one TypeORM DataSource (SQLite or PostgreSQL), migrated at start, behind repositories. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        if (config.databaseSchema) await ensurePostgresSchema(config.databaseUrl, config.databaseSchema);
        // A few quick retries: long enough for a store that is starting, short enough for the CLI to fail fast.
        return { ...dataSourceOptions(config.databaseUrl, config.databaseSchema), migrationsRun: true, retryAttempts: 3, retryDelay: 1000 };
      },
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: REPOSITORIES,
  exports: [TypeOrmModule, ...REPOSITORIES],
})
export class StoreModule {}
