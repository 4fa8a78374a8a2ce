import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InitiatingEntity } from '@app/store';
import type { SubjectIdentifier } from '@app/users';

/** A global token revocation request, as its transaction commits. */
export interface AcceptedGlobalRevocation {
  /** Generated for the request; follows it to whatever reports on it later. */
  txn: string;
  userId: string;
  /** The calling client. */
  caller: string;
  /** The user as the caller named them. */
  subject: SubjectIdentifier;
  /** The watermark the request raised, epoch milliseconds. */
  at: number;
  initiatingEntity: InitiatingEntity;
}

/** Every session of `userId` started up to `validAfter` has been marked ended, on whichever instance. */
export interface WatermarkSessionsEnded {
  userId: string;
  validAfter: number;
}

type Hook<T> = (event: T, em: EntityManager) => Promise<void>;

/**
 * Where other modules follow a global revocation in the store, in its own transactions: when the
 * request commits (GlobalRevocationService) and when SessionWatermarkWorker records the
 * watermark done. A hook's writes commit or roll back with them.
 */
@Injectable()
export class GlobalRevocationHooks {
  private readonly acceptedHooks: Hook<AcceptedGlobalRevocation>[] = [];
  private readonly endedHooks: Hook<WatermarkSessionsEnded>[] = [];

  onAccepted(hook: Hook<AcceptedGlobalRevocation>): () => void {
    return add(this.acceptedHooks, hook);
  }

  onSessionsEnded(hook: Hook<WatermarkSessionsEnded>): () => void {
    return add(this.endedHooks, hook);
  }

  async accepted(event: AcceptedGlobalRevocation, em: EntityManager): Promise<void> {
    for (const hook of this.acceptedHooks) await hook(event, em);
  }

  async sessionsEnded(event: WatermarkSessionsEnded, em: EntityManager): Promise<void> {
    for (const hook of this.endedHooks) await hook(event, em);
  }
}

function add<T>(list: Hook<T>[], hook: Hook<T>): () => void {
  list.push(hook);
  return () => {
    const i = list.indexOf(hook);
    if (i >= 0) list.splice(i, 1);
  };
}
