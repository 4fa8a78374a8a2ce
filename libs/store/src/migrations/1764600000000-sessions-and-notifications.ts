import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Browser sessions and session-ended notifications: the notification outbox, a client's CAEP
 * receiver, the hashed secret of a session's browser cookie, and the request parameters an
 * authorization code remembers. New columns are nullable, so existing rows stay valid.
 */
export class SessionsAndNotifications1764600000000 implements MigrationInterface {
  name = 'SessionsAndNotifications1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'notification_outbox',
      columns: [
        { name: 'id', type: 'varchar', length: '64', isPrimary: true },
        { name: 'kind', type: 'varchar', length: '32' },
        { name: 'client_id', type: 'varchar', length: '255' },
        { name: 'target_url', type: 'varchar', length: '2048' },
        { name: 'payload', type: 'text' },
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'attempts', type: 'integer', default: 0 },
        { name: 'next_attempt_at', type: 'bigint' },
        { name: 'lease_id', type: 'varchar', length: '64', isNullable: true },
        { name: 'last_error', type: 'varchar', length: '1024', isNullable: true },
        { name: 'created_at', type: 'bigint' },
        { name: 'delivered_at', type: 'bigint', isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'IDX_notification_outbox_due', columnNames: ['status', 'next_attempt_at'] }),
        new TableIndex({ name: 'IDX_notification_outbox_created', columnNames: ['created_at'] }),
      ],
    }));
    await q.addColumn('client', new TableColumn({ name: 'caep_receiver_uri', type: 'varchar', length: '2048', isNullable: true }));
    await q.addColumn('user_session', new TableColumn({ name: 'browser_key_hash', type: 'varchar', length: '64', isNullable: true }));
    await q.addColumn('issued_token', new TableColumn({ name: 'details', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('issued_token', 'details');
    await q.dropColumn('user_session', 'browser_key_hash');
    await q.dropColumn('client', 'caep_receiver_uri');
    await q.dropTable('notification_outbox');
  }
}
