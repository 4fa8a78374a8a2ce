/** RFC 8936 §2.4: a poll request, parsed. */
export interface PollRequest {
  /** Undefined: the transmitter chooses (POLL_DEFAULT_EVENTS). */
  maxEvents?: number;
  returnImmediately: boolean;
  ack: string[];
  setErrs: { jti: string; err: string; description?: string }[];
}

/** An invalid poll request: answered 400 with `{"err","description"}` (RFC 8936 §2.4.4's shape). */
export class PollRequestError extends Error {}

/** SETs one poll returns at most, whatever `maxEvents` asks. */
export const POLL_MAX_EVENTS = 100;
/** SETs a poll returns when `maxEvents` is absent. */
export const POLL_DEFAULT_EVENTS = 25;
/** Acknowledgments and errors one request may carry. */
const ACKS_MAX = 1000;
const JTI_MAX = 64;

export function parsePollRequest(body: unknown): PollRequest {
  const b = body === undefined || body === null || body === '' ? {} : body;
  if (typeof b !== 'object' || Array.isArray(b)) throw new PollRequestError('The body must be a JSON object.');
  const { maxEvents, returnImmediately, ack, setErrs } = b as Record<string, unknown>;
  if (maxEvents !== undefined && (!Number.isInteger(maxEvents) || (maxEvents as number) < 0)) throw new PollRequestError('maxEvents must be a non-negative integer.');
  if (returnImmediately !== undefined && typeof returnImmediately !== 'boolean') throw new PollRequestError('returnImmediately must be a boolean.');
  if (ack !== undefined && (!Array.isArray(ack) || ack.length > ACKS_MAX || ack.some((j) => typeof j !== 'string' || j.length > JTI_MAX))) {
    throw new PollRequestError(`ack must be an array of at most ${ACKS_MAX} jti strings.`);
  }
  const errs: PollRequest['setErrs'] = [];
  if (setErrs !== undefined) {
    if (typeof setErrs !== 'object' || setErrs === null || Array.isArray(setErrs) || Object.keys(setErrs).length > ACKS_MAX) throw new PollRequestError('setErrs must be an object of jti to error.');
    for (const [jti, e] of Object.entries(setErrs as Record<string, unknown>)) {
      const { err, description } = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      if (jti.length > JTI_MAX || typeof err !== 'string' || (description !== undefined && typeof description !== 'string')) {
        throw new PollRequestError('Each member of setErrs must be {"err": string, "description"?: string}.');
      }
      errs.push({ jti, err: err.slice(0, 64), ...(description !== undefined ? { description: (description as string).slice(0, 256) } : {}) });
    }
  }
  return { maxEvents: maxEvents as number | undefined, returnImmediately: returnImmediately ?? false, ack: [...new Set((ack as string[] | undefined) ?? [])], setErrs: errs };
}
