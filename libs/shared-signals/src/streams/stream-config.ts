import { invalidRequest } from '@app/common';
import type { SsfDeliveryMethod, SsfStreamEntity } from '@app/store';
import { EVENTS_SUPPORTED, pollEndpoint, POLL_DELIVERY, PUSH_DELIVERY } from '../ssf.constants';

/** Longest `description` kept (SSF 1.0 §8.1.1: the transmitter may truncate it). */
export const DESCRIPTION_MAX = 1024;
const EVENTS_REQUESTED_MAX = 100;
const EVENT_URI_MAX = 2048;
const AUTHORIZATION_HEADER_MAX = 4096;

/** The Receiver-Supplied properties of a stream (SSF 1.0 §8.1.1), parsed. */
export interface ReceiverSupplied {
  eventsRequested: string[] | null;
  description: string | null;
  deliveryMethod: SsfDeliveryMethod;
  endpointUrl: string | null;
  authorizationHeader: string | null;
}

/** A stream's configuration as the management API answers it (SSF 1.0 §8.1.1). */
export type StreamConfigView = Record<string, unknown> & { stream_id: string; delivery: Record<string, unknown> };

/** How a stream is shown: everything the receiver sees, its own authorization header included. */
export interface StreamContext {
  issuer: string;
  minVerificationInterval: number;
  inactivityTimeout: number;
}

/** `events_delivered`: the supported events the receiver requested (none when it requested none). */
export function eventsDelivered(stream: Pick<SsfStreamEntity, 'eventsRequested'>): string[] {
  return EVENTS_SUPPORTED.filter((e) => stream.eventsRequested?.includes(e));
}

export function streamView(stream: SsfStreamEntity, authorizationHeader: string | null, c: StreamContext): StreamConfigView {
  const delivery: Record<string, unknown> = stream.deliveryMethod === PUSH_DELIVERY
    ? { method: PUSH_DELIVERY, endpoint_url: stream.endpointUrl, ...(authorizationHeader ? { authorization_header: authorizationHeader } : {}) }
    : { method: POLL_DELIVERY, endpoint_url: pollEndpoint(c.issuer, stream.id) };
  return {
    stream_id: stream.id, iss: c.issuer, aud: stream.clientId, delivery,
    events_supported: [...EVENTS_SUPPORTED],
    ...(stream.eventsRequested ? { events_requested: stream.eventsRequested } : {}),
    events_delivered: eventsDelivered(stream),
    min_verification_interval: c.minVerificationInterval,
    ...(stream.description !== null ? { description: stream.description } : {}),
    ...(c.inactivityTimeout > 0 ? { inactivity_timeout: c.inactivityTimeout } : {}),
  };
}

/**
 * The Receiver-Supplied properties of a create (POST) or replace (PUT) body: what is missing is
 * absent (no delivery: poll, §8.1.1.1). `urlProblem` is the outbound URL policy's verdict on a
 * push endpoint; `streamId` (PUT) checks a poll endpoint_url given back.
 */
export function parseReceiverSupplied(body: Record<string, unknown>, urlProblem: (url: string) => string | null, current?: { issuer: string; streamId: string }): ReceiverSupplied {
  return {
    eventsRequested: 'events_requested' in body ? parseEventsRequested(body.events_requested) : null,
    description: 'description' in body ? parseDescription(body.description) : null,
    ...('delivery' in body ? parseDelivery(body.delivery, urlProblem, current) : { deliveryMethod: POLL_DELIVERY, endpointUrl: null, authorizationHeader: null }),
  };
}

/** The Receiver-Supplied properties a PATCH body names, and only those (§8.1.1.3). */
export function parsePatch(body: Record<string, unknown>, urlProblem: (url: string) => string | null, current: { issuer: string; streamId: string }): Partial<ReceiverSupplied> {
  return {
    ...('events_requested' in body ? { eventsRequested: parseEventsRequested(body.events_requested) } : {}),
    ...('description' in body ? { description: parseDescription(body.description) } : {}),
    ...('delivery' in body ? parseDelivery(body.delivery, urlProblem, current) : {}),
  };
}

/**
 * §8.1.1.3/§8.1.1.4: Transmitter-Supplied properties other than `stream_id` may be sent back,
 * but must equal what the transmitter holds (`events_delivered` as it was before the change).
 */
export function checkTransmitterSupplied(body: Record<string, unknown>, view: StreamConfigView): void {
  const same = (a: unknown, b: unknown): boolean => {
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].map(String).sort().join('\n') === [...b].map(String).sort().join('\n');
    return JSON.stringify(a) === JSON.stringify(b);
  };
  for (const name of ['iss', 'events_supported', 'events_delivered', 'min_verification_interval', 'inactivity_timeout']) {
    if (name in body && !same(body[name], view[name])) throw invalidRequest(`${name} does not match the stream's (a Transmitter-Supplied property cannot be changed).`);
  }
  if ('aud' in body && !same(body.aud, view.aud) && !same(body.aud, [view.aud])) throw invalidRequest('aud does not match the stream\'s (a Transmitter-Supplied property cannot be changed).');
}

function parseEventsRequested(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > EVENTS_REQUESTED_MAX || value.some((v) => typeof v !== 'string' || v.length === 0 || v.length > EVENT_URI_MAX)) {
    throw invalidRequest(`events_requested must be an array of at most ${EVENTS_REQUESTED_MAX} event type URIs.`);
  }
  return [...new Set(value as string[])];
}

function parseDescription(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidRequest('description must be a string.');
  return value.slice(0, DESCRIPTION_MAX);
}

function parseDelivery(value: unknown, urlProblem: (url: string) => string | null, current?: { issuer: string; streamId: string }): Pick<ReceiverSupplied, 'deliveryMethod' | 'endpointUrl' | 'authorizationHeader'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRequest('delivery must be an object.');
  const d = value as Record<string, unknown>;
  if (d.method === POLL_DELIVERY) {
    // The poll endpoint is the transmitter's (§6.1.2): given back, it must be this stream's.
    if (d.endpoint_url !== undefined && !(current && d.endpoint_url === pollEndpoint(current.issuer, current.streamId))) {
      throw invalidRequest('delivery.endpoint_url of a poll stream is the transmitter\'s; leave it out or send the stream\'s own.');
    }
    return { deliveryMethod: POLL_DELIVERY, endpointUrl: null, authorizationHeader: null };
  }
  if (d.method !== PUSH_DELIVERY) throw invalidRequest(`delivery.method must be ${PUSH_DELIVERY} (push) or ${POLL_DELIVERY} (poll).`);
  if (typeof d.endpoint_url !== 'string' || d.endpoint_url.length > 2048) throw invalidRequest('delivery.endpoint_url is required for push delivery: the receiver\'s URL.');
  const problem = urlProblem(d.endpoint_url);
  if (problem) throw invalidRequest(`delivery.endpoint_url ${problem}`);
  const header = d.authorization_header;
  if (header !== undefined && header !== null && (typeof header !== 'string' || header.length === 0 || header.length > AUTHORIZATION_HEADER_MAX || /[\0-\x1f\x7f]/.test(header))) {
    throw invalidRequest(`delivery.authorization_header must be a header value of 1 to ${AUTHORIZATION_HEADER_MAX} printable characters.`);
  }
  return { deliveryMethod: PUSH_DELIVERY, endpointUrl: d.endpoint_url, authorizationHeader: typeof header === 'string' ? header : null };
}
