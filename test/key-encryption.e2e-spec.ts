import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createLocalJWKSet, decodeProtectedHeader, JSONWebKeySet, jwtVerify } from 'jose';
import { ConfigOverrides, StoreConfig } from '@app/common';
import { introspect, passwordLogin, seedClient, seedUser } from './support/fixtures';
import { startTestApp, startupError, testStoreConfig, TestApp } from './support/test-app';

// Several tests start apps of their own (each store generates an RSA key): more than the default on a busy machine.
jest.setTimeout(120_000);

const ISSUER = 'http://localhost:8080';
const RP = { client_id: 'rp', client_secret: 'rp-secret', scopes: ['openid'], grant_types: ['password'] };
const REF = { client_id: 'ref', client_secret: 'ref-secret', scopes: ['api'], grant_types: ['client_credentials'], access_token_format: 'reference' as const };

type Store = ReturnType<typeof testStoreConfig>;

/**
 * The private keys the store holds (the signing keys, the keys that seal SRIs and reference
 * tokens) are sealed under a key-encryption key kept outside it: a copy of the database signs
 * nothing. Read here from the tables themselves, as someone holding a copy would.
 */
describe('Key encryption (KEY_ENCRYPTION_KEY_FILE)', () => {
  let dir: string;
  const kekFile = (name: string, ...keys: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, `${keys.join('\n')}\n`, { mode: 0o600 });
    return file;
  };
  const newKek = () => randomBytes(32).toString('base64');
  const storeOf = (s: Store, over: Partial<StoreConfig> = {}): ConfigOverrides => ({ store: { databaseUrl: s.databaseUrl, databaseSchema: s.databaseSchema, ...over } });

  /** The rows as stored: private_jwk and the server secrets' values, as text. */
  const rows = async (t: TestApp) => ({
    keys: (await t.dataSource.query('SELECT kid, private_jwk FROM signing_key')) as { kid: string; private_jwk: string }[],
    secrets: (await t.dataSource.query('SELECT name, value FROM server_secret')) as { name: string; value: string }[],
  });
  const jwks = async (t: TestApp) => createLocalJWKSet((await request(t.server).get('/jwks').expect(200)).body as JSONWebKeySet);
  const kids = async (t: TestApp) => ((await request(t.server).get('/jwks').expect(200)).body.keys as { kid: string }[]).map((k) => k.kid).sort();

  /** Clients, a user and a token of each kind, to check after a restart. */
  async function issueTokens(t: TestApp) {
    await seedClient(t, RP);
    await seedClient(t, REF);
    await seedUser(t, 'alice', 'alice-password');
    const login = await passwordLogin(t, RP, 'alice', 'alice-password', 'openid');
    expect(login.status).toBe(200);
    const reference = (await request(t.server).post('/token').auth(REF.client_id, REF.client_secret).type('form').send({ grant_type: 'client_credentials' }).expect(200)).body.access_token as string;
    expect(reference).toMatch(/^rat1\./);
    return { idToken: login.body.id_token as string, accessToken: login.body.access_token as string, reference };
  }

  async function expectStillValid(t: TestApp, tokens: Awaited<ReturnType<typeof issueTokens>>) {
    await jwtVerify(tokens.idToken, await jwks(t), { issuer: ISSUER, audience: RP.client_id, algorithms: ['RS256'] });
    // The access token carries the session's sealed SRI (SriCodec's key), the reference token is sealed whole (ReferenceTokenCodec's key).
    expect(await introspect(t, RP, tokens.accessToken)).toMatchObject({ active: true, sub: expect.any(String) });
    expect(await introspect(t, REF, tokens.reference)).toMatchObject({ active: true, client_id: REF.client_id });
  }

  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'kek-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('with a key-encryption key from the first start', () => {
    const kek = newKek();
    let store: Store;
    let t: TestApp;
    let tokens: Awaited<ReturnType<typeof issueTokens>>;
    let keysBefore: string[];

    beforeAll(async () => {
      store = testStoreConfig();
      t = await startTestApp(storeOf(store, { keyEncryptionKeyFile: kekFile('kek', kek) }));
      tokens = await issueTokens(t);
      keysBefore = await kids(t);
    });
    afterAll(async () => {
      await t.close();
      store.cleanup();
    });

    it('stores no private key material: every signing key and server secret row is sealed', async () => {
      const { keys, secrets } = await rows(t);
      expect(keys.map((k) => k.kid).sort()).toEqual(keysBefore);
      expect(keys.length).toBe(2);
      for (const { private_jwk: stored } of keys) {
        expect(stored).toMatch(/^"sealed:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]+"$/);
        expect(stored).not.toMatch(/"(d|p|q|dp|dq|qi|kty|crv|n)"\s*:/);
        expect(stored).not.toContain('PRIVATE KEY');
      }
      expect(secrets.map((s) => s.name).sort()).toEqual(['access_token_seal_key', 'sri_seal_key']);
      for (const { value } of secrets) expect(value).toMatch(/^sealed:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]+$/);
      expect(JSON.stringify({ keys, secrets })).not.toContain(kek);
      await expectStillValid(t, tokens);
    });

    it('restarts with the same key: the same signing keys, and the tokens issued before still verify', async () => {
      await t.close();
      t = await startTestApp(storeOf(store, { keyEncryptionKeyFile: kekFile('kek', kek) }));
      expect(await kids(t)).toEqual(keysBefore);
      await expectStillValid(t, tokens);
      const again = await passwordLogin(t, RP, 'alice', 'alice-password', 'openid');
      expect(keysBefore).toContain(decodeProtectedHeader(again.body.id_token).kid);
    });

    it('refuses to start with another key, or none, saying which key the store was sealed under', async () => {
      const sealedUnder = /^"?sealed:([A-Za-z0-9_-]{8}):/.exec((await rows(t)).secrets[0].value)![1];
      const wrong = await startupError(store, storeOf(store, { keyEncryptionKeyFile: kekFile('other', newKek()) }));
      expect(wrong.message).toMatch(new RegExp(`sealed under key-encryption key ${sealedUnder}, which the configured ones \\([A-Za-z0-9_-]{8}\\) do not include`));
      const none = await startupError(store, storeOf(store));
      expect(none.message).toMatch(/is sealed, but no key-encryption key is configured: set KEY_ENCRYPTION_KEY_FILE/);
      // The store is untouched by the failed starts.
      expect((await rows(t)).secrets.every((s) => s.value.startsWith(`sealed:${sealedUnder}:`))).toBe(true);
    });

    it('takes a new key put first beside the old one, seals everything again under it, and then works without the old one', async () => {
      const next = newKek();
      await t.close();
      t = await startTestApp(storeOf(store, { keyEncryptionKey: `${next},${kek}` }));
      await expectStillValid(t, tokens);
      const { keys, secrets } = await rows(t);
      const under = new Set([...keys.map((k) => JSON.parse(k.private_jwk) as string), ...secrets.map((s) => s.value)].map((v) => v.split(':')[1]));
      expect(under.size).toBe(1);
      await t.close();
      t = await startTestApp(storeOf(store, { keyEncryptionKey: next }));
      expect(await kids(t)).toEqual(keysBefore);
      await expectStillValid(t, tokens);
    });
  });

  it('seals the plain-text keys of an earlier store at the first start with a key, which keeps them and their tokens', async () => {
    const store = testStoreConfig();
    try {
      let t = await startTestApp(storeOf(store));
      const tokens = await issueTokens(t);
      const before = await kids(t);
      const plain = await rows(t);
      expect(plain.keys.every((k) => /"d":/.test(k.private_jwk))).toBe(true);
      expect(plain.secrets.every((s) => !s.value.startsWith('sealed:'))).toBe(true);
      await t.close();

      t = await startTestApp(storeOf(store, { keyEncryptionKeyFile: kekFile('upgrade', newKek()) }));
      try {
        const sealed = await rows(t);
        expect(sealed.keys.every((k) => k.private_jwk.startsWith('"sealed:') && !/"d":/.test(k.private_jwk))).toBe(true);
        expect(sealed.secrets.every((s) => s.value.startsWith('sealed:'))).toBe(true);
        expect(await kids(t)).toEqual(before);
        await expectStillValid(t, tokens);
      } finally {
        await t.close();
      }
    } finally {
      store.cleanup();
    }
  });

  it('in production, refuses to start without a key-encryption key unless plain text is allowed', async () => {
    const store = testStoreConfig();
    try {
      const refused = await startupError(store, storeOf(store, { allowPlaintextKeys: false }));
      expect(refused.message).toMatch(/^Refusing to keep private keys in the store in plain text: set KEY_ENCRYPTION_KEY_FILE \(or KEY_ENCRYPTION_KEY\).*or ALLOW_PLAINTEXT_KEYS=true/);
      // Nothing was written in plain text before the refusal.
      const t = await startTestApp(storeOf(store, { allowPlaintextKeys: false, keyEncryptionKey: newKek() }));
      try {
        expect((await rows(t)).keys.every((k) => k.private_jwk.startsWith('"sealed:'))).toBe(true);
      } finally {
        await t.close();
      }
    } finally {
      store.cleanup();
    }
  });

  it('creates the SQLite file 0600 in a folder 0700', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'store-mode-'));
    const file = join(parent, 'data', 'revocation.sqlite');
    try {
      const t = await startTestApp({ store: { databaseUrl: `sqlite:${file}`, databaseSchema: undefined } });
      try {
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(statSync(join(parent, 'data')).mode & 0o777).toBe(0o700);
      } finally {
        await t.close();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
