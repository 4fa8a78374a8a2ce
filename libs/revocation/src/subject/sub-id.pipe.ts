import { Injectable, PipeTransform } from '@nestjs/common';
import { parseSubId, SubjectIdentifier } from './sub-id';

/** Validates the request body (400 `invalid_request`) and hands the controller the subject it names. */
@Injectable()
export class SubIdPipe implements PipeTransform<unknown, SubjectIdentifier> {
  transform(body: unknown): SubjectIdentifier {
    return parseSubId(body);
  }
}
