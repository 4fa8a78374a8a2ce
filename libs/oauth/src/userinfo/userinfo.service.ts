import { Injectable } from '@nestjs/common';
import { accessTokenKindOf, RequestAuth } from '@app/auth';
import { invalidToken } from '@app/common';
import { UserRepository } from '@app/store';
import { userClaims } from './user-claims';

/**
 * OpenID Connect Core 1.0 §5.3: the claims about the user of an access token, per the scopes it
 * was granted (§5.4), from the user's attributes. The token itself was checked before (signature,
 * audience, revocation state and the `openid` scope, by BearerTokenAuthentication, the check
 * every bearer route shares); this knows nothing of HTTP.
 */
@Injectable()
export class UserinfoService {
  constructor(private readonly users: UserRepository) {}

  async claimsOf(auth: RequestAuth): Promise<Record<string, unknown>> {
    // A client's own token names no user, even when its sub equals a user's id.
    if (accessTokenKindOf(auth.claims ?? {}) === 'client' || typeof auth.sub !== 'string') {
      throw invalidToken('The access token was issued to a client, not for a user.');
    }
    const user = await this.users.findById(auth.sub);
    if (!user) throw invalidToken('The user of this access token no longer exists.');
    const attributes = await this.users.attributesOf(user.id);
    return { sub: user.id, ...userClaims(auth.scopes, attributes, user.updatedAt) };
  }
}
