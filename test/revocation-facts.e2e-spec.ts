import fc from 'fast-check';
import {
  AccessTokenClaims, RevocableToken, RevocationFeedFollower, RevocationIndex, revocationStateOf, SESSION_ENDED_BY_SRI_LIST, StoreRevocationFacts, TOKEN_KIND_CLAIM,
  TokenStatusService, newTokenId,
} from '@app/auth';
import { SriCodec } from '@app/sessions';
import {
  ClientRepository, RevokedSriRepository, SessionRepository, SessionValidationPolicy, TokenRepository, Transactor, UserSuspensionRepository, WatermarkRepository,
} from '@app/store';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The revocation rules are written once (revocationState) over RevocationFacts: for random
 * histories of issuances, revocations and suspensions, the in-memory index (once it has read
 * the feed) and the store give the same answer for every token, under both settings of the client's
 * check_session_revocation_status. One user's id is a client's id: TokenStatusService, which
 * tells a user's token from a client's own, must answer its tokens as the store does too,
 * whether they carry their kind or were issued before it was marked.
 */
type Op =
  | { op: 'login'; user: number; sealed: boolean; client: number }
  | { op: 'issue'; session: number }
  | { op: 'revokeToken' | 'revokeFamily'; token: number }
  | { op: 'revokeClientTokens' }
  | { op: 'globalRevoke'; user: number }
  | { op: 'endSession' | 'listOnly' | 'listAndEnd' | 'unlist'; session: number }
  | { op: 'endAllOfUser'; user: number; byList: boolean }
  | { op: 'suspend' | 'resume'; user: number };

const pick = fc.nat({ max: 50 });
const OPS = fc.array(fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('login' as const), user: fc.nat({ max: 2 }), sealed: fc.boolean(), client: fc.nat({ max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('issue' as const), session: pick }) },
  fc.record({ op: fc.constantFrom('revokeToken' as const, 'revokeFamily' as const), token: pick }),
  fc.record({ op: fc.constant('revokeClientTokens' as const) }),
  fc.record({ op: fc.constant('globalRevoke' as const), user: fc.nat({ max: 2 }) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('endSession' as const, 'listOnly' as const, 'listAndEnd' as const, 'unlist' as const), session: pick }) },
  fc.record({ op: fc.constant('endAllOfUser' as const), user: fc.nat({ max: 2 }), byList: fc.boolean() }),
  fc.record({ op: fc.constantFrom('suspend' as const, 'resume' as const), user: fc.nat({ max: 2 }) }),
), { minLength: 1, maxLength: 25 });

const POLICIES: Required<SessionValidationPolicy>[] = [
  { include_session_id: true, check_session_revocation_status: true, check_valid_authn_session: false, update_authn_session_activity: false },
  { include_session_id: true, check_session_revocation_status: false, check_valid_authn_session: false, update_authn_session_activity: false },
];

describe('revocation rules: the index and the store agree', () => {
  let t: TestApp;
  let run = 0;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('for random histories of issuances and revocations, both sources give the same answer for every token', async () => {
    const tokens = t.app.get(TokenRepository);
    const sessions = t.app.get(SessionRepository);
    const watermarks = t.app.get(WatermarkRepository);
    const revokedSris = t.app.get(RevokedSriRepository);
    const tx = t.app.get(Transactor);
    const sris = t.app.get(SriCodec);
    const index = t.app.get(RevocationIndex);
    const feed = t.app.get(RevocationFeedFollower);
    const status = t.app.get(TokenStatusService);
    const clientRepo = t.app.get(ClientRepository);
    const suspensions = t.app.get(UserSuspensionRepository);
    const sources = { watermarks, sessions, revokedSris, suspensions };
    let clock = Date.now();

    await fc.assert(fc.asyncProperty(OPS, async (ops) => {
      run++;
      // Clients of this run only (their tokens, their deletion); user 2's id is client 0's.
      const clients = [`r${run}-c0`, `r${run}-c1`];
      const users = [`r${run}-u0`, `r${run}-u1`, clients[0]];
      for (const clientId of clients) {
        await clientRepo.save(clientRepo.create({
          clientId, clientName: null, secretHash: null, tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['password'], scopes: ['openid'], redirectUris: [],
          postLogoutRedirectUris: null, backchannelLogoutUri: null, caepReceiverUri: null, sessionRevocationApi: false, sessionManagementApi: false,
          jwks: null, jwksUri: null, sessionValidation: null, accessTokenFormat: 'jwt', createdAt: clock, updatedAt: clock,
        }));
      }
      const issued: (RevocableToken & { clientId: string })[] = [];
      const families = new Map<string, string>();
      const opened: { id: string; sri: string; userId: string; client: string }[] = [];
      const issue = async (s: (typeof opened)[number], at: number) => {
        const id = newTokenId(at);
        const family = families.get(s.id) ?? `fam-${id}`;
        families.set(s.id, family);
        await tokens.insert([{ id, type: 'access_token', clientId: s.client, userId: s.userId, sessionId: s.id, familyId: family, issuedAt: at, expiresAt: at + 300_000 }]);
        issued.push({ id, userId: s.userId, issuedAt: at, expiresAt: at + 300_000, sessionId: s.id, sri: s.sri, clientId: s.client });
      };
      for (const o of ops) {
        const at = ++clock;
        const session = 'session' in o ? opened[o.session % Math.max(opened.length, 1)] : undefined;
        switch (o.op) {
          case 'login': {
            const s = { id: newTokenId(at), sri: o.sealed ? sris.seal(users[o.user], at) : `sri-${run}-${at}`, userId: users[o.user], client: clients[o.client === 0 ? 1 : 0] };
            await sessions.insert(sessions.create({
              id: s.id, sri: s.sri, sriSealed: o.sealed, userId: s.userId, clientIds: [s.client], authnSource: 'password', clientIp: null, userAgent: null,
              createdAt: at, lastActivityAt: at, idleTimeout: 3600, maxLifetime: 86_400, revokedAt: null, revokedReason: null, revokedBy: null,
            }));
            opened.push(s);
            await issue(s, at);
            break;
          }
          case 'issue':
            if (session) await issue(session, at);
            break;
          case 'revokeToken':
          case 'revokeFamily': {
            const token = issued[o.token % Math.max(issued.length, 1)];
            if (!token) break;
            if (o.op === 'revokeToken') await tokens.revoke(token.id, 'test');
            else await tokens.revokeFamily(families.get(token.sessionId!)!, 'test');
            break;
          }
          case 'revokeClientTokens':
            await tokens.revokeByClient(clients[1], 'client_deleted');
            break;
          case 'globalRevoke':
            await watermarks.raise(users[o.user], at, 'test', undefined, { reason: 'global_token_revocation', by: null, initiatingEntity: 'system' });
            break;
          case 'endSession':
            if (session) await sessions.revoke(session.id, 'logout', null);
            break;
          case 'listOnly':
          case 'listAndEnd':
            if (!session) break;
            await tx.run(async (em) => {
              await revokedSris.add({ sri: session.sri, createdAt: at, revokedBy: 'test' }, em);
              if (o.op === 'listAndEnd') await sessions.revokeBySri(session.sri, SESSION_ENDED_BY_SRI_LIST, 'test', at, em);
            });
            break;
          case 'unlist':
            if (session) await revokedSris.deleteListedUpTo([session.sri], at);
            break;
          case 'endAllOfUser':
            await tx.run(async (em) => {
              await sessions.revokeAllOfUser(users[o.user], o.byList ? SESSION_ENDED_BY_SRI_LIST : 'admin', null, at, em);
              if (o.byList) await revokedSris.listSessionsEndedAt(users[o.user], at, 'test', em);
            });
            break;
          case 'suspend':
            await suspensions.suspend(users[o.user], 'test');
            break;
          case 'resume':
            await suspensions.resume(users[o.user]);
            break;
        }
      }
      // On PostgreSQL a read may stop at a gap of ids still committing: read again, at most 5 s.
      for (let i = 0; i < 50 && (await feed.sync(), !index.isFresh(Date.now())); i++) await new Promise((r) => setTimeout(r, 100));
      const now = Date.now();
      expect(index.isFresh(now)).toBe(true);
      for (const token of issued) {
        const record = (await tokens.findById(token.id))!;
        for (const policy of POLICIES) {
          const facts = await StoreRevocationFacts.load(sources, record, now, async () => policy);
          const fromStore = revocationStateOf(facts, { ...token, sri: facts.session?.sri ?? token.sri }, facts.policy, now);
          const fromMemory = revocationStateOf(index, token, policy, now);
          expect({ token: token.id, policy: policy.check_session_revocation_status, state: fromMemory }).toEqual({ token: token.id, policy: policy.check_session_revocation_status, state: fromStore });
        }
        // Through TokenStatusService, with the claims the token carries: its client's policy is the default (POLICIES[0]).
        const facts = await StoreRevocationFacts.load(sources, record, now, async () => POLICIES[0]);
        const fromStore = revocationStateOf(facts, { ...token, sri: facts.session?.sri ?? token.sri }, facts.policy, now);
        const claims: AccessTokenClaims = {
          jti: token.id, sub: token.userId, client_id: token.clientId, sid: token.sessionId, 'pi.sri': token.sri,
          iat: Math.floor(token.issuedAt / 1000), exp: token.expiresAt / 1000,
        };
        for (const kind of ['user', undefined]) {
          const checked = await status.checkAccessToken(kind ? { ...claims, [TOKEN_KIND_CLAIM]: kind } : claims, now);
          expect({ token: token.id, sub: token.userId, kind, state: checked }).toEqual({ token: token.id, sub: token.userId, kind, state: fromStore });
        }
      }
    }), { numRuns: 30 });
  }, 120_000);
});
