import { ApiError } from '@app/common';
import type { ClientAuthRequest } from '../client-auth-method';
import { runPassportStrategy } from './run-passport-strategy';

type Attempt = { success(u: unknown): void; fail(c?: unknown, s?: number): void; error(e: unknown): void; pass(): void; redirect(u: string): void };
type Outcome = (s: Attempt, req: ClientAuthRequest) => void;

/** A strategy whose decision is the test's: `decide` runs as its authenticate(), on the attempt passport made. */
class TestStrategy {
  constructor(private readonly decide: Outcome) {}

  authenticate(req: unknown): void {
    this.decide(this as unknown as Attempt, req as ClientAuthRequest);
  }
}

const request = (headers: Record<string, string> = {}): ClientAuthRequest => ({ headers, ip: '10.0.0.1' });

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('runPassportStrategy', () => {
  it('answers with the user of success()', async () => {
    await expect(runPassportStrategy(new TestStrategy((s, req) => s.success({ id: req.headers['x-key'] })), request({ 'x-key': 'k1' }))).resolves.toEqual({ id: 'k1' });
  });

  it('turns fail() into 401 invalid_client: a string challenge is WWW-Authenticate, an object\'s message the description', async () => {
    const basic = await refusal(runPassportStrategy(new TestStrategy((s) => s.fail('Basic realm="x"')), request()));
    expect(basic).toMatchObject({ status: 401, code: 'invalid_client', description: 'Client authentication failed.', headers: { 'WWW-Authenticate': 'Basic realm="x"' } });
    const message = await refusal(runPassportStrategy(new TestStrategy((s) => s.fail({ message: 'Unknown API key' }, 403)), request()));
    expect(message).toMatchObject({ status: 401, code: 'invalid_client', description: 'Unknown API key', headers: { 'WWW-Authenticate': 'Basic realm="revocation-server"' } });
    // passport's status is not the answer: RFC 6749 §5.2 makes every refused client authentication invalid_client.
    expect(await refusal(runPassportStrategy(new TestStrategy((s) => s.fail(400)), request()))).toMatchObject({ status: 401, description: 'Client authentication failed.' });
  });

  it('rejects with the strategy\'s error, as it is', async () => {
    const outage = new Error('directory unreachable');
    await expect(runPassportStrategy(new TestStrategy((s) => s.error(outage)), request())).rejects.toBe(outage);
    await expect(runPassportStrategy(new TestStrategy(() => { throw outage; }), request())).rejects.toBe(outage);
  });

  it('refuses pass() and redirect(), which decide nothing about a client', async () => {
    expect((await refusal(runPassportStrategy(new TestStrategy((s) => s.pass()), request()))).status).toBe(401);
    expect((await refusal(runPassportStrategy(new TestStrategy((s) => s.redirect('https://idp.example/login')), request()))).status).toBe(401);
  });

  it('keeps concurrent attempts of one strategy apart, and leaves the request as it was', async () => {
    const strategy = new TestStrategy((s, req) => {
      const key = req.headers['x-key'];
      setTimeout(() => (key === 'good' ? s.success({ key }) : s.fail()), key === 'good' ? 20 : 1);
    });
    const req = request({ 'x-key': 'good' });
    const [good, bad] = await Promise.allSettled([runPassportStrategy(strategy, req), runPassportStrategy(strategy, request({ 'x-key': 'bad' }))]);
    expect(good).toEqual({ status: 'fulfilled', value: { key: 'good' } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { status: 401 } });
    expect(Object.keys(req)).toEqual(['headers', 'ip']);
    expect(Object.keys(strategy)).toEqual(['decide']);
  });
});
