import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Global revocation ends sessions through the user's watermark (O(1) in the request) and a
 * background worker marks the session rows afterwards: the watermark row says how its sessions
 * ended and up to which watermark they have been marked; sessions say whether their SRI is
 * sealed (carries its user tag and creation time, readable by the server alone); the key that
 * seals SRIs is shared by every instance through `server_secret`.
 */
export class SessionWatermark1764700000000 implements MigrationInterface {
  name = 'SessionWatermark1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('user_token_watermark', [
      new TableColumn({ name: 'session_reason', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'session_ended_by', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'initiating_entity', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'sessions_ended_at', type: 'bigint', isNullable: true }),
    ]);
    // Earlier versions ended the sessions in the revocation's own transaction: nothing is pending.
    await q.query('UPDATE user_token_watermark SET sessions_ended_at = valid_after');
    await q.addColumn('user_session', new TableColumn({ name: 'sri_sealed', type: 'boolean', default: false }));
    // A user's live sessions, without reading the ended ones: the worker's batches, and (with
    // sri_sealed) the unsealed ones a global revocation still ends in its transaction.
    await q.createIndex('user_session', new TableIndex({ name: 'IDX_user_session_user_live', columnNames: ['user_id', 'revoked_at', 'sri_sealed'] }));
    await q.createTable(new Table({
      name: 'server_secret',
      columns: [
        { name: 'name', type: 'varchar', length: '64', isPrimary: true },
        { name: 'value', type: 'varchar', length: '255' },
        { name: 'created_at', type: 'bigint' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('server_secret');
    await q.dropIndex('user_session', 'IDX_user_session_user_live');
    await q.dropColumn('user_session', 'sri_sealed');
    for (const c of ['sessions_ended_at', 'initiating_entity', 'session_ended_by', 'session_reason']) await q.dropColumn('user_token_watermark', c);
  }
}
