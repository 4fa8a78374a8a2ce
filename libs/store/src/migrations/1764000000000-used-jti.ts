import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Replay protection for JWT assertions (global-token-revocation+jwt): one row per (client, jti) until it expires. */
export class UsedJti1764000000000 implements MigrationInterface {
  name = 'UsedJti1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'used_jti',
      columns: [
        { name: 'client_id', type: 'varchar', length: '255', isPrimary: true },
        { name: 'jti', type: 'varchar', length: '255', isPrimary: true },
        { name: 'expires_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'IDX_used_jti_expires', columnNames: ['expires_at'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('used_jti');
  }
}
