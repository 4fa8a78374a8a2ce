import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet, jwtVerify, JWTPayload } from 'jose';
import { ClientFixture, seedClient } from './fixtures';
import { TestApp } from './test-app';

/** A Shared Signals receiver: an OAuth client that takes client_credentials tokens with the SSF scopes. */
export async function seedReceiver(t: TestApp, clientId: string, scopes = ['ssf.manage', 'ssf.read'], more: Partial<ClientFixture> = {}): Promise<ClientFixture> {
  return seedClient(t, { client_id: clientId, client_secret: `${clientId}-secret`, grant_types: ['client_credentials', 'password'], scopes: ['openid', ...scopes], ...more });
}

/** A client_credentials access token of `client` with `scope`. */
export async function ssfToken(t: TestApp, client: ClientFixture, scope = 'ssf.manage'): Promise<string> {
  const res = await request(t.server).post('/token').auth(client.client_id, client.client_secret).type('form').send({ grant_type: 'client_credentials', scope });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${res.text}`);
  return res.body.access_token as string;
}

/** Calls of the management API with a bearer token. */
export function ssf(t: TestApp, token: string) {
  const bearer = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    create: (body: object) => bearer(request(t.server).post('/ssf/stream')).send(body),
    read: (streamId?: string) => bearer(request(t.server).get(streamId === undefined ? '/ssf/stream' : `/ssf/stream?stream_id=${encodeURIComponent(streamId)}`)),
    update: (body: object) => bearer(request(t.server).patch('/ssf/stream')).send(body),
    replace: (body: object) => bearer(request(t.server).put('/ssf/stream')).send(body),
    delete: (streamId: string) => bearer(request(t.server).delete(`/ssf/stream?stream_id=${encodeURIComponent(streamId)}`)),
    status: (streamId: string) => bearer(request(t.server).get(`/ssf/status?stream_id=${encodeURIComponent(streamId)}`)),
    setStatus: (body: object) => bearer(request(t.server).post('/ssf/status')).send(body),
    addSubject: (body: object) => bearer(request(t.server).post('/ssf/subjects/add')).send(body),
    removeSubject: (body: object) => bearer(request(t.server).post('/ssf/subjects/remove')).send(body),
    verify: (body: object) => bearer(request(t.server).post('/ssf/verify')).send(body),
    /** POSTs a poll request to the stream's own endpoint_url (a full URL on the issuer). */
    poll: (endpointUrl: string, body: object) => bearer(request(t.server).post(new URL(endpointUrl).pathname)).send(body),
  };
}

/** The server's JWKS, as a receiver fetches it from the jwks_uri of the transmitter configuration. */
export async function serverKeys(t: TestApp): Promise<ReturnType<typeof createLocalJWKSet>> {
  const res = await request(t.server).get('/jwks').expect(200);
  return createLocalJWKSet(res.body as JSONWebKeySet);
}

/** Verifies a SET as a receiver must (SSF 1.0 §4.1): signature by the server's key, RS256, typ secevent+jwt, issuer, audience. */
export async function verifySet(t: TestApp, set: string, audience: string): Promise<JWTPayload & Record<string, unknown>> {
  const { payload, protectedHeader } = await jwtVerify(set, await serverKeys(t), { issuer: 'http://localhost:8080', audience, algorithms: ['RS256'], typ: 'secevent+jwt' });
  expect(protectedHeader.typ).toBe('secevent+jwt');
  expect(decodeProtectedHeader(set).alg).toBe('RS256');
  return payload as JWTPayload & Record<string, unknown>;
}

export interface Push {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * An RFC 8935 push receiver on 127.0.0.1: records each request (headers and body) and answers
 * what `answer` says (202 by default, an empty body; an error status with an RFC 8935 error body).
 */
export class PushReceiver {
  readonly pushes: Push[] = [];
  answer: (push: Push) => { status: number; headers?: Record<string, string>; body?: object } = () => ({ status: 202 });
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const push: Push = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0 };
        const a = this.answer(push);
        push.status = a.status;
        this.pushes.push(push);
        res.writeHead(a.status, { ...(a.body ? { 'Content-Type': 'application/json' } : {}), ...a.headers });
        res.end(a.body ? JSON.stringify(a.body) : '');
      });
    });
  }

  static async start(): Promise<PushReceiver> {
    const r = new PushReceiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  url(path = '/events'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Waits (bounded) until `count` pushes arrived. */
  async waitFor(count: number, timeoutMs = 15_000): Promise<Push[]> {
    const until = Date.now() + timeoutMs;
    while (this.pushes.length < count) {
      if (Date.now() > until) throw new Error(`push receiver: ${this.pushes.length} of ${count} pushes within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.pushes;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export { eventually } from './eventually';
