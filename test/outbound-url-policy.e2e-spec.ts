import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runCli } from '../apps/cli/src/cli';
import { ConfigOverrides, loadServerConfig } from '@app/common';
import { ClientRepository, NotificationOutboxEntity } from '@app/store';
import { passwordLogin, seedClient, seedUser, sessionWatermarksSettled } from './support/fixtures';
import { Receiver } from './support/receiver';
import { startTestApp, TestApp } from './support/test-app';

/** What the server does outside development when nothing is configured (the unit spec checks it is the default). */
const PRODUCTION_DEFAULT: ConfigOverrides = { outbound: loadServerConfig({ NODE_ENV: 'production' }).outbound };

const REFUSED_URLS: [string, RegExp][] = [
  ['http://rp.example.com/bcl', /must be an https URL \(plain http is refused unless OUTBOUND_ALLOW_HTTP is on\)/],
  ['https://127.0.0.1/bcl', /must not point at a loopback address \(127\.0\.0\.1\)/],
  ['https://[::1]:8443/bcl', /must not point at a loopback address \(::1\)/],
  ['https://localhost/bcl', /must not point at a loopback host \(localhost\)/],
  ['https://10.0.0.8/bcl', /must not point at a private address \(10\.0\.0\.8\)/],
  ['https://192.168.1.20/bcl', /must not point at a private address/],
  ['https://169.254.169.254/latest/meta-data/', /must not point at a link-local address \(169\.254\.169\.254\)/],
  ['https://[fe80::1]/bcl', /must not point at a link-local address/],
  ['https://[::ffff:127.0.0.1]/bcl', /must not point at a loopback address/],
];

describe('Outbound URL policy: what a client may make the server call (jwks_uri, backchannel_logout_uri, caep_receiver_uri)', () => {
  describe('at registration, with the production default', () => {
    let t: TestApp;
    let adminToken: string;
    const admin = () => ({
      post: (body: object) => request(t.server).post('/admin/clients').auth(adminToken, { type: 'bearer' }).send(body),
      put: (id: string, body: object) => request(t.server).put(`/admin/clients/${id}`).auth(adminToken, { type: 'bearer' }).send(body),
    });

    beforeAll(async () => {
      t = await startTestApp(PRODUCTION_DEFAULT);
      await seedClient(t, { client_id: 'ops', client_secret: 'ops-secret', scopes: ['admin'], grant_types: ['client_credentials'] });
      adminToken = (await request(t.server).post('/token').auth('ops', 'ops-secret').type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token;
    });
    afterAll(async () => { await t.close(); });

    it.each(REFUSED_URLS)('the admin API refuses %s in each of the three members (400), and stores nothing', async (url, why) => {
      for (const member of ['backchannel_logout_uri', 'caep_receiver_uri', 'jwks_uri']) {
        const id = `c-${randomUUID()}`;
        const res = await admin().post({ client_id: id, token_endpoint_auth_method: member === 'jwks_uri' ? 'private_key_jwt' : 'client_secret_basic', [member]: url });
        expect([member, res.status, res.body.error]).toEqual([member, 400, 'invalid_request']);
        expect(res.body.error_description).toMatch(new RegExp(`^${member}: ${why.source}`));
        expect(await t.app.get(ClientRepository).findById(id)).toBeNull();
      }
    });

    it('accepts https URLs of public hosts, and refuses an update that points one inward', async () => {
      const created = await admin().post({ client_id: 'rp-public', backchannel_logout_uri: 'https://rp.example.com/bcl', caep_receiver_uri: 'https://ssf.example.com/events' });
      expect(created.status).toBe(201);
      const update = await admin().put('rp-public', { backchannel_logout_uri: 'https://rp.example.com/bcl', caep_receiver_uri: 'https://169.254.169.254/events' });
      expect(update.status).toBe(400);
      expect(update.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^caep_receiver_uri: must not point at a link-local address/) });
      expect((await t.app.get(ClientRepository).findById('rp-public'))!.caepReceiverUri).toBe('https://ssf.example.com/events');
    });

    it('the import file (and so the CLI) refuses them with their JSON path, and writes nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'outbound-import-'));
      try {
        const file = join(dir, 'import.json');
        writeFileSync(file, JSON.stringify({
          clients: [
            { client_id: 'imported-ok', client_secret: 'imported-secret', backchannel_logout_uri: 'https://rp.example.com/bcl' },
            { client_id: 'imported-bad', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://127.0.0.1:9/jwks' },
          ],
        }));
        let stderr = '';
        const code = await runCli(['import', file], { stdout: () => undefined, stderr: (s) => { stderr += s; } }, { config: t.config });
        expect(code).toBe(1);
        expect(stderr).toMatch(/^error: Import file .*import\.json: clients\[1\]\.jwks_uri: must be an https URL/);
        expect(await t.app.get(ClientRepository).findById('imported-ok')).toBeNull();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('at connection time: a name that resolves to loopback (localhost), with http allowed but no host listed', () => {
    let t: TestApp;
    let receiver: Receiver;
    let jwksServer: Server;
    let jwksRequests = 0;
    let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

    beforeAll(async () => {
      receiver = await Receiver.start();
      const pair = await generateKeyPair('ES256');
      key = pair.privateKey;
      const published = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1' }] });
      jwksServer = createServer((_req, res) => { jwksRequests++; res.writeHead(200, { 'content-type': 'application/json' }).end(published); });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      t = await startTestApp({ outbound: { allowHttp: true, allowedHosts: [] }, notifications: { pollIntervalMs: 100, retryBaseMs: 100, timeoutMs: 1500 } });
      // Stored as if registered before the policy, or as a name that resolved elsewhere then.
      const port = new URL(receiver.url('/')).port;
      await seedClient(t, { client_id: 'rp', client_secret: 'rp-secret', grant_types: ['password'], backchannel_logout_uri: `http://localhost:${port}/bcl`, caep_receiver_uri: receiver.url('/caep') });
      await seedClient(t, { client_id: 'jwt-app', client_secret: 'unused-secret', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'] });
      const repo = t.app.get(ClientRepository);
      await repo.save({ ...(await repo.findById('jwt-app'))!, secretHash: null, jwksUri: `http://localhost:${(jwksServer.address() as AddressInfo).port}/jwks` });
    });
    afterAll(async () => {
      await t.close();
      await receiver.close();
      await new Promise((resolve) => jwksServer.close(resolve));
    });

    it('sends no notification to it: each row fails at once, saying why, and the receiver hears nothing', async () => {
      await seedUser(t, 'alice', 'alice-password');
      await passwordLogin(t, { client_id: 'rp', client_secret: 'rp-secret' }, 'alice', 'alice-password');
      await seedClient(t, { client_id: 'gtr', client_secret: 'gtr-secret', scopes: ['global_token_revocation'], grant_types: ['client_credentials'] });
      await request(t.server).post('/jans-auth/restv1/global-token-revocation').auth('gtr', 'gtr-secret').send({ sub_id: { format: 'uid', id: 'alice' } }).expect(204);
      await sessionWatermarksSettled(t);
      const outbox = t.dataSource.getRepository(NotificationOutboxEntity);
      const deadline = Date.now() + 10_000;
      let rows = await outbox.find();
      while (!(rows.length === 2 && rows.every((r) => r.status === 'failed')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        rows = await outbox.find();
      }
      const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
      expect(byKind.backchannel_logout).toMatchObject({
        status: 'failed', attempts: 1, deliveredAt: null,
        lastError: 'refused: localhost is refused: it resolves to a loopback address (127.0.0.1); list the host in OUTBOUND_ALLOWED_HOSTS to allow it',
      });
      // The caep_receiver_uri is the client's push stream: its SET is an ssf_push row.
      expect(byKind.ssf_push).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/^refused: http:\/\/127\.0\.0\.1:\d+ is refused: it must not point at a loopback address/) });
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toEqual([]);
    });

    it('does not fetch the jwks_uri: private_key_jwt is refused (401) and the key server hears nothing', async () => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({ iss: 'jwt-app', sub: 'jwt-app', aud: 'http://localhost:8080/token', jti: randomUUID(), iat: now, exp: now + 60 })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);
      const res = await request(t.server).post('/token').type('form')
        .send({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'The client\'s JWKS could not be fetched.' });
      expect(jwksRequests).toBe(0);
    });
  });
});
