import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { buildInfo, ServerConfig } from '@app/common';

/** One tag per feature module, in the order the UI lists them; controllers use these names in @ApiTags. */
export const API_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'OAuth', description: 'OAuth 2.0 token service: token endpoint (RFC 6749), introspection (RFC 7662), revocation (RFC 7009), signing keys. Clients authenticate with client_secret_basic or client_secret_post.' },
  { name: 'Sign-in', description: 'Browser sign-in (authorization code flow with PKCE, single sign-on) and RP-Initiated Logout (/end_session, feature flag END_SESSION). HTML pages, no API authentication.' },
  { name: 'Global Token Revocation', description: 'Janssen Global Token Revocation and the IETF draft: revoke every token and session of one user. The caller needs the global_token_revocation scope: an access token, client_secret_basic, or a global-token-revocation+jwt assertion; feature flag GLOBAL_TOKEN_REVOCATION.' },
  { name: 'Session Management', description: 'PingFederate Session Revocation API (revokedSris) and Session Management API. Client authentication plus the X-XSRF-HEADER header.' },
  { name: 'Shared Signals', description: 'OpenID Shared Signals Framework 1.0 transmitter: stream management, verification and poll delivery (RFC 8936) of CAEP session-revoked events. Bearer token with ssf.manage (ssf.read to read).' },
  { name: 'Admin', description: 'Clients, users, sessions, feature flags and session-ended notifications. Bearer token with the admin scope.' },
  { name: 'Discovery', description: 'OpenID Connect Discovery 1.0 and RFC 8414 metadata, also at the path Janssen clients read.' },
  { name: 'Health', description: 'Liveness and the state of the store.' },
];

/**
 * The scopes an admin can ask for on the page's "Authorize" dialog (client credentials): the ones
 * the API's protected operations require. Clients get only the scopes registered for them.
 */
export const SWAGGER_OAUTH2_SCOPES: Record<string, string> = {
  admin: 'The admin API (/admin/*)',
  global_token_revocation: 'Global Token Revocation',
};

/** Swagger UI at /docs and the OpenAPI document at /docs-json, with every security scheme. */
export function setupSwagger(app: INestApplication, config: ServerConfig): void {
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Revocation Server API',
    // No online validator badge: the page loads nothing from anywhere but this server.
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
}

/** The OpenAPI document of `app`: what /docs-json serves and openapi.json holds (npm run openapi). */
export function buildOpenApiDocument(app: INestApplication, config: ServerConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Revocation Server')
    .setDescription('Token and session revocation: Janssen Global Token Revocation, PingFederate Session Revocation API, OAuth 2.0 token service.')
    .setVersion(buildInfo().version)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // "Try it out" calls the origin the page was loaded from (a relative server URL): it works whatever
    // host name and port reach this instance. The issuer is the second choice in the Servers list.
    .addServer('/', 'This server: the address this page was loaded from')
    .addServer(config.http.issuer, 'The issuer')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_secret_basic: client id and secret' }, 'basic')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token issued by this server' }, 'bearer')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'global-token-revocation+jwt', description: 'A JWT signed by the calling client (header typ global-token-revocation+jwt, aud = the endpoint URL), verified with the JWKS registered for it (Okta Universal Logout)' }, 'global-token-revocation-jwt')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-XSRF-HEADER', description: 'Any non-empty value (PingFederate CSRF guard)' }, 'xsrf')
    // "Authorize" on the page gets a token from /token with a client's id and secret, then sends it as a bearer token.
    .addOAuth2({ type: 'oauth2', description: 'An access token from this server\'s /token (client credentials), obtained on this page', flows: { clientCredentials: { tokenUrl: 'token', scopes: SWAGGER_OAUTH2_SCOPES } } }, 'oauth2');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory });
  document.tags = usedTags(document);
  acceptOAuth2WhereBearerIs(document);
  return document;
}

/** Every operation that takes a bearer token also takes the page's OAuth2 token: it is the same kind of token. */
function acceptOAuth2WhereBearerIs(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object' || !('security' in op) || !Array.isArray(op.security)) continue;
      const security = op.security as Array<Record<string, string[]>>;
      if (security.some((r) => 'bearer' in r) && !security.some((r) => 'oauth2' in r)) security.push({ oauth2: [] });
    }
  }
}

/** `DiscoveryController.metadata` served at its second path → `Discovery_metadata_1`. */
function operationIdFactory(controllerKey: string, methodKey: string): string {
  const method = methodKey.replace(/\[0\]$/, '').replace(/\[(\d+)\]$/, '_$1');
  return `${controllerKey.replace(/Controller$/, '')}_${method}`;
}

/**
 * The declared tags that some operation uses, in API_TAGS order, then any other tag an
 * operation uses: the UI shows no empty section for a module that is not there yet.
 */
export function usedTags(document: Pick<OpenAPIObject, 'paths' | 'tags'>): NonNullable<OpenAPIObject['tags']> {
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      if (op && typeof op === 'object' && 'tags' in op && Array.isArray(op.tags)) for (const t of op.tags) used.add(t);
    }
  }
  const declared = (document.tags ?? []).filter((t) => used.has(t.name));
  const extra = [...used].filter((name) => !declared.some((t) => t.name === name)).sort().map((name) => ({ name }));
  return [...declared, ...extra];
}
