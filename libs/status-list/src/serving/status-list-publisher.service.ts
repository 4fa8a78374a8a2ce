import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_SIGNING_ALG, SigningKeyService } from '@app/auth';
import { HttpConfig, InjectConfig, StatusListConfig } from '@app/common';
import { encodeStatusList } from '../../../resource-server/src/status-list';
import { aggregationUri, STATUS_LIST_BITS, STATUS_LIST_TYP, statusListUri } from '../status-list.constants';
import type { ListState } from '../state/list-state';

/** A Status List Token as served: signed once, compressed once, answered from memory. */
export interface PublishedList {
  jwt: Buffer;
  gzip: Buffer;
  etag: string;
  /** When it was signed (epoch ms). */
  signedAt: number;
}

/**
 * A signed copy may be relied upon for this many ttls after it was signed (its `exp`), so that
 * relying parties ride out a short outage of this server; it is signed again at half a ttl.
 */
const EXP_TTLS = 3;

/**
 * Turns a list's statuses into its Status List Token (draft §5.1): `typ` statuslist+jwt, signed
 * with the key that signs access tokens (so /jwks verifies it), `sub` the list's uri, `iat`,
 * `exp`, `ttl` and `status_list` {bits 2, lst, aggregation_uri}. Nothing is built per request.
 */
@Injectable()
export class StatusListPublisher {
  private readonly published = new Map<number, PublishedList>();

  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    @InjectConfig('statusList') private readonly config: StatusListConfig,
    private readonly keys: SigningKeyService,
  ) {}

  get(listId: number): PublishedList | undefined {
    return this.published.get(listId);
  }

  /** Whether the list must be signed again: changed, never signed, or half its ttl old. */
  isDue(list: ListState, now: number): boolean {
    const current = this.published.get(list.id);
    return list.changed || !current || now - current.signedAt >= (this.config.ttl * 1000) / 2;
  }

  async publish(list: ListState, now: number): Promise<void> {
    // DEFLATE at level 9 is most of the cost: a list whose statuses did not change is only signed again.
    if (list.changed || !list.encoded) list.encoded = encodeStatusList(list.statuses, STATUS_LIST_BITS);
    list.changed = false;
    const uri = statusListUri(this.http.issuer, list.id);
    const iat = Math.floor(now / 1000);
    const claims = {
      iss: this.http.issuer, sub: uri, iat, exp: iat + EXP_TTLS * this.config.ttl, ttl: this.config.ttl,
      status_list: { ...list.encoded, aggregation_uri: aggregationUri(this.http.issuer) },
    };
    const key = this.keys.current(ACCESS_TOKEN_SIGNING_ALG);
    const header = { alg: key.alg, kid: key.kid, typ: STATUS_LIST_TYP };
    const jwt = Buffer.from(key.compact ? key.compact(header, claims) : await new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey));
    const etag = `"${createHash('sha256').update(jwt).digest('base64url').slice(0, 27)}"`;
    this.published.set(list.id, { jwt, gzip: gzipSync(jwt), etag, signedAt: now });
  }

  drop(listId: number): void {
    this.published.delete(listId);
  }
}
