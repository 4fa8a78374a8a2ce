import { Inject, Injectable } from '@nestjs/common';
import { ResolvedSubject, SubjectIdentifier, USER_DIRECTORY, UserDirectory } from '@app/common';

export { EMAIL_ATTRIBUTES, PHONE_ATTRIBUTES } from '@app/store';
export type { ResolvedSubject } from '@app/common';

/**
 * Finds the user a sub_id names, through the UserDirectory bound to USER_DIRECTORY: the store's
 * users by default (StoreUserDirectory describes how each format maps), or the host's own.
 */
@Injectable()
export class SubjectResolver {
  constructor(@Inject(USER_DIRECTORY) private readonly directory: UserDirectory) {}

  resolve(subject: SubjectIdentifier): Promise<ResolvedSubject> {
    return this.directory.resolveSubject(subject);
  }
}
