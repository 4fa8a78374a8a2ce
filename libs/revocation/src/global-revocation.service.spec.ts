import { SessionEvents, type SessionTerminator } from '@app/sessions';
import type { RevokedSriRepository, SessionRepository, Transactor, WatermarkRepository } from '@app/store';
import type { EntityManager } from 'typeorm';
import { GlobalRevocationService, RevocationIncompleteError } from './global-revocation.service';
import type { UserDirectory } from '@app/users';

const EM = { name: 'the transaction' } as unknown as EntityManager;

/** Doubles with the repositories' contracts; the e2e suite runs the real store on SQLite and PostgreSQL. */
function setup(found: { user: { id: string } | null; matches: number }) {
  const log: unknown[][] = [];
  const tx = {
    runs: 0,
    async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
      this.runs++;
      log.push(['begin']);
      try {
        const result = await work(EM);
        log.push(['commit']);
        return result;
      } catch (err) {
        log.push(['rollback']);
        throw err;
      }
    },
  };
  const watermarks = { raise: jest.fn(async (...a: unknown[]) => void log.push(['raise', ...a])) };
  const revokedSris = { listSessionsEndedAt: jest.fn(async (...a: unknown[]) => void log.push(['list', ...a])) };
  const terminator = { end: jest.fn(async (...a: unknown[]) => (log.push(['sessions', ...a]), [{}, {}, {}])) };
  const sessions = { countLiveOfUser: jest.fn(async (...a: unknown[]) => (log.push(['count', ...a]), 7)) };
  const directory = { resolveSubject: jest.fn(async () => found) };
  const events = new SessionEvents();
  events.on('user.revoked', (e) => void log.push(['user.revoked', e]));
  const service = new GlobalRevocationService(
    directory as unknown as UserDirectory,
    watermarks as unknown as WatermarkRepository,
    revokedSris as unknown as RevokedSriRepository,
    terminator as unknown as SessionTerminator,
    sessions as unknown as SessionRepository,
    tx as unknown as Transactor,
    undefined,
    events,
  );
  return { service, log, tx, terminator };
}

describe('GlobalRevocationService', () => {
  it('raises the watermark (which ends every session), ends the unsealed ones, then lists their SRIs: one transaction', async () => {
    const { service, log, tx } = setup({ user: { id: 'u-1' }, matches: 2 });
    const before = Date.now();
    const result = await service.revoke({ kind: 'attribute', attribute: 'uid', value: 'breakfast' }, 'rp1');
    expect(result).toEqual({ userId: 'u-1', matches: 2, sessionsRevoked: 3 });
    expect(tx.runs).toBe(1);
    expect(log.map((l) => l[0])).toEqual(['begin', 'raise', 'sessions', 'list', 'commit', 'user.revoked']);
    const [, userId, at, reason, em, ending] = log[1] as [string, string, number, string, EntityManager, unknown];
    expect([userId, reason, em]).toEqual(['u-1', 'global_token_revocation by rp1', EM]);
    // How SessionWatermarkWorker records the sessions the watermark ends.
    expect(ending).toEqual({ reason: 'global_token_revocation', by: 'rp1', initiatingEntity: 'policy' });
    expect(at).toBeGreaterThanOrEqual(before);
    // One instant for all three: the list counts the SRIs' lifetime from it.
    expect(log[3]).toEqual(['list', 'u-1', at, 'rp1', EM]);
    expect(log[2]).toEqual(['sessions', { userId: 'u-1', onlyUnsealed: true }, { reason: 'global_token_revocation', by: 'rp1', at, initiatingEntity: 'policy' }, EM]);
    // Published after the commit, with the same instant.
    expect(log[5]).toEqual(['user.revoked', { userId: 'u-1', reason: 'global_token_revocation', by: 'rp1', at, initiatingEntity: 'policy', sessionsEnded: 3 }]);
  });

  it('revokeUser (the CLI) also counts the live sessions, in the transaction', async () => {
    const { service, log } = setup({ user: { id: 'u-1' }, matches: 1 });
    expect(await service.revokeUser('u-1', 'admin')).toBe(7);
    expect(log.map((l) => l[0])).toEqual(['begin', 'count', 'raise', 'sessions', 'list', 'commit', 'user.revoked']);
    expect(log[6]).toEqual(['user.revoked', expect.objectContaining({ sessionsEnded: 7 })]);
  });

  it('touches nothing when no user matches', async () => {
    const { service, log } = setup({ user: null, matches: 0 });
    expect(await service.revoke({ kind: 'email', email: 'x@y.z' }, 'rp1')).toEqual({ userId: null, matches: 0, sessionsRevoked: 0 });
    expect(log).toEqual([]);
  });

  it('reports a failed step as RevocationIncompleteError after the rollback', async () => {
    const { service, log, terminator } = setup({ user: { id: 'u-1' }, matches: 1 });
    terminator.end.mockRejectedValueOnce(new Error('disk I/O error'));
    const err = await service.revoke({ kind: 'opaque', id: 'u-1' }, 'rp1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevocationIncompleteError);
    expect((err as Error).cause).toEqual(new Error('disk I/O error'));
    // Rolled back: nothing is published.
    expect(log.at(-1)).toEqual(['rollback']);
  });
});
