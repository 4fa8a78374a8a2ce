import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

const SESSION_REVOKED_EVENT = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const PUSH_DELIVERY = 'urn:ietf:rfc:8935';

/**
 * A client's `caep_receiver_uri` becomes a Shared Signals push stream of that client (marked
 * `caep_shortcut`), requesting session-revoked as the receiver always got. The CAEP SETs still
 * waiting (pending or failed) move to the stream's `ssf_push` kind with their payload as it was:
 * the transmitter builds the SET of such a row from it when it sends it, so none is lost.
 */
export class CaepReceiverStreams1766000000000 implements MigrationInterface {
  name = 'CaepReceiverStreams1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('ssf_stream', new TableColumn({ name: 'caep_shortcut', type: 'boolean', default: false }));
    const clients = (await q.query('SELECT client_id, caep_receiver_uri FROM client WHERE caep_receiver_uri IS NOT NULL')) as { client_id: string; caep_receiver_uri: string }[];
    const now = Date.now();
    for (const { client_id: clientId, caep_receiver_uri: uri } of clients) {
      const id = randomBytes(16).toString('hex');
      await q.query(
        `INSERT INTO ssf_stream (id, client_id, delivery_method, endpoint_url, events_requested, description, status, last_activity_at, created_at, updated_at, caep_shortcut)
         VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => p(q, i)).join(', ')})`,
        [id, clientId, PUSH_DELIVERY, uri, JSON.stringify([SESSION_REVOKED_EVENT]), 'caep_receiver_uri', 'enabled', now, now, now, true],
      );
      await q.query(
        `UPDATE notification_outbox SET kind = 'ssf_push', stream_id = ${p(q, 1)} WHERE kind = 'caep_session_revoked' AND client_id = ${p(q, 2)} AND status <> 'delivered'`,
        [id, clientId],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE notification_outbox SET kind = 'caep_session_revoked', stream_id = NULL
       WHERE stream_id IN (SELECT id FROM ssf_stream WHERE caep_shortcut = ${q.connection.options.type === 'postgres' ? 'true' : '1'})`,
    );
    await q.query(`DELETE FROM ssf_stream WHERE caep_shortcut = ${q.connection.options.type === 'postgres' ? 'true' : '1'}`);
    await q.dropColumn('ssf_stream', 'caep_shortcut');
  }
}

/** The i-th bind parameter in the dialect of `q`. */
function p(q: QueryRunner, i: number): string {
  return q.connection.options.type === 'postgres' ? `$${i}` : '?';
}
