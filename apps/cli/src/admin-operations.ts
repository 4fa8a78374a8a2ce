import { INestApplicationContext } from '@nestjs/common';
import {
  ClientAdminService, ClientFilter, ClientViewDto, ClientWithSecretDto, CreateClientDto, FeatureFlagAdminService, FeatureFlagViewDto, RotateSecretDto, SessionAdminService, SessionFilter,
  SessionViewDto, UserAdminService, UserInputDto, UserPatchDto, UserSessionsRevokedDto, UserViewDto,
} from '@app/admin/core';
import { UserFilter, UserRepository } from '@app/store';
import { adminPath, CliAuditLog } from './audit';
import { CliFailure } from './errors';

/**
 * What the commands that work in both modes do, the admin API's operations: on the store
 * (local mode, through the admin services, each change with its audit line) or through the
 * admin API of a server (remote mode, RemoteAdmin). Both answer the admin API's DTOs, so a
 * command prints the same either way.
 */
export interface AdminOperations {
  listClients(filter?: ClientFilter): Promise<ClientViewDto[]>;
  getClient(id: string): Promise<ClientViewDto>;
  createClient(dto: CreateClientDto): Promise<ClientWithSecretDto>;
  /** An RFC 7396 merge patch of the client's settings. */
  patchClient(id: string, patch: Record<string, unknown>): Promise<ClientViewDto>;
  rotateSecret(id: string, dto: RotateSecretDto): Promise<ClientWithSecretDto>;
  deleteClient(id: string): Promise<void>;

  listUsers(limit: number, offset: number, filter?: UserFilter): Promise<UserViewDto[]>;
  getUser(sub: string): Promise<UserViewDto>;
  /** The subject id of the one user with this uid; a failure when none or several have it. */
  subOfUid(uid: string): Promise<string>;
  createUser(dto: UserInputDto): Promise<UserViewDto>;
  updateUser(sub: string, patch: UserPatchDto): Promise<UserViewDto>;
  deleteUser(sub: string): Promise<void>;
  suspendUser(sub: string): Promise<void>;
  resumeUser(sub: string): Promise<void>;

  listSessions(sub: string, filter?: SessionFilter): Promise<SessionViewDto[]>;
  revokeSession(id: string): Promise<SessionViewDto>;
  revokeSessionsOfUser(sub: string): Promise<UserSessionsRevokedDto>;

  listFlags(): Promise<FeatureFlagViewDto[]>;
  setFlag(name: string, enabled: boolean): Promise<FeatureFlagViewDto>;
}

/** The subject id of the one user with this uid, from the users the listing found (at most two asked for). */
export function onlyUser(uid: string, found: { sub: string }[]): string {
  if (found.length === 0) throw new CliFailure(`No user with the uid "${uid}".`);
  if (found.length > 1) throw new CliFailure(`Several users have the uid "${uid}"; name one by its subject id.`);
  return found[0].sub;
}

/** The operations on the store, as `actor`; every change writes its audit line. */
export function localOperations(ctx: INestApplicationContext, actor: string, audit: CliAuditLog): AdminOperations {
  const clients = ctx.get(ClientAdminService);
  const users = ctx.get(UserAdminService);
  const sessions = ctx.get(SessionAdminService);
  const flags = ctx.get(FeatureFlagAdminService);
  return {
    listClients: (filter) => clients.list(filter),
    getClient: (id) => clients.get(id),
    createClient: (dto) => audit.record('POST', adminPath('clients'), 201, () => clients.create(dto)),
    patchClient: (id, patch) => audit.record('PATCH', adminPath('clients', id), 200, () => clients.patch(id, patch)),
    rotateSecret: (id, dto) => audit.record('POST', adminPath('clients', id, 'secret'), 200, () => clients.rotateSecret(id, dto)),
    deleteClient: (id) => audit.record('DELETE', adminPath('clients', id), 204, () => clients.remove(id)),

    listUsers: (limit, offset, filter) => users.list(limit, offset, filter),
    getUser: (sub) => users.get(sub),
    subOfUid: async (uid) => onlyUser(uid, (await ctx.get(UserRepository).findByAttribute('uid', uid, 2)).map((u) => ({ sub: u.id }))),
    createUser: (dto) => audit.record('POST', adminPath('users'), 201, () => users.create(dto)),
    updateUser: (sub, patch) => audit.record('PATCH', adminPath('users', sub), 200, () => users.update(sub, patch)),
    deleteUser: (sub) => audit.record('DELETE', adminPath('users', sub), 204, () => users.remove(sub, actor)),
    suspendUser: (sub) => audit.record('POST', adminPath('users', sub, 'suspend'), 204, () => users.suspend(sub, actor)),
    resumeUser: (sub) => audit.record('POST', adminPath('users', sub, 'resume'), 204, () => users.resume(sub)),

    listSessions: (sub, filter) => sessions.listForUser(sub, filter),
    revokeSession: (id) => audit.record('DELETE', adminPath('sessions', id), 200, () => sessions.revoke(id, actor)),
    revokeSessionsOfUser: (sub) => audit.record('DELETE', adminPath('users', sub, 'sessions'), 200, () => sessions.revokeAllOfUser(sub, actor)),

    listFlags: async () => flags.list(),
    setFlag: (name, enabled) => audit.record('PUT', adminPath('feature-flags', name), 200, () => flags.set(name, enabled)),
  };
}
