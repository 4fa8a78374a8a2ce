import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, RevocationListConfig } from '@app/common';

/**
 * How long a revoked session's SRI stays on the session revocation list
 * (SESSION_REVOCATION_LIFETIME minutes, PingFederate's default 490). The list and its in-memory
 * index are shared by every module that ends sessions, so this is the one place that says when
 * an entry expires: every writer and every reader asks it.
 */
@Injectable()
export class RevokedSriLifetime {
  readonly ms: number;

  constructor(@InjectConfig('revocationList') list: Pick<RevocationListConfig, 'lifetime'>) {
    this.ms = list.lifetime * 60_000;
  }

  get minutes(): number {
    return this.ms / 60_000;
  }

  /** When an SRI listed at `listedAt` leaves the list. */
  expiresAt(listedAt: number): number {
    return listedAt + this.ms;
  }
}
