import { CAEP_SESSION_REVOKED_EVENT } from '@app/sessions';
import type { NotificationKind, SsfDeliveryMethod, SsfStreamEntity } from '@app/store';

/** SSF 1.0 §7.1: the final 1.0 specification. */
export const SSF_SPEC_VERSION = '1_0';

/** SSF 1.0 §6.1.1: push, RFC 8935. */
export const PUSH_DELIVERY: SsfDeliveryMethod = 'urn:ietf:rfc:8935';
/** SSF 1.0 §6.1.2: poll, RFC 8936. */
export const POLL_DELIVERY: SsfDeliveryMethod = 'urn:ietf:rfc:8936';

/** CAEP 1.0 §3.1. */
export const SESSION_REVOKED_EVENT = CAEP_SESSION_REVOKED_EVENT;
/** SSF 1.0 §8.1.4.1: sent on request, whatever the stream's events. */
export const VERIFICATION_EVENT = 'https://schemas.openid.net/secevent/ssf/event-type/verification';
/** SSF 1.0 §8.1.5: sent when the transmitter itself changes a stream's status, whatever the stream's events. */
export const STREAM_UPDATED_EVENT = 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated';

/** CAEP 1.0 §3.3: a user's password was set, changed or removed, or a client's secret rotated. */
export const CREDENTIAL_CHANGE_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';
/** CAEP 1.0 §3.2: claims in the subject's tokens changed (a user's attributes, a client's scopes). */
export const TOKEN_CLAIMS_CHANGE_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change';

/** `events_supported`: what this transmitter can put on a stream. */
export const EVENTS_SUPPORTED = [SESSION_REVOKED_EVENT, CREDENTIAL_CHANGE_EVENT, TOKEN_CLAIMS_CHANGE_EVENT];

/** CAEP interoperability profile §2.7.2: writes need `ssf.manage`; reads take `ssf.read` (or `ssf.manage`). */
export const SSF_MANAGE_SCOPE = 'ssf.manage';
export const SSF_READ_SCOPE = 'ssf.read';
/** The profile's postfix for the poll endpoint, accepted there besides `ssf.manage`. */
export const SSF_POLL_SCOPE = 'ssf.manage.poll';

/** The management API (SSF 1.0 §8.1) and the poll endpoints, below the issuer. */
export const SSF_PATHS = {
  stream: '/ssf/stream',
  status: '/ssf/status',
  addSubject: '/ssf/subjects/add',
  removeSubject: '/ssf/subjects/remove',
  verify: '/ssf/verify',
  poll: '/ssf/poll',
} as const;

/** The poll endpoint of one stream (SSF 1.0 §6.1.2: unique per stream). */
export const pollEndpoint = (issuer: string, streamId: string): string => `${issuer}${SSF_PATHS.poll}/${streamId}`;

/** Where a stream's SETs go: its push endpoint, or its own poll endpoint. */
export function deliveryTarget(issuer: string, stream: Pick<SsfStreamEntity, 'id' | 'deliveryMethod' | 'endpointUrl'>): { kind: NotificationKind; targetUrl: string } {
  return stream.deliveryMethod === PUSH_DELIVERY ? { kind: 'ssf_push', targetUrl: stream.endpointUrl! } : { kind: 'ssf_poll', targetUrl: pollEndpoint(issuer, stream.id) };
}
