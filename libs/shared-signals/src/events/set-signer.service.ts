import { Injectable } from '@nestjs/common';
import { HttpConfig, InjectConfig } from '@app/common';
import { SECURITY_EVENT_SIGNING_ALG, TokenSigner } from '@app/auth';
import type { NotificationOutboxEntity } from '@app/store';
import { setClaims } from './security-events';

/**
 * Signs a queued SET when it is sent or polled: RS256 with the server's current RSA key (2048
 * bits or more, published at the JWKS; CAEP interoperability profile §2.6), `typ: secevent+jwt`
 * (SSF 1.0 §4.1.1). Every delivery of one SET has the same `jti`, the outbox row's id.
 */
@Injectable()
export class SetSigner {
  constructor(@InjectConfig('http') private readonly http: HttpConfig, private readonly signer: TokenSigner) {}

  sign(row: Pick<NotificationOutboxEntity, 'id' | 'clientId' | 'payload'>, now: number): Promise<string> {
    return this.signer.sign(setClaims(this.http.issuer, row, now), 'secevent+jwt', SECURITY_EVENT_SIGNING_ALG);
  }
}
