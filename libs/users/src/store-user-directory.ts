import { Injectable } from '@nestjs/common';
import { HttpConfig, InjectConfig, issuerKey, IssSubConfig } from '@app/common';
import { UserRepository } from '@app/store';
import { parseAcctUri, SubjectIdentifier } from './subject-identifier';
import { DirectoryUser, ResolvedSubject, UserDirectory } from './user-directory';

/** User attributes that hold an e-mail address (OpenID Connect `email`, LDAP/Janssen `mail`). */
export const EMAIL_ATTRIBUTES = ['email', 'mail'];
/** User attributes that hold a phone number (OpenID Connect `phone_number`, LDAP `mobile` and `telephoneNumber`). */
export const PHONE_ATTRIBUTES = ['phone_number', 'mobile', 'telephoneNumber'];

/**
 * The default UserDirectory: the store's users and their attributes. Janssen's sub_id form looks
 * up the named attribute; the RFC 9493 formats map onto this server's users as follows:
 * - `opaque`: the user's subject id (the `sub` of the tokens this server issues);
 * - `email`, `phone_number`: the attributes listed above (e-mail also lower-cased);
 * - `iss_sub`: with this server as `iss`, the subject id; with another issuer (e.g. an Okta org),
 *   the user attribute ISS_SUB_ATTRIBUTES maps that issuer to (`okta_id`), holding `sub`; for an
 *   issuer it does not map, the attribute named by the issuer URL (what earlier versions read);
 * - `account`: `acct:user@host` is the user whose `uid` is `user` when `host` is this server's
 *   host, otherwise the user whose e-mail is `user@host`.
 * When several users match, the first is the oldest, then by id, so the same one every time.
 */
@Injectable()
export class StoreUserDirectory implements UserDirectory {
  private readonly issuerHost: string;

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    private readonly users: UserRepository,
    @InjectConfig('issSub') private readonly issSub: IssSubConfig,
  ) {
    this.issuerHost = new URL(this.http.issuer).host.toLowerCase();
  }

  async resolveSubject(subject: SubjectIdentifier): Promise<ResolvedSubject> {
    switch (subject.kind) {
      case 'attribute':
        return this.users.firstByAttributes([subject.attribute], [subject.value]);
      case 'email':
        return this.byEmail(subject.email);
      case 'phone_number':
        return this.users.firstByAttributes(PHONE_ATTRIBUTES, [subject.phone_number]);
      case 'opaque':
        return this.bySubjectId(subject.id);
      case 'iss_sub': {
        const issuer = issuerKey(subject.iss);
        if (issuer === this.http.issuer) return this.bySubjectId(subject.sub);
        return this.users.firstByAttributes([this.issSub.attributes[issuer] ?? subject.iss], [subject.sub]);
      }
      case 'account': {
        const acct = parseAcctUri(subject.uri);
        if (!acct) return { user: null, matches: 0 };
        if (acct.host === this.issuerHost) return this.users.firstByAttributes(['uid'], [acct.user]);
        return this.byEmail(`${acct.user}@${acct.host}`);
      }
    }
  }

  findByKey(attribute: string, value: string, limit: number): Promise<DirectoryUser[]> {
    return this.users.findByAttribute(attribute, value, limit);
  }

  private byEmail(email: string): Promise<ResolvedSubject> {
    return this.users.firstByAttributes(EMAIL_ATTRIBUTES, [...new Set([email, email.toLowerCase()])]);
  }

  private async bySubjectId(id: string): Promise<ResolvedSubject> {
    if (id.length > 64) return { user: null, matches: 0 };
    const user = await this.users.findById(id);
    return { user, matches: user ? 1 : 0 };
  }
}
