import { Logger } from '@nestjs/common';
import request, { Response } from 'supertest';
import { ConfigOverrides } from '@app/common';
import { UserSessionEntity } from '@app/store';
import { authorizePath, Browser, hiddenInputs, pkce } from '../support/browser';
import { seedClient, seedUser } from '../support/fixtures';
import { parsePrometheus, sampleValue } from '../support/prometheus';
import { describeWith, redisRequirement } from '../support/requirements';
import { startTestApp, TestApp } from '../support/test-app';
import { dropRedisKeys, REDIS_PORT, redisKeyCount, redisPrefix } from './redis-keys';

jest.setTimeout(120_000);

const REDIS = redisRequirement(REDIS_PORT);
const RP = { client_id: 'rp-guess', client_secret: 'rp-guess-secret-4f1', redirect_uri: 'https://rp.example/cb' };
const ADMIN = { client_id: 'ops-guess', client_secret: 'ops-guess-secret-4f1' };
const PER_USER = 5;
/** At least the burst below (12): every attempt of a burst holds its point until its check is done. */
const PER_IP = 12;
const DELAY_MS = 50;
/** Longer than any test here takes on a loaded machine: no count may expire halfway. */
const WINDOW = 300;
const LIMITS: ConfigOverrides = {
  signIn: { perUser: PER_USER, perIp: PER_IP, window: WINDOW, delayMs: DELAY_MS, maxDelayMs: 2 * DELAY_MS },
  http: { trustProxy: ['127.0.0.1', '::ffff:127.0.0.1'] },
};
const TOO_MANY_GRANT = /^Too many failed sign-in attempts; try again in \d+ seconds?\.$/;
const TOO_MANY_FORM = /<p class="error" role="alert" id="sign-in-error">Too many failed sign-in attempts\. Try again in \d+ (seconds?|minutes?)\.<\/p>/;

type Via = 'password_grant' | 'form';
type Result = 'success' | 'failure' | 'throttled';

/** What this file's requests did, as the server should count and log them. */
class Tally {
  readonly counts: Record<`${Result}:${Via}`, number> = {
    'success:password_grant': 0, 'failure:password_grant': 0, 'throttled:password_grant': 0, 'success:form': 0, 'failure:form': 0, 'throttled:form': 0,
  };
  readonly passwords = new Set<string>();
  readonly usernames = new Set<string>();

  add(via: Via, username: string, password: string, res: Response): Response {
    // Anything else (a 503 when the password hashing queue is full) checked nothing and counts nowhere.
    const result: Result | undefined = ({ 429: 'throttled', 200: 'success', 303: 'success', 400: 'failure' } as const)[res.status as 429 | 200 | 303 | 400];
    if (result) this.counts[`${result}:${via}`]++;
    this.passwords.add(password);
    this.usernames.add(username);
    return res;
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

function passwordGrant(t: TestApp, tally: Tally, username: string, password: string, ip?: string): Promise<Response> {
  const req = request(t.server).post('/token').auth(RP.client_id, RP.client_secret).type('form');
  if (ip) req.set('X-Forwarded-For', ip);
  return req.send({ grant_type: 'password', username, password, scope: 'openid' }).then((res) => tally.add('password_grant', username, password, res));
}

/** A browser that has the sign-in form of RP; `post` signs in from `ip`. */
async function signInForm(t: TestApp, tally: Tally) {
  const browser = new Browser(t);
  const form = await browser.get(authorizePath({
    response_type: 'code', client_id: RP.client_id, redirect_uri: RP.redirect_uri, scope: 'openid', state: 'st', code_challenge: pkce().challenge, code_challenge_method: 'S256',
  }));
  expect(form.status).toBe(200);
  const fields = hiddenInputs(form.text);
  return {
    post: async (username: string, password: string, ip: string) => tally.add('form', username, password, await request(t.server).post('/authorize')
      .set('Cookie', browser.cookieHeader()).set('X-Forwarded-For', ip).type('form').send({ ...fields, username, password }).redirects(0)),
  };
}

function expectGrantThrottled(res: Response, windowSeconds = WINDOW): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(TOO_MANY_GRANT) });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(windowSeconds);
}

function expectFormThrottled(res: Response): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toMatch(TOO_MANY_FORM);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

const sessionsOf = (t: TestApp, userId: string) => t.dataSource.getRepository(UserSessionEntity).count({ where: { userId } });

describe('Password guessing (password grant and sign-in form)', () => {
  let t: TestApp;
  const tally = new Tally();
  const users: Record<string, string> = {};
  const logLines: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    for (const level of ['log', 'warn', 'debug'] as const) {
      spies.push(jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown, ..._rest: unknown[]) => {
        if (typeof message === 'string' && message.startsWith('sign-in ')) logLines.push(message);
      }));
    }
    t = await startTestApp(LIMITS);
    await seedClient(t, { ...RP, grant_types: ['password', 'authorization_code'], scopes: ['openid'], redirect_uris: [RP.redirect_uri] });
    await seedClient(t, { ...ADMIN, grant_types: ['client_credentials'], scopes: ['admin'] });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank']) users[name] = await seedUser(t, name, `${name}-password-9x`);
  });
  afterAll(async () => {
    await t?.close();
    for (const spy of spies) spy.mockRestore();
  });

  it(`password grant: thirty wrong passwords are ${PER_USER} × 400, then 429 with Retry-After; the right one is refused too; another user signs in`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await passwordGrant(t, tally, 'alice', `alice-guess-${i}`, '10.1.0.1');
      statuses.push(res.status);
      if (res.status === 400) expect(res.body.error).toBe('invalid_grant');
      else expectGrantThrottled(res);
    }
    expect(statuses).toEqual([...Array(PER_USER).fill(400), ...Array(30 - PER_USER).fill(429)]);
    // From another address too: the count is the username's. A refused attempt checks no password.
    expectGrantThrottled(await passwordGrant(t, tally, 'alice', 'alice-password-9x', '10.1.0.2'));
    expect(await sessionsOf(t, users.alice)).toBe(0);
    // The username counts in any case or width, known or not.
    for (const variant of [' ALICE ', 'Ａｌｉｃｅ']) expectGrantThrottled(await passwordGrant(t, tally, variant, 'alice-password-9x', '10.1.0.3'));
    // Another user, from the guesser's own address, is not affected.
    const bob = await passwordGrant(t, tally, 'bob', 'bob-password-9x', '10.1.0.1');
    expect(bob.status).toBe(200);
    expect(bob.body.access_token).toEqual(expect.any(String));
  });

  it('sign-in form: thirty wrong passwords are the form with "incorrect", then 429 with a clear message; the right one is refused too; another user signs in', async () => {
    const form = await signInForm(t, tally);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await form.post('carol', `carol-guess-${i}`, '10.1.1.1');
      statuses.push(res.status);
      if (res.status === 400) expect(res.text).toMatch(/The username or password is incorrect\./);
      else expectFormThrottled(res);
      expect(res.text).not.toContain(`carol-guess-${i}`);
    }
    expect(statuses).toEqual([...Array(PER_USER).fill(400), ...Array(30 - PER_USER).fill(429)]);
    const right = await form.post('carol', 'carol-password-9x', '10.1.1.2');
    expectFormThrottled(right);
    expect(right.text).toMatch(/value="carol"/);
    expect(await sessionsOf(t, users.carol)).toBe(0);
    const dave = await form.post('dave', 'dave-password-9x', '10.1.1.1');
    expect(dave.status).toBe(303);
    expect(new URL(dave.headers.location as string).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('counts the form and the password grant together: one username, one count', async () => {
    const form = await signInForm(t, tally);
    for (let i = 0; i < PER_USER; i++) expect((await form.post('erin', `erin-guess-${i}`, '10.1.2.1')).status).toBe(400);
    expectGrantThrottled(await passwordGrant(t, tally, 'erin', 'erin-password-9x', '10.1.2.2'));
  });

  it('a burst of concurrent guesses gets no more password checks than the limit', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => passwordGrant(t, tally, 'frank', `frank-guess-${i}`, '10.1.3.1')));
    const checked = burst.filter((r) => r.status === 400);
    // On a busy machine the password hashing queue may refuse a check (503): nothing was checked,
    // and its reservation is given back, which may let a later guess of the burst have its turn.
    const busy = burst.filter((r) => r.status === 503);
    expect(checked.length).toBeLessThanOrEqual(PER_USER);
    expect(checked.length + busy.length).toBeGreaterThanOrEqual(PER_USER);
    const refused = burst.filter((r) => r.status === 429);
    expect(checked.length + busy.length + refused.length).toBe(12);
    for (const res of refused) expectGrantThrottled(res);
    // Then one at a time until refused: the burst and these together had at most PER_USER checks.
    let checks = checked.length;
    for (let i = 0; i <= PER_USER; i++) {
      const res = await passwordGrant(t, tally, 'frank', `frank-late-${i}`, '10.1.3.1');
      if (res.status !== 400) {
        expectGrantThrottled(res);
        break;
      }
      checks++;
    }
    expect(checks).toBeLessThanOrEqual(PER_USER);
    expectGrantThrottled(await passwordGrant(t, tally, 'frank', 'frank-password-9x', '10.1.3.2'));
  });

  it('a successful sign-in clears the username\'s count', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < PER_USER - 1; i++) expect((await passwordGrant(t, tally, 'gina', `gina-guess-${round}-${i}`, '10.1.4.1')).status).toBe(400);
      expect((await passwordGrant(t, tally, 'gina', 'gina-password-9x', '10.1.4.1')).status).toBe(200);
    }
  });

  it(`per address: ${PER_IP} failures over any usernames block that address only; successes do not count`, async () => {
    for (let i = 0; i < PER_IP - 1; i++) expect((await passwordGrant(t, tally, `nobody-${i}`, `nobody-guess-${i}`, '10.1.5.1')).status).toBe(400);
    // Each success reserves a point like any attempt and gives it back: the address stays one short of its limit.
    for (let i = 0; i < 3; i++) expect((await passwordGrant(t, tally, 'hank', 'hank-password-9x', '10.1.5.1')).status).toBe(200);
    expect((await passwordGrant(t, tally, 'nobody-last', 'nobody-guess-last', '10.1.5.1')).status).toBe(400);
    expectGrantThrottled(await passwordGrant(t, tally, 'hank', 'hank-password-9x', '10.1.5.1'));
    const form = await signInForm(t, tally);
    expectFormThrottled(await form.post('hank', 'hank-password-9x', '10.1.5.1'));
    expect((await passwordGrant(t, tally, 'hank', 'hank-password-9x', '10.1.5.2')).status).toBe(200);
  });

  it('counts every attempt in /metrics by result and way in', async () => {
    const res = await request(t.server).get('/metrics');
    expect(res.status).toBe(200);
    const m = parsePrometheus(res.text);
    expect(m.types.revocation_sign_ins_total).toBe('counter');
    const counted = Object.fromEntries(Object.keys(tally.counts).map((k) => {
      const [result, via] = k.split(':');
      return [k, sampleValue(m, 'revocation_sign_ins_total', { result, via })];
    }));
    expect(counted).toEqual(tally.counts);
    expect(tally.counts['throttled:password_grant']).toBeGreaterThan(0);
    expect(tally.counts['throttled:form']).toBeGreaterThan(0);
  });

  it('logs one line per attempt, with the result, the client, the address and the user, never a password or a username', async () => {
    expect(logLines).toHaveLength(tally.total);
    expect(logLines).toContainEqual(expect.stringMatching(new RegExp(`^sign-in success via=password_grant client=rp-guess ip=10\\.1\\.0\\.1 username_sha256=\\S{16} user=${users.bob}$`)));
    expect(logLines).toContainEqual(expect.stringMatching(new RegExp(`^sign-in failure via=form client=rp-guess ip=10\\.1\\.1\\.1 username_sha256=\\S{16} user=${users.carol}$`)));
    expect(logLines).toContainEqual(expect.stringMatching(/^sign-in failure via=password_grant client=rp-guess ip=10\.1\.5\.1 username_sha256=\S{16}$/));
    expect(logLines).toContainEqual(expect.stringMatching(/^sign-in throttled via=form client=rp-guess ip=10\.1\.1\.1 username_sha256=\S{16} retry_after=\d+$/));
    for (const line of logLines) {
      const shown = line.replace(/username_sha256=\S+/, '');
      for (const secret of [...tally.passwords, ...tally.usernames]) expect(shown).not.toContain(secret.trim());
    }
  });

  it('refuses the password grant to a public client already stored with it (unauthorized_client), counting nothing', async () => {
    await seedClient(t, { client_id: 'spa-pw', client_secret: 'unused-secret', token_endpoint_auth_method: 'none', grant_types: ['password'], scopes: ['openid'] });
    const before = logLines.length;
    const res = await request(t.server).post('/token').type('form').send({ grant_type: 'password', client_id: 'spa-pw', username: 'bob', password: 'bob-password-9x' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: expect.stringMatching(/public client/) });
    expect(logLines.length).toBe(before);
  });

  it('refuses to register a public client with the password grant (admin API, create and update)', async () => {
    const token = (await request(t.server).post('/token').auth(ADMIN.client_id, ADMIN.client_secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' })).body.access_token as string;
    const as = (method: 'post' | 'put', path: string) => request(t.server)[method](path).set('Authorization', `Bearer ${token}`);
    const problem = 'grant_types: password needs an authenticating client (token_endpoint_auth_method is none)';
    const created = await as('post', '/admin/clients').send({ client_id: 'spa-new', token_endpoint_auth_method: 'none', grant_types: ['password', 'refresh_token'] });
    expect(created.status).toBe(400);
    expect(created.body).toEqual({ error: 'invalid_request', error_description: problem });
    expect((await as('post', '/admin/clients').send({ client_id: 'spa-new', token_endpoint_auth_method: 'none', grant_types: ['refresh_token'] })).status).toBe(201);
    const updated = await as('put', '/admin/clients/spa-new').send({ token_endpoint_auth_method: 'none', grant_types: ['password'] });
    expect(updated.status).toBe(400);
    expect(updated.body).toEqual({ error: 'invalid_request', error_description: problem });
  });
});

describe('Password guessing: the progressive delay', () => {
  const DELAY = 3000;
  let t: TestApp;
  const tally = new Tally();
  beforeAll(async () => {
    t = await startTestApp({ signIn: { perUser: 4, perIp: 100, window: WINDOW, delayMs: DELAY, maxDelayMs: DELAY } });
    await seedClient(t, { ...RP, grant_types: ['password'], scopes: ['openid'] });
    await seedUser(t, 'ivy', 'ivy-password-9x');
  });
  afterAll(() => t?.close());

  it(`makes a username's 3rd and 4th attempts wait ${DELAY} ms before the password is checked, the right password included`, async () => {
    const timed = async (password: string) => {
      const started = Date.now();
      const res = await passwordGrant(t, tally, 'ivy', password);
      return { status: res.status, ms: Date.now() - started };
    };
    expect((await timed('ivy-guess-1')).status).toBe(400);
    expect((await timed('ivy-guess-2')).status).toBe(400);
    const third = await timed('ivy-guess-3');
    expect(third.status).toBe(400);
    expect(third.ms).toBeGreaterThanOrEqual(DELAY);
    const fourth = await timed('ivy-password-9x');
    expect(fourth.status).toBe(200);
    expect(fourth.ms).toBeGreaterThanOrEqual(DELAY);
    // The success cleared the count: no wait now.
    expect((await timed('ivy-guess-4')).status).toBe(400);
  });
});

describeWith(REDIS, 'Password guessing: counts shared through Redis', () => {
  const prefix = redisPrefix();
  let a: TestApp;
  let b: TestApp;
  const tally = new Tally();
  beforeAll(async () => {
    const config: ConfigOverrides = { redis: { url: `redis://127.0.0.1:${REDIS_PORT}`, keyPrefix: prefix }, signIn: { perUser: 4, perIp: 1000, window: WINDOW, delayMs: 0 } };
    [a, b] = await Promise.all([startTestApp(config), startTestApp(config)]);
    for (const t of [a, b]) {
      await seedClient(t, { ...RP, grant_types: ['password'], scopes: ['openid'] });
      for (const name of ['jack', 'kim']) await seedUser(t, name, `${name}-password-9x`);
    }
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await dropRedisKeys(prefix);
  });

  it('failures on one instance count on the other: two and two, then both refuse even the right password', async () => {
    for (let i = 0; i < 2; i++) expect((await passwordGrant(a, tally, 'jack', `jack-guess-a${i}`)).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await passwordGrant(b, tally, 'jack', `jack-guess-b${i}`)).status).toBe(400);
    expectGrantThrottled(await passwordGrant(a, tally, 'jack', 'jack-password-9x'));
    expectGrantThrottled(await passwordGrant(b, tally, 'jack', 'jack-password-9x'));
    expect((await passwordGrant(b, tally, 'kim', 'kim-password-9x')).status).toBe(200);
    expect(await redisKeyCount(`${prefix}signin:user`)).toBe(1);
  });
});
