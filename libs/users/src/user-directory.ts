import type { SubjectIdentifier } from './subject-identifier';

/** A user as the directory names it. */
export interface DirectoryUser {
  /**
   * The user's subject id on this server: the `sub` of the tokens it issues and the key of the
   * user's sessions and revocation watermark. A directory backed by another system (LDAP, an
   * HTTP service) maps its entries to these ids.
   */
  id: string;
}

export interface ResolvedSubject {
  /** The user to revoke: the first match, in an order that is the same every time. */
  user: DirectoryUser | null;
  /** How many users the subject matched (Janssen revokes the first one found; the audit note shows the count). */
  matches: number;
}

/**
 * Extension point: how a `sub_id` or a user key resolves to users. The default reads the
 * store's users and attributes (StoreUserDirectory); a host binds its own (LDAP, an HTTP call…)
 * through the `userDirectory` option of RevocationModule.forRoot and SessionMgmtModule.forRoot
 * (docs/extending.md). Both methods may throw: a store-unavailable error answers 503, any
 * other 500.
 */
export interface UserDirectory {
  /** The user a Global Token Revocation `sub_id` names (any accepted format), and how many matched. */
  resolveSubject(subject: SubjectIdentifier): Promise<ResolvedSubject>;
  /** The users whose attribute `attribute` equals `value` (the Session Management API's user key), at most `limit`. */
  findByKey(attribute: string, value: string, limit: number): Promise<DirectoryUser[]>;
}

/**
 * A user directory a module binds: a class (instantiated in that module; it may inject what the
 * host provides globally) or an instance (shared, e.g. the same one given to several modules).
 */
export type UserDirectoryBinding = (new (...args: never[]) => UserDirectory) | UserDirectory;

/** Injection token of the UserDirectory the feature modules use. */
export const USER_DIRECTORY = Symbol('USER_DIRECTORY');
