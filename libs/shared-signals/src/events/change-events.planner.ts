import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { HttpConfig, InjectConfig } from '@app/common';
import { userClaims } from '@app/oauth/userinfo/user-claims';
import { EMAIL_ATTRIBUTES } from '@app/users';
import { ClientEntity, NotificationOutboxEntity, NotificationOutboxRepository, SsfStreamRepository, UserAttributeEntity, UserEntity, UserSessionEntity } from '@app/store';
import { CREDENTIAL_CHANGE_EVENT, TOKEN_CLAIMS_CHANGE_EVENT } from '../ssf.constants';
import { eventsDelivered } from '../streams/stream-config';
import { removedFrom, SubjectIdentifier } from '../subjects/subject-identifiers';
import { credentialChangeEvent, SecurityEvent, tokenClaimsChangeEvent } from './security-events';
import { SsfEventQueue } from './ssf-event-queue.service';

/** A user's record as it was when the transaction first changed it. */
export interface UserBefore {
  passwordHash: string | null;
  attributes: Record<string, string>;
}

/**
 * CAEP credential-change and token-claims-change SETs, queued in the transaction of the change
 * (docs/shared-signals.md, "The events"). A user's change goes to the streams of the clients of
 * the user's live sessions (as session-revoked: a client that never saw the user hears nothing),
 * and a claims change only names the claims that client's scopes release; a client's change goes
 * to its own streams.
 */
@Injectable()
export class ChangeEventPlanner {
  constructor(
    @InjectConfig('http') private readonly http: HttpConfig,
    private readonly streams: SsfStreamRepository,
    private readonly queue: SsfEventQueue,
    private readonly outbox: NotificationOutboxRepository,
  ) {}

  async userChanged(em: EntityManager, userId: string, before: UserBefore): Promise<void> {
    const user = await em.findOneBy(UserEntity, { id: userId });
    if (!user) return;
    const attributes = await attributesOf(em, userId);
    const sessions = await em.find(UserSessionEntity, { select: { clientIds: true }, where: { userId, revokedAt: IsNull() } });
    const clientIds = [...new Set(sessions.flatMap((s) => s.clientIds))];
    if (clientIds.length === 0) return;
    const at = Date.now();
    const subject = { userId };
    const email = EMAIL_ATTRIBUTES.map((a) => attributes[a]).find(Boolean);
    const names: SubjectIdentifier[] = [{ format: 'iss_sub', iss: this.http.issuer, sub: userId }, ...(email ? [{ format: 'email', email }] : [])];
    if (user.passwordHash !== before.passwordHash) {
      const changeType = before.passwordHash === null ? 'create' : user.passwordHash === null ? 'delete' : 'update';
      const event = credentialChangeEvent(this.http.issuer, { ...subject, credentialType: 'password', changeType, at });
      await this.send(em, clientIds, CREDENTIAL_CHANGE_EVENT, () => event, names, at);
    }
    const clients = new Map((await em.find(ClientEntity, { where: { clientId: In(clientIds) } })).map((c) => [c.clientId, c]));
    await this.send(em, clientIds, TOKEN_CLAIMS_CHANGE_EVENT, (clientId) => {
      const client = clients.get(clientId);
      const claims = client ? changedClaims(userClaims(client.scopes, before.attributes, 0), userClaims(client.scopes, attributes, 0)) : {};
      return Object.keys(claims).length > 0 ? tokenClaimsChangeEvent(this.http.issuer, { ...subject, claims, at }) : null;
    }, names, at);
  }

  async clientChanged(em: EntityManager, before: ClientEntity, after: ClientEntity): Promise<void> {
    const at = Date.now();
    const subject = { clientId: after.clientId };
    const names: SubjectIdentifier[] = [{ format: 'complex', application: { format: 'opaque', id: after.clientId } }];
    // A hash format upgrade of the same secret is an UPDATE of the hash alone (ClientRepository.replaceSecretHash), never a save: this is a rotation.
    if (before.secretHash !== after.secretHash) {
      const changeType = before.secretHash === null ? 'create' : after.secretHash === null ? 'delete' : 'update';
      const event = credentialChangeEvent(this.http.issuer, { ...subject, credentialType: 'client_secret', changeType, at });
      await this.send(em, [after.clientId], CREDENTIAL_CHANGE_EVENT, () => event, names, at);
    }
    const scopes = (c: ClientEntity) => [...new Set(c.scopes)].sort().join(' ');
    if (scopes(before) !== scopes(after)) {
      const event = tokenClaimsChangeEvent(this.http.issuer, { ...subject, claims: { scope: scopes(after) }, at });
      await this.send(em, [after.clientId], TOKEN_CLAIMS_CHANGE_EVENT, () => event, names, at);
    }
  }

  /** One SET per live stream of these clients that delivers `eventType` and kept the subject; one `txn` for the change. */
  private async send(em: EntityManager, clientIds: string[], eventType: string, eventFor: (clientId: string) => SecurityEvent | null, names: SubjectIdentifier[], at: number): Promise<void> {
    const streams = (await this.streams.listLive(clientIds, em)).filter((s) => eventsDelivered(s).includes(eventType));
    if (streams.length === 0) return;
    const removed = await this.streams.removedSubjects(streams.map((s) => s.id), em);
    const txn = randomUUID();
    const rows: NotificationOutboxEntity[] = [];
    for (const stream of streams) {
      const event = eventFor(stream.clientId);
      if (!event || removedFrom(stream.id, removed, names)) continue;
      const row = await this.queue.row(stream, event, txn, at, em);
      if (row) rows.push(row);
    }
    if (rows.length > 0) await this.outbox.add(rows, em);
  }
}

export async function attributesOf(em: EntityManager, userId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await em.find(UserAttributeEntity, { where: { userId } })).map((a) => [a.name, a.value]));
}

/** The claims whose value differs, with the new value; a claim no longer issued is null. */
function changedClaims(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[name]) !== JSON.stringify(after[name])) changed[name] = after[name] ?? null;
  }
  return changed;
}

