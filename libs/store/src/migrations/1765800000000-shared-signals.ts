import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The Shared Signals transmitter: event streams, the subjects receivers removed from them, and
 * the stream an outbox row belongs to (its SETs are held, dropped or delivered as the stream says).
 */
export class SharedSignals1765800000000 implements MigrationInterface {
  name = 'SharedSignals1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'ssf_stream',
      columns: [
        { name: 'id', type: 'varchar', length: '64', isPrimary: true },
        { name: 'client_id', type: 'varchar', length: '255' },
        { name: 'delivery_method', type: 'varchar', length: '32' },
        { name: 'endpoint_url', type: 'varchar', length: '2048', isNullable: true },
        { name: 'authorization_header', type: 'text', isNullable: true },
        { name: 'events_requested', type: 'text', isNullable: true },
        { name: 'description', type: 'varchar', length: '1024', isNullable: true },
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'status_reason', type: 'varchar', length: '255', isNullable: true },
        { name: 'last_verification_at', type: 'bigint', isNullable: true },
        { name: 'last_activity_at', type: 'bigint' },
        { name: 'created_at', type: 'bigint' },
        { name: 'updated_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'IDX_ssf_stream_client', columnNames: ['client_id', 'created_at'] })],
    }));
    await q.createTable(new Table({
      name: 'ssf_removed_subject',
      columns: [
        { name: 'stream_id', type: 'varchar', length: '64', isPrimary: true },
        { name: 'subject_key', type: 'varchar', length: '64', isPrimary: true },
        { name: 'subject', type: 'text' },
        { name: 'created_at', type: 'bigint' },
      ],
    }));
    await q.addColumn('notification_outbox', new TableColumn({ name: 'stream_id', type: 'varchar', length: '64', isNullable: true }));
    await q.createIndex('notification_outbox', new TableIndex({ name: 'IDX_notification_outbox_stream', columnNames: ['stream_id', 'status', 'next_attempt_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('notification_outbox', 'IDX_notification_outbox_stream');
    await q.dropColumn('notification_outbox', 'stream_id');
    await q.dropTable('ssf_removed_subject');
    await q.dropTable('ssf_stream');
  }
}
