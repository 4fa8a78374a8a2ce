import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, HttpConfig, InjectConfig, notFound, OutboundUrlPolicy, SsfConfig } from '@app/common';
import { KeySealer, SsfOutboxRepository, SsfStreamEntity, SsfStreamRepository, Transactor } from '@app/store';
import { deliveryTarget } from '../ssf.constants';
import { jsonObject, requiredStreamId } from './request-body';
import { checkTransmitterSupplied, parsePatch, parseReceiverSupplied, ReceiverSupplied, StreamConfigView, streamView } from './stream-config';

/**
 * Stream configuration (SSF 1.0 §8.1.1): create, read, update, replace and delete a receiver's
 * streams. The receiver is the authenticated client; another client's stream is answered as if
 * it did not exist (404). A push stream's authorization header is sealed in the store.
 */
@Injectable()
export class SsfStreamService {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @InjectConfig('ssf') private readonly ssf: SsfConfig,
    private readonly streams: SsfStreamRepository,
    private readonly outbox: SsfOutboxRepository,
    private readonly sealer: KeySealer,
    private readonly policy: OutboundUrlPolicy,
    private readonly tx: Transactor,
  ) {}

  /** §8.1.1.1: a new stream, enabled at once; 409 past SSF_MAX_STREAMS_PER_RECEIVER. */
  async create(clientId: string, body: unknown): Promise<StreamConfigView> {
    const supplied = parseReceiverSupplied(jsonObject(body), this.urlProblem);
    const now = Date.now();
    const id = randomBytes(16).toString('hex');
    const stream: SsfStreamEntity = {
      id, clientId, ...this.columns(id, supplied), status: 'enabled', statusReason: null, caepShortcut: false,
      lastVerificationAt: null, lastActivityAt: now, createdAt: now, updatedAt: now,
    };
    await this.tx.run(async (em) => {
      if ((await this.streams.count(clientId, em)) >= this.ssf.maxStreamsPerReceiver) {
        throw conflict(`You have ${this.ssf.maxStreamsPerReceiver} streams, the most this transmitter keeps for one receiver; update or delete one.`);
      }
      await this.streams.insert(stream, em);
    });
    return this.view(stream);
  }

  /** §8.1.1.2: one stream, or (no stream_id) every stream of the receiver, possibly none. */
  async read(clientId: string, streamId: string | undefined): Promise<StreamConfigView | StreamConfigView[]> {
    if (streamId === undefined) return (await this.streams.list(clientId)).map((s) => this.view(s));
    const stream = await this.find(clientId, requiredStreamId(streamId));
    await this.touch(stream);
    return this.view(stream);
  }

  /** §8.1.1.3 (PATCH): the Receiver-Supplied properties named change; the others stay. */
  update(clientId: string, body: unknown): Promise<StreamConfigView> {
    return this.change(clientId, body, (b, current) => parsePatch(b, this.urlProblem, current));
  }

  /** §8.1.1.4 (PUT): the Receiver-Supplied properties are replaced; those left out are deleted. */
  replace(clientId: string, body: unknown): Promise<StreamConfigView> {
    return this.change(clientId, body, (b, current) => parseReceiverSupplied(b, this.urlProblem, current));
  }

  /** §8.1.1.5: the stream and its removed subjects are deleted; its SETs still waiting are dropped. */
  async delete(clientId: string, streamId: string | undefined): Promise<void> {
    const id = requiredStreamId(streamId);
    const deleted = await this.tx.run(async (em) => {
      if (!(await this.streams.delete(clientId, id, em))) return false;
      await this.outbox.dropAll(id, 'the stream was deleted', em);
      return true;
    });
    if (!deleted) throw noStream(id);
  }

  /** The receiver's stream, or 404. */
  async find(clientId: string, streamId: string): Promise<SsfStreamEntity> {
    const stream = await this.streams.find(clientId, streamId);
    if (!stream) throw noStream(streamId);
    return stream;
  }

  /** Receiver activity on the stream restarts its inactivity timeout (written at most once a minute). */
  async touch(stream: SsfStreamEntity): Promise<void> {
    await this.streams.touch(stream.id, Date.now(), 60_000);
  }

  view(stream: SsfStreamEntity): StreamConfigView {
    return streamView(stream, this.openHeader(stream), { issuer: this.http.issuer, minVerificationInterval: this.ssf.minVerificationInterval, inactivityTimeout: this.ssf.inactivityTimeout });
  }

  private async change(clientId: string, body: unknown, parse: (b: Record<string, unknown>, current: { issuer: string; streamId: string }) => Partial<ReceiverSupplied>): Promise<StreamConfigView> {
    const b = jsonObject(body);
    const id = requiredStreamId(b.stream_id);
    const before = await this.find(clientId, id);
    checkTransmitterSupplied(b, this.view(before));
    const supplied = parse(b, { issuer: this.http.issuer, streamId: id });
    const merged = { ...fromEntity(before, this.openHeader(before)), ...supplied };
    const values: Partial<SsfStreamEntity> = { ...this.columns(id, merged), lastActivityAt: Date.now(), updatedAt: Date.now() };
    const updated = await this.tx.run(async (em) => {
      if (!(await this.streams.update(clientId, id, values, em))) return false;
      // The SETs still waiting follow the stream's delivery (a push endpoint changed, push became poll…).
      const { kind, targetUrl } = deliveryTarget(this.http.issuer, { id, deliveryMethod: values.deliveryMethod!, endpointUrl: values.endpointUrl! });
      await this.outbox.retarget(id, kind, targetUrl, em);
      return true;
    });
    if (!updated) throw noStream(id);
    return this.view({ ...before, ...values });
  }

  private columns(id: string, s: ReceiverSupplied): Pick<SsfStreamEntity, 'deliveryMethod' | 'endpointUrl' | 'authorizationHeader' | 'eventsRequested' | 'description'> {
    return {
      deliveryMethod: s.deliveryMethod, endpointUrl: s.endpointUrl,
      authorizationHeader: s.authorizationHeader === null ? null : this.sealer.seal(s.authorizationHeader, sealContext(id)),
      eventsRequested: s.eventsRequested, description: s.description,
    };
  }

  private readonly urlProblem = (url: string): string | null => this.policy.problem(url);

  private openHeader(stream: SsfStreamEntity): string | null {
    return stream.authorizationHeader ? this.sealer.open(stream.authorizationHeader, sealContext(stream.id)) : null;
  }
}

/** Binds a sealed authorization header to its stream: copied to another row, it does not open. */
export const sealContext = (streamId: string) => `ssf_stream:${streamId}:authorization_header`;

export const noStream = (id: string) => notFound(`You have no stream "${id.slice(0, 64)}".`);

/** The Receiver-Supplied properties a stored stream has, to merge a PATCH into. */
function fromEntity(s: SsfStreamEntity, authorizationHeader: string | null): ReceiverSupplied {
  return { eventsRequested: s.eventsRequested, description: s.description, deliveryMethod: s.deliveryMethod, endpointUrl: s.endpointUrl, authorizationHeader };
}
