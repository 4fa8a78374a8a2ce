import type { EntityManager } from 'typeorm';
import type { ClientRepository, NotificationOutboxEntity, NotificationOutboxRepository, SessionRepository, UserSessionEntity } from '@app/store';
import { SessionEvents } from '../events/session-events';
import { NotificationPlanners } from '../notifications/notification-planners';
import type { AfterCommit } from './after-commit';
import { SessionTerminator } from './session-terminator.service';

const EM = { name: 'the transaction' } as unknown as EntityManager;
const session = (id: string, clientIds: string[]) => ({ id, sri: `sri-${id}`, userId: 'u1', clientIds } as UserSessionEntity);

/** Doubles with the repositories' contracts; the e2e suites run the real store on SQLite and PostgreSQL. */
function setup(ended: UserSessionEntity[]) {
  const sessions = {
    revokeAllOfUser: jest.fn(async () => ended),
    revokeBySri: jest.fn(async () => ended.length > 0),
    revoke: jest.fn(async () => ended.length > 0),
    listEndedIn: jest.fn(async () => ended),
  };
  const clients = { findByIds: jest.fn(async () => [{ clientId: 'rp1', backchannelLogoutUri: 'https://rp1.example/bcl' }]) };
  const added: NotificationOutboxEntity[] = [];
  const outbox = { add: jest.fn(async (rows: NotificationOutboxEntity[]) => void added.push(...rows)) };
  const hooks: (() => void)[] = [];
  const afterCommit = { run: jest.fn((_em: EntityManager, hook: () => void) => void hooks.push(hook)) };
  const events = new SessionEvents();
  const terminator = new SessionTerminator(
    sessions as unknown as SessionRepository, clients as unknown as ClientRepository, outbox as unknown as NotificationOutboxRepository,
    afterCommit as unknown as AfterCommit, events, new NotificationPlanners(),
  );
  return { terminator, sessions, clients, outbox, added, afterCommit, hooks, events };
}

const ending = { reason: 'global_token_revocation', by: 'rp9', at: 1_700_000_000_000, initiatingEntity: 'policy' as const };

describe('SessionTerminator', () => {
  it('ends a user\'s sessions (the UPDATE returns them) and queues their notifications in the same transaction', async () => {
    const { terminator, sessions, clients, added, outbox } = setup([session('s1', ['rp1', 'rp2']), session('s2', ['rp1'])]);
    const ended = await terminator.end({ userId: 'u1' }, ending, EM);
    expect(ended.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(sessions.revokeAllOfUser).toHaveBeenCalledWith('u1', 'global_token_revocation', 'rp9', ending.at, EM, false);
    expect(sessions.listEndedIn).not.toHaveBeenCalled();
    expect(clients.findByIds).toHaveBeenCalledWith(['rp1', 'rp2'], EM);
    expect(outbox.add).toHaveBeenCalledWith(expect.any(Array), EM);
    expect(added.map((r) => [r.payload.sid, r.kind])).toEqual([
      ['s1', 'backchannel_logout'], ['s2', 'backchannel_logout'],
    ]);
  });

  it('publishes session.ended only once the transaction commits', async () => {
    const { terminator, hooks, events } = setup([session('s1', ['rp1'])]);
    const seen: unknown[] = [];
    events.on('session.ended', (e) => void seen.push(e));
    await terminator.end({ sri: 'sri-s1' }, ending, EM);
    expect(seen).toEqual([]);
    hooks.forEach((h) => h());
    expect(seen).toEqual([{ sessions: [{ id: 's1', sri: 'sri-s1', userId: 'u1', clientIds: ['rp1'] }], ...ending, notifications: 1 }]);
  });

  it('does nothing more when no live session matched (a repeat, or an unknown session)', async () => {
    const { terminator, sessions, outbox, afterCommit } = setup([]);
    expect(await terminator.end({ id: 'nope' }, ending, EM)).toEqual([]);
    expect(sessions.revoke).toHaveBeenCalledWith('nope', 'global_token_revocation', 'rp9', EM);
    expect(sessions.listEndedIn).not.toHaveBeenCalled();
    expect(outbox.add).not.toHaveBeenCalled();
    expect(afterCommit.run).not.toHaveBeenCalled();
  });
});
