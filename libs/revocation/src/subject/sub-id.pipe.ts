import { Inject, Injectable, PipeTransform } from '@nestjs/common';
import { invalidRequest } from '@app/common';
import { ResolvedRevocationOptions, REVOCATION_OPTIONS } from '../revocation.options';
import { parseSubId, SubjectIdentifier } from '@app/users';

/** Validates the request body (400 `invalid_request`) and hands the controller the subject it names, in a format the module accepts. */
@Injectable()
export class SubIdPipe implements PipeTransform<unknown, SubjectIdentifier> {
  constructor(@Inject(REVOCATION_OPTIONS) private readonly options: ResolvedRevocationOptions) {}

  transform(body: unknown): SubjectIdentifier {
    const subject = parseSubId(body);
    if (!this.options.subIdFormats.has(subject.kind)) {
      throw invalidRequest(subject.kind === 'attribute' ? 'sub_id formats naming a user attribute are not accepted here.' : `The sub_id format ${subject.kind} is not accepted here.`);
    }
    return subject;
  }
}
