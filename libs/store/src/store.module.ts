import { ConfigurableModuleBuilder, DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { configSliceToken, StoreConfig } from '@app/common';
import { bindIntegerParameters, dataSourceOptions, ensurePostgresSchema } from './data-source-options';
import { ENTITIES } from './entities';
import { RevocationFeedReader } from './feed/revocation-feed.reader';
import { ClientRepository } from './repositories/client.repository';
import { FeatureFlagRepository } from './repositories/feature-flag.repository';
import { NotificationOutboxRepository } from './repositories/notification-outbox.repository';
import { RevokedSriLifetime } from './repositories/revoked-sri-lifetime';
import { RevocationReceiptRepository } from './repositories/revocation-receipt.repository';
import { RevokedSriRepository } from './repositories/revoked-sri.repository';
import { ServerSecretRepository } from './repositories/server-secret.repository';
import { SessionRepository } from './repositories/session.repository';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import { SsfOutboxRepository } from './repositories/ssf-outbox.repository';
import { SsfStreamRepository } from './repositories/ssf-stream.repository';
import { TokenRepository } from './repositories/token.repository';
import { UsedJtiRepository } from './repositories/used-jti.repository';
import { UserRepository } from './repositories/user.repository';
import { UserSuspensionRepository } from './repositories/user-suspension.repository';
import { WatermarkRepository } from './repositories/watermark.repository';
import { KeySealer } from './sealing/key-sealer';
import { resolveStoreOptions, STORE_OPTIONS, StoreModuleOptions } from './store.options';
import { Transactor } from './transactor';

const REPOSITORIES = [
  Transactor,
  ClientRepository, UserRepository, SessionRepository, TokenRepository, RevokedSriLifetime, RevokedSriRepository, FeatureFlagRepository, SigningKeyRepository, WatermarkRepository,
  UserSuspensionRepository, UsedJtiRepository, NotificationOutboxRepository, ServerSecretRepository, RevocationFeedReader, KeySealer,
  SsfStreamRepository, SsfOutboxRepository, RevocationReceiptRepository,
];

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<StoreModuleOptions>({ optionsInjectionToken: STORE_OPTIONS })
  .setClassMethodName('forRoot')
  // Exported only where given: imported as is, the module provides no STORE_OPTIONS.
  .setExtras({}, (definition): DynamicModule => ({ ...definition, exports: [STORE_OPTIONS] }))
  .build();

/**
 * The store: one TypeORM DataSource (SQLite or PostgreSQL), migrated at start, behind repositories.
 * Imported as is, it reads the server's configuration (DATABASE_URL, DATABASE_SCHEMA); forRoot
 * and forRootAsync give other settings. Needs AppConfigModule (global) in the host.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [configSliceToken('store'), { token: STORE_OPTIONS, optional: true }],
      useFactory: async (server: StoreConfig, options?: StoreModuleOptions) => {
        const store = resolveStoreOptions(server, options);
        if (store.schema) await ensurePostgresSchema(store.databaseUrl, store.schema);
        // By default a few quick retries: long enough for a store that is starting, short enough for the CLI to fail fast.
        // @nestjs/typeorm's retryAttempts counts every attempt, the first one included.
        return { ...dataSourceOptions(store.databaseUrl, store.schema), migrationsRun: store.migrationsRun, retryAttempts: store.connectRetries + 1, retryDelay: 1000 };
      },
      dataSourceFactory: async (options?: DataSourceOptions) => bindIntegerParameters(new DataSource(options!)),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: REPOSITORIES,
  exports: [TypeOrmModule, ...REPOSITORIES],
})
export class StoreModule extends ConfigurableModuleClass {
  static override forRoot(options: StoreModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
