import { DirectoryUser, ResolvedSubject, SubjectIdentifier, UserDirectory } from '@app/users';

/** A person in the host's own directory (an HR export, LDAP, an identity API…). */
export interface HostUser {
  /** The subject id this host's sessions use (the `sub` of its tokens). */
  id: string;
  email: string;
  /** The key the Session Management API is called with (`/users/{employeeNumber}`). */
  employeeNumber: string;
  attributes?: Record<string, string>;
}

/**
 * The host's UserDirectory: users live in memory here instead of the server's store. Any
 * lookup the host can answer works the same way: an LDAP search, an HTTP call.
 */
export class InMemoryUserDirectory implements UserDirectory {
  private readonly users: HostUser[];

  constructor(users: HostUser[]) {
    this.users = [...users];
  }

  add(user: HostUser): void {
    this.users.push(user);
  }

  async resolveSubject(subject: SubjectIdentifier): Promise<ResolvedSubject> {
    const found = this.users.filter((u) => this.matches(u, subject));
    return { user: found[0] ? { id: found[0].id } : null, matches: found.length };
  }

  async findByKey(attribute: string, value: string, limit: number): Promise<DirectoryUser[]> {
    return this.users.filter((u) => this.attribute(u, attribute) === value).slice(0, limit).map((u) => ({ id: u.id }));
  }

  private matches(u: HostUser, s: SubjectIdentifier): boolean {
    switch (s.kind) {
      case 'email':
        return u.email.toLowerCase() === s.email.toLowerCase();
      case 'opaque':
        return u.id === s.id;
      case 'attribute':
        return this.attribute(u, s.attribute) === s.value;
      default:
        // phone_number, iss_sub and account are not accepted by this host (RevocationModule's subIdFormats).
        return false;
    }
  }

  private attribute(u: HostUser, name: string): string | undefined {
    if (name === 'email') return u.email;
    if (name === 'employeeNumber') return u.employeeNumber;
    return u.attributes && Object.prototype.hasOwnProperty.call(u.attributes, name) ? u.attributes[name] : undefined;
  }
}
