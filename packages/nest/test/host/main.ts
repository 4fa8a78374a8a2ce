// A host application outside the monorepo, written against the published packages only: the
// package test (test/packages.e2e-spec.ts) copies it to a temporary folder, installs the packed
// tarballs there, type-checks it against their declarations and runs it.
import 'reflect-metadata';
import { join } from 'node:path';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import * as main from '@revocation-server/nest';
import { AuditModule } from '@revocation-server/nest/audit';
import { AuthModule, CustomAuth, hashSecret, newOpaqueToken, newTokenId } from '@revocation-server/nest/auth';
import { AppConfigModule, idleTimeoutFor, OAuthExceptionFilter, SERVER_CONFIG, type ServerConfig } from '@revocation-server/nest/common';
import { FeatureFlagModule, FeatureFlagService } from '@revocation-server/nest/feature-flag';
import { RevocationModule } from '@revocation-server/nest/revocation';
import { SessionMgmtModule } from '@revocation-server/nest/session-mgmt';
import { SessionsCoreModule } from '@revocation-server/nest/sessions';
import { ClientRepository, SessionRepository, StoreModule, UserRepository } from '@revocation-server/nest/store';
import type { VerifiedToken } from '@revocation-server/resource-server';
import { BearerTokenGuard, RequireScopes, ResourceServerModule, VerifiedAccessToken } from '@revocation-server/resource-server/nest';

/** The host's own API, protected by the resource-server kit's guard (declared to AuthModule's global guard with @CustomAuth). */
@Controller('orders')
class OrdersController {
  @Get()
  @CustomAuth(BearerTokenGuard)
  @RequireScopes('orders:read')
  list(@VerifiedAccessToken() token: VerifiedToken) {
    return { caller: token.payload.sub, orders: [] };
  }
}

/** Reports what the host mounted, for the test to compare with what it asked for. */
@Controller('host')
class HostInfoController {
  constructor(private readonly flags: FeatureFlagService, @Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  @Get('flags')
  @main.Public()
  flagsInUse() {
    return { END_SESSION: this.flags.isEnabled('END_SESSION'), GLOBAL_TOKEN_REVOCATION: this.flags.isEnabled('GLOBAL_TOKEN_REVOCATION'), issuer: this.config.http.issuer };
  }
}

const dataDir = process.env.HOST_DATA_DIR ?? process.cwd();

@Module({
  imports: [
    // The store comes from DATABASE_URL (and DATABASE_SCHEMA), like the server's.
    AppConfigModule.forRoot({ http: { issuer: 'http://host.example.test' }, audit: { file: join(dataDir, 'runtime-api.log') } }),
    StoreModule,
    SessionsCoreModule,
    AuthModule,
    AuditModule.forRoot(),
    FeatureFlagModule.forRoot({ defaults: { END_SESSION: false } }),
    // The main entry and the subpaths are one module graph: either import works.
    main.RevocationModule.forRoot({ pathPrefix: '/api/v1' }),
    SessionMgmtModule.forRoot(),
    ResourceServerModule.forRoot({ issuer: 'https://issuer.example.test', audience: 'https://orders.example.test', realm: 'orders', protectAllRoutes: false }),
  ],
  controllers: [OrdersController, HostInfoController],
  providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }],
})
class HostModule {}

/** Two clients (secrets from the environment) and a user with a live session, for the test to call the APIs with. */
async function seed(app: NestFastifyApplication): Promise<{ sri: string }> {
  const clients = app.get(ClientRepository);
  const now = Date.now();
  const client = async (clientId: string, secret: string, scopes: string[], sessionApis: boolean) =>
    clients.save(clients.create({
      clientId, clientName: null, secretHash: await hashSecret(secret), tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['client_credentials'],
      scopes, redirectUris: [], postLogoutRedirectUris: null, backchannelLogoutUri: null, caepReceiverUri: null,
      sessionRevocationApi: sessionApis, sessionManagementApi: sessionApis, jwks: null, jwksUri: null, sessionValidation: null, createdAt: now, updatedAt: now,
    }));
  await client('hr-system', requiredEnv('HOST_HR_SECRET'), ['global_token_revocation'], false);
  await client('portal', requiredEnv('HOST_PORTAL_SECRET'), ['openid'], true);
  await app.get(UserRepository).upsert({ id: 'u-ada' }, { uid: 'ada', email: 'ada@example.com' });
  const config = app.get<ServerConfig>(SERVER_CONFIG).sessions;
  const session = app.get(SessionRepository).create({
    id: newTokenId(now), sri: newOpaqueToken(24), userId: 'u-ada', clientIds: ['portal'], authnSource: 'host', clientIp: null, userAgent: null,
    createdAt: now, lastActivityAt: now, idleTimeout: idleTimeoutFor(config, 'host'), maxLifetime: config.maxLifetime, revokedAt: null, revokedReason: null, revokedBy: null,
  });
  await app.get(SessionRepository).insert(session);
  return { sri: session.sri };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function start(): Promise<void> {
  if (main.RevocationModule !== RevocationModule || main.StoreModule !== StoreModule) throw new Error('the main entry loaded a second copy of the modules');
  const app = await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const { sri } = await seed(app);
  process.stdout.write(`${JSON.stringify({ url: await app.getUrl(), sri })}\n`);
}

start().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
