import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The revocation change feed that keeps every instance's in-memory revocation index in step,
 * and the indexes its start-up load reads by.
 */
export class RevocationEvents1764500000000 implements MigrationInterface {
  name = 'RevocationEvents1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'revocation_event',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'kind', type: 'varchar', length: '24' },
        { name: 'subject', type: 'varchar', length: '255' },
        { name: 'value', type: 'varchar', length: '255', isNullable: true },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'IDX_revocation_event_created', columnNames: ['created_at'] })],
    }));
    await q.createIndex('user_session', new TableIndex({ name: 'IDX_user_session_revoked', columnNames: ['revoked_at'] }));
    await q.createIndex('issued_token', new TableIndex({ name: 'IDX_issued_token_revoked', columnNames: ['revoked_at'] }));
    await q.createIndex('issued_token', new TableIndex({ name: 'IDX_issued_token_family', columnNames: ['family_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('issued_token', 'IDX_issued_token_family');
    await q.dropIndex('issued_token', 'IDX_issued_token_revoked');
    await q.dropIndex('user_session', 'IDX_user_session_revoked');
    await q.dropTable('revocation_event');
  }
}
