// Target 2: oidc-provider (the certified Node OpenID provider) with its default in-memory
// adapter and one client_secret_basic client; client_credentials and introspection enabled.
// Started by bench/run.mjs as a child process: PORT, HOST, CLIENT_ID, CLIENT_SECRET; prints READY <port>.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
const clientId = process.env.CLIENT_ID ?? 'bench-oidc';
const clientSecret = process.env.CLIENT_SECRET ?? 'bench-oidc-secret';

// A signing key of our own, so the provider does not run on its development keys.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

const provider = new Provider(`http://${host}:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api',
    id_token_signed_response_alg: 'ES256',
  }],
  scopes: ['api'],
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // The same decision as the default policy, without its "you should change this" notice.
      allowedPolicy: async (ctx, client, token) => !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client.clientId),
    },
  },
  // The in-memory adapter is the default when no adapter is given.
});
provider.proxy = false;

const server = createServer(provider.callback());
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Never outlive the bench, even if it was killed with SIGKILL: exit when the parent is gone.
const parent = Number(process.env.BENCH_PARENT_PID);
if (parent) setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
