import { ApiError, GlobalRevocationConfig } from '@app/common';
import type { RequestAuth } from '@app/auth';
import { GlobalRevocationResult, GlobalRevocationService, RevocationIncompleteError } from './global-revocation.service';
import { GlobalTokenRevocationController } from './global-token-revocation.controller';

const AUTH: RequestAuth = { method: 'bearer', clientId: 'gtr', scopes: ['global_token_revocation'] };
const SUBJECT = { kind: 'attribute', attribute: 'uid', value: 'breakfast' } as const;

function controller(outcome: GlobalRevocationResult | Error, unknownUserStatus: 204 | 404 = 204) {
  const service = { revoke: jest.fn(async () => { if (outcome instanceof Error) throw outcome; return outcome; }) };
  const c = new GlobalTokenRevocationController({ unknownUserStatus } as GlobalRevocationConfig, service as unknown as GlobalRevocationService);
  return { c, service };
}

describe('GlobalTokenRevocationController', () => {
  it('revokes as the authenticated client and leaves the match count for the audit line', async () => {
    const { c, service } = controller({ userId: 'u-1', matches: 3, sessionsRevoked: 2 });
    const req = {} as { auditNote?: string };
    await expect(c.revoke(SUBJECT, AUTH, req as never)).resolves.toBeUndefined();
    expect(service.revoke).toHaveBeenCalledWith(SUBJECT, 'gtr');
    expect(req.auditNote).toBe('matches=3');
  });

  it('answers an unknown user with 204 by default and 404 when configured, noting matches=0 either way', async () => {
    const quiet = {} as { auditNote?: string };
    await expect(controller({ userId: null, matches: 0, sessionsRevoked: 0 }).c.revoke(SUBJECT, AUTH, quiet as never)).resolves.toBeUndefined();
    expect(quiet.auditNote).toBe('matches=0');
    const loud = {} as { auditNote?: string };
    const err = await controller({ userId: null, matches: 0, sessionsRevoked: 0 }, 404).c.revoke(SUBJECT, AUTH, loud as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    expect(loud.auditNote).toBe('matches=0');
  });

  it('turns an incomplete revocation into 422 without the cause, and lets other errors through', async () => {
    const { c } = controller(new RevocationIncompleteError(new Error('disk I/O error at /var/lib/db')));
    jest.spyOn((c as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined);
    const err = (await c.revoke(SUBJECT, AUTH, {} as never).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('revocation_failed');
    expect(err.description).not.toMatch(/disk/);
    const other = new Error('unexpected');
    await expect(controller(other).c.revoke(SUBJECT, AUTH, {} as never)).rejects.toBe(other);
  });
});
