import { Global, Module } from '@nestjs/common';
import { TypedEvents } from '@app/common';
import type { SubjectIdentifier } from '@app/users';

/** A request whose subject matched no user: nothing was revoked (the answer is 204 or 404, as configured). */
export interface SubjectUnmatchedEvent {
  /** The subject's format (`attribute` for Janssen's form); never its value. */
  format: SubjectIdentifier['kind'];
  /** The calling client. */
  caller: string;
}

export interface GlobalRevocationEventMap {
  'subject.unmatched': SubjectUnmatchedEvent;
}

/** What global revocations report besides the sessions they end (SessionEvents): the metrics count it. */
export class GlobalRevocationEvents extends TypedEvents<GlobalRevocationEventMap> {}

/** One bus per application, visible to the metrics without importing the revocation's modules. */
@Global()
@Module({ providers: [GlobalRevocationEvents], exports: [GlobalRevocationEvents] })
export class GlobalRevocationEventsModule {}
