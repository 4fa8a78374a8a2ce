import { randomUUID } from 'node:crypto';
import { ApiError, InjectConfig, invalidRequest, OAuthErrorCode, SsfConfig } from '@app/common';
import { Injectable } from '@nestjs/common';
import { NotificationOutboxRepository, SsfStreamRepository, Transactor } from '@app/store';
import { DeliverySignals } from '../delivery/delivery-signals.service';
import { verificationEvent } from '../events/security-events';
import { SsfEventQueue } from '../events/ssf-event-queue.service';
import { canonicalSubject, SubjectIdentifier, subjectKey, subjectProblem } from '../subjects/subject-identifiers';
import { jsonObject, optionalString, requiredStreamId } from './request-body';
import { SsfStreamService } from './stream.service';

/** Subjects removed from one stream at most: each is matched against every event of the stream. */
export const REMOVED_SUBJECTS_MAX = 10_000;
const STATE_MAX = 1024;

/**
 * Subjects (SSF 1.0 §8.1.3) and verification (§8.1.4) of a receiver's stream. Streams hold every
 * subject by default, so adding one undoes its removal. The answer never says whether the
 * transmitter knows the subject (§9.1, subject probing).
 */
@Injectable()
export class SsfStreamSubjectsService {
  constructor(
    @InjectConfig('ssf') private readonly ssf: SsfConfig,
    private readonly streams: SsfStreamRepository,
    private readonly configs: SsfStreamService,
    private readonly outbox: NotificationOutboxRepository,
    private readonly queue: SsfEventQueue,
    private readonly signals: DeliverySignals,
    private readonly tx: Transactor,
  ) {}

  /** §8.1.3.2: 200, empty. */
  async add(clientId: string, body: unknown): Promise<void> {
    const { id, subject } = this.parse(body);
    if ('verified' in (body as object) && typeof (body as Record<string, unknown>).verified !== 'boolean') throw invalidRequest('verified must be a boolean.');
    const stream = await this.configs.find(clientId, id);
    await this.tx.run((em) => this.streams.restoreSubject(stream.id, subjectKey(subject), em));
    await this.configs.touch(stream);
  }

  /** §8.1.3.3: 204. The stream's own subject (its id, opaque) cannot be removed. */
  async remove(clientId: string, body: unknown): Promise<void> {
    const { id, subject } = this.parse(body);
    if (canonicalSubject(subject) === canonicalSubject({ format: 'opaque', id })) throw invalidRequest('The stream\'s own subject cannot be removed from it (SSF 1.0 §8.1.4.1).');
    const stream = await this.configs.find(clientId, id);
    await this.tx.run(async (em) => {
      if ((await this.streams.countRemovedSubjects(stream.id, em)) >= REMOVED_SUBJECTS_MAX) {
        throw invalidRequest(`The stream has ${REMOVED_SUBJECTS_MAX} removed subjects, the most it keeps; add some back first.`);
      }
      await this.streams.removeSubject(stream.id, subjectKey(subject), subject, Date.now(), em);
    });
    await this.configs.touch(stream);
  }

  /**
   * §8.1.4.2: queues a verification event carrying `state` (204); sooner than
   * `min_verification_interval` after the last request, 429 with Retry-After.
   */
  async verify(clientId: string, body: unknown): Promise<void> {
    const b = jsonObject(body);
    const id = requiredStreamId(b.stream_id);
    const state = optionalString(b, 'state', STATE_MAX);
    const stream = await this.configs.find(clientId, id);
    const now = Date.now();
    const intervalMs = this.ssf.minVerificationInterval * 1000;
    if (!(await this.streams.claimVerification(clientId, id, now, intervalMs))) {
      const wait = Math.max(1, Math.ceil(((stream.lastVerificationAt ?? now) + intervalMs - now) / 1000));
      throw new ApiError(429, OAuthErrorCode.tooManyRequests, `Verification was requested less than ${this.ssf.minVerificationInterval} seconds ago (min_verification_interval).`, { 'Retry-After': String(wait) });
    }
    await this.tx.run(async (em) => {
      const row = await this.queue.row(stream, verificationEvent(id, state), randomUUID(), now, em);
      if (row) await this.outbox.add([row], em);
    });
    await this.configs.touch(stream);
    this.signals.queued();
  }

  private parse(body: unknown): { id: string; subject: SubjectIdentifier } {
    const b = jsonObject(body);
    const id = requiredStreamId(b.stream_id);
    const problem = subjectProblem(b.subject);
    if (problem) throw invalidRequest(problem);
    return { id, subject: b.subject as SubjectIdentifier };
  }
}
