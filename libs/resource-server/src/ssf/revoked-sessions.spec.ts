import { ResourceServerError } from '../errors';
import { TEST_AUDIENCE, TestIssuer } from '../testing/test-issuer';
import { createTokenVerifier } from '../token-verifier';
import { RevokedSessions } from './revoked-sessions';

describe('RevokedSessions', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('refuses the tokens of a revoked session (sid), and no others', () => {
    const revoked = new RevokedSessions(60_000, 10, clock);
    revoked.revokeSession('s1');
    expect(revoked.isRevoked({ sid: 's1', sub: 'u1' })).toBe(true);
    expect(revoked.isRevoked({ sid: 's2', sub: 'u1' })).toBe(false);
    expect(revoked.isRevoked({ sub: 'u1' })).toBe(false);
  });

  it('refuses a revoked user\'s tokens issued until the revocation, not those issued after it', () => {
    const revoked = new RevokedSessions(60_000, 10, clock);
    revoked.revokeUser('u1', 500);
    expect(revoked.isRevoked({ sub: 'u1', iat: 499 })).toBe(true);
    expect(revoked.isRevoked({ sub: 'u1', iat: 500 })).toBe(true);
    expect(revoked.isRevoked({ sub: 'u1', iat: 501 })).toBe(false);
    // An older revocation heard later does not move the line back.
    revoked.revokeUser('u1', 100);
    expect(revoked.isRevoked({ sub: 'u1', iat: 400 })).toBe(true);
  });

  it('forgets entries after the retention, and the oldest past maxEntries', () => {
    const revoked = new RevokedSessions(60_000, 2, clock);
    revoked.revokeSession('s1');
    revoked.revokeSession('s2');
    revoked.revokeSession('s3');
    expect(revoked.size).toBe(2);
    expect(revoked.isRevoked({ sid: 's1' })).toBe(false);
    expect(revoked.isRevoked({ sid: 's3' })).toBe(true);
    now += 60_001;
    expect(revoked.isRevoked({ sid: 's3' })).toBe(false);
  });
});

describe('createTokenVerifier with revocations', () => {
  let idp: TestIssuer;

  beforeAll(async () => {
    idp = await TestIssuer.start();
  });
  afterAll(() => idp.close());

  it('refuses, as token_revoked, a valid token whose session the revocations name', async () => {
    const revocations = new RevokedSessions();
    const verifier = createTokenVerifier({ issuer: idp.issuer, audience: TEST_AUDIENCE, allowedOrigins: [idp.origin], withoutStatus: 'accept', revocations });
    const token = await idp.accessToken({ sid: 'session-1' });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    revocations.revokeSession('session-1');
    const err = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceServerError);
    expect((err as ResourceServerError).code).toBe('token_revoked');
    await expect(verifier.verify(await idp.accessToken({ sid: 'session-2' }))).resolves.toBeDefined();
  });
});
