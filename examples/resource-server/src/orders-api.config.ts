import type { ResourceServerModuleOptions } from '../../../libs/resource-server/src/nest';

export interface OrdersApiSettings {
  framework: 'nest' | 'fastify';
  host: string;
  port: number;
  verifier: ResourceServerModuleOptions;
}

/**
 * The example's settings from the environment, checked once at start:
 *
 * - `ISSUER` (required): the revocation server's issuer identifier, e.g. `http://127.0.0.1:8080`;
 * - `AUDIENCE`: this API's identifier, which `aud` must contain (default: the issuer, which is
 *   what the server puts in `aud` unless the client asked for a `resource`);
 * - `ALLOWED_ORIGINS`: comma-separated origins the kit may fetch from besides the issuer's
 *   https origin; an http issuer must be listed here (development only);
 * - `INTROSPECTION_CLIENT_ID` / `INTROSPECTION_CLIENT_SECRET`: this API's client at the server,
 *   to introspect reference tokens (`{issuer}/introspect`); without them only JWTs are accepted;
 * - `PORT` (default 3000), `HOST` (default 127.0.0.1), `FRAMEWORK` (`nest`, default, or `fastify`).
 */
export function ordersApiSettings(env: NodeJS.ProcessEnv): OrdersApiSettings {
  const issuer = env.ISSUER;
  if (!issuer || !URL.canParse(issuer)) throw new Error('ISSUER must be the revocation server\'s issuer URL, e.g. http://127.0.0.1:8080');
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const framework = env.FRAMEWORK ?? 'nest';
  if (framework !== 'nest' && framework !== 'fastify') throw new Error(`FRAMEWORK must be nest or fastify, got ${framework}`);
  const clientId = env.INTROSPECTION_CLIENT_ID;
  const clientSecret = env.INTROSPECTION_CLIENT_SECRET;
  if (Boolean(clientId) !== Boolean(clientSecret)) throw new Error('INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET go together');
  return {
    framework,
    host: env.HOST ?? '127.0.0.1',
    port,
    verifier: {
      issuer,
      audience: env.AUDIENCE ?? issuer,
      allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      ...(clientId && clientSecret && {
        introspection: { endpoint: `${issuer.replace(/\/+$/, '')}/introspect`, clientId, clientSecret },
      }),
    },
  };
}
