import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { OutboundPolicy, outboundFetch, OutboundRequestFailed } from '../http/outbound';
import { decodeStatusList, type DecodedStatusList } from './status-list';

/** The media type of a Status List Token in JWT format (draft-ietf-oauth-status-list §8.1, §8.2). */
export const STATUS_LIST_JWT_MEDIA_TYPE = 'application/statuslist+jwt';

/** What a verified Status List Token says, in the terms the cache needs. */
export interface FetchedStatusList {
  list: DecodedStatusList;
  /** The `ttl` claim, seconds, when present. */
  ttl?: number;
  /** The `exp` claim, seconds since the epoch, when present. */
  exp?: number;
}

/** A Status List Token that could not be had or did not pass validation. */
export class StatusListUnusable extends Error {}

export interface StatusListTokenClientOptions {
  issuer: string;
  algorithms: string[];
  clockToleranceSeconds: number;
  httpTimeoutMs: number;
  maxTokenBytes: number;
  maxListBytes: number;
}

/** Redirects a status list request may follow (§8.2 allows them; §11.4 asks for a bound). */
const MAX_STATUS_LIST_REDIRECTS = 3;

/**
 * Resolves and validates a Status List Token in JWT format, in the order of draft §8.3: fetch
 * it from the Referenced Token's `uri` (§8.1), check it as a JWT signed by the issuer's keys
 * (RFC 7519 §7.2) with `typ` statuslist+jwt and the required claims (§5.1), its `sub` equal to
 * the `uri`, its `exp` not passed; then decompress the list.
 */
export class StatusListTokenClient {
  constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly policy: OutboundPolicy,
    private readonly options: StatusListTokenClientOptions,
  ) {}

  async fetch(uri: string): Promise<FetchedStatusList> {
    const jwt = await this.download(uri);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.keys, {
        typ: 'statuslist+jwt',
        algorithms: this.options.algorithms,
        subject: uri,
        requiredClaims: ['sub', 'iat', 'status_list'],
        clockTolerance: this.options.clockToleranceSeconds,
      }));
    } catch (cause) {
      throw new StatusListUnusable(`status list token is not valid: ${(cause as Error).message}`, { cause });
    }
    // Not required by the draft; a list signed with the issuer's keys yet naming another issuer is refused.
    if (payload.iss !== undefined && payload.iss !== this.options.issuer) throw new StatusListUnusable('status list token names another issuer');
    const { ttl } = payload;
    if (ttl !== undefined && !(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) throw new StatusListUnusable('status list token ttl must be a positive number');
    const claim = payload.status_list;
    if (typeof claim !== 'object' || claim === null) throw new StatusListUnusable('status list token has no status_list object');
    let list: DecodedStatusList;
    try {
      list = decodeStatusList(claim as { bits: unknown; lst: unknown }, this.options.maxListBytes);
    } catch (cause) {
      throw new StatusListUnusable(`status list token's list is malformed: ${(cause as Error).message}`, { cause });
    }
    return { list, ttl: ttl as number | undefined, exp: payload.exp as number | undefined };
  }

  private async download(uri: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new StatusListUnusable('status list uri is not a URL');
    }
    const res = await outboundFetch(this.policy, url, {
      headers: { accept: STATUS_LIST_JWT_MEDIA_TYPE },
      timeoutMs: this.options.httpTimeoutMs,
      maxBodyBytes: this.options.maxTokenBytes,
      maxRedirects: MAX_STATUS_LIST_REDIRECTS,
      purpose: 'status list',
    });
    if (res.status < 200 || res.status > 299) throw new OutboundRequestFailed(`status list: HTTP ${res.status}`);
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    // §8.2: the Status Provider MUST answer with this content type.
    if (mediaType !== STATUS_LIST_JWT_MEDIA_TYPE) throw new StatusListUnusable(`status list answered ${mediaType || 'no content type'}, not ${STATUS_LIST_JWT_MEDIA_TYPE}`);
    return res.body.toString('utf8').trim();
  }
}
