import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { encodeStatusList, type StatusListBits } from '../status-list/status-list';

/** The audience the test tokens are for. */
export const TEST_AUDIENCE = 'https://api.test.example';

interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** How the issuer serves one status list; statuses are signed into a fresh Status List Token on each request. */
export interface TestStatusList {
  bits: StatusListBits;
  statuses: number[];
  /** The `ttl` claim; omitted when undefined. */
  ttl?: number;
  /** Seconds until `exp`; null for no `exp` claim. Default 3600. */
  expiresIn?: number | null;
  /** Overrides the `sub` claim (default: the list's URI). */
  sub?: string;
  /** Overrides the `typ` header (default statuslist+jwt). */
  typ?: string;
  /** Overrides the response content type (default application/statuslist+jwt). */
  contentType?: string;
  /** Sign with a key the JWKS does not publish. */
  signedByStranger?: boolean;
  /** Answer 500 instead of the list. */
  failing?: boolean;
  /** Answer 302 to this URL instead of the list. */
  redirectTo?: string;
}

export interface TestTokenOptions {
  /** The `typ` header; null for none. Default at+jwt. */
  typ?: string | null;
  alg?: 'ES256' | 'RS256';
  signedByStranger?: boolean;
}

/**
 * An issuer for the specs, on 127.0.0.1 at a random port: a JWKS at /jwks (ES256 and RS256
 * keys), Status List Tokens at /statuslists/{name} in the draft's JWT format, and an RFC 7662
 * endpoint at /introspect (client_secret_basic). It counts what it is asked, so specs can check
 * single flight and caching.
 */
export class TestIssuer {
  readonly lists = new Map<string, TestStatusList>();
  /** Reference token → introspection answer. */
  readonly references = new Map<string, Record<string, unknown>>();
  readonly listRequests = new Map<string, { count: number; accept?: string }>();
  introspectionRequests = 0;
  jwksRequests = 0;
  readonly introspectionClient = { id: 'api:orders', secret: 'sécret with spaces+symbols:/' };

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private keys: SigningKey[],
    private readonly stranger: SigningKey,
  ) {}

  static async start(): Promise<TestIssuer> {
    const [es, rs, stranger] = await Promise.all([signingKey('ES256', 'es-1'), signingKey('RS256', 'rs-1'), signingKey('ES256', 'es-1')]);
    let issuer: TestIssuer | undefined;
    const server = createServer((req, res) => void issuer!.handle(req, res).catch(() => res.writeHead(500).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = new TestIssuer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, [es, rs], stranger);
    return issuer;
  }

  get issuer(): string {
    return this.origin;
  }

  statusListUri(name: string): string {
    return `${this.origin}/statuslists/${name}`;
  }

  listFetches(name: string): number {
    return this.listRequests.get(name)?.count ?? 0;
  }

  /** A signed at+jwt for TEST_AUDIENCE; a claim set to undefined is left out. */
  async accessToken(claims: Record<string, unknown> = {}, options: TestTokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: this.issuer, sub: 'user-1', aud: TEST_AUDIENCE, client_id: 'client-1', jti: randomUUID(), iat: now, exp: now + 300, scope: 'orders:read',
      ...claims,
    };
    for (const [claim, value] of Object.entries(payload)) if (value === undefined) delete payload[claim];
    const key = options.signedByStranger ? this.stranger : this.keys.find((k) => k.alg === (options.alg ?? 'ES256'))!;
    const typ = options.typ === undefined ? 'at+jwt' : options.typ;
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...(typ !== null && { typ }) }).sign(key.privateKey);
  }

  /** An access token pointing at entry `idx` of list `name`. */
  tokenWithStatus(name: string, idx: number, claims: Record<string, unknown> = {}, options: TestTokenOptions = {}): Promise<string> {
    return this.accessToken({ status: { status_list: { idx, uri: this.statusListUri(name) } }, ...claims }, options);
  }

  /** A new ES256 key, published and used from now on; the old one stays published. */
  async rotate(): Promise<void> {
    const next = await signingKey('ES256', `es-${this.keys.length + 1}`);
    this.keys = [next, ...this.keys];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    if (req.method === 'GET' && path === '/jwks') {
      this.jwksRequests++;
      return json(res, 200, { keys: this.keys.map((k) => k.publicJwk) });
    }
    const list = /^\/statuslists\/([\w-]+)$/.exec(path);
    if (req.method === 'GET' && list) return this.statusList(list[1], req, res);
    if (req.method === 'POST' && path === '/introspect') return this.introspect(req, res);
    res.writeHead(404).end();
  }

  private async statusList(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seen = this.listRequests.get(name) ?? { count: 0 };
    this.listRequests.set(name, { count: seen.count + 1, accept: req.headers.accept });
    const setup = this.lists.get(name);
    if (!setup) return void res.writeHead(404).end();
    if (setup.failing) return void res.writeHead(500).end();
    if (setup.redirectTo) return void res.writeHead(302, { location: setup.redirectTo }).end();
    const now = Math.floor(Date.now() / 1000);
    const key = setup.signedByStranger ? this.stranger : this.keys[0];
    const expiresIn = setup.expiresIn === undefined ? 3600 : setup.expiresIn;
    // The draft's Status List Token in JWT format (§5.1), as in its examples/status_list_jwt.md.
    const jwt = await new SignJWT({
      sub: setup.sub ?? this.statusListUri(name),
      iat: now,
      ...(expiresIn !== null && { exp: now + expiresIn }),
      ...(setup.ttl !== undefined && { ttl: setup.ttl }),
      status_list: encodeStatusList(setup.statuses, setup.bits),
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: setup.typ ?? 'statuslist+jwt' })
      .sign(key.privateKey);
    res.writeHead(200, { 'content-type': setup.contentType ?? 'application/statuslist+jwt' }).end(jwt);
  }

  private async introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.introspectionRequests++;
    const { id, secret } = this.introspectionClient;
    const form = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
    const expected = `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = new URLSearchParams(Buffer.concat(chunks).toString()).get('token') ?? '';
    json(res, 200, this.references.get(token) ?? { active: false });
  }
}

async function signingKey(alg: 'ES256' | 'RS256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
