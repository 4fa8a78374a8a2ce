import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Token Status Lists: the lists (blocks leased by advancing a counter) and which token holds which index. */
export class StatusLists1765600000000 implements MigrationInterface {
  name = 'StatusLists1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'status_list',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true },
        { name: 'capacity', type: 'integer' },
        { name: 'block_size', type: 'integer' },
        { name: 'next_block', type: 'integer' },
        { name: 'created_at', type: 'bigint' },
        { name: 'expires_at', type: 'bigint' },
      ],
    }));
    await q.createTable(new Table({
      name: 'status_list_entry',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'list_id', type: 'integer' },
        { name: 'idx', type: 'integer' },
        { name: 'token_id', type: 'varchar', length: '128', isNullable: true },
        { name: 'token_type', type: 'varchar', length: '16' },
        { name: 'client_id', type: 'varchar', length: '255' },
        { name: 'user_id', type: 'varchar', length: '64', isNullable: true },
        { name: 'session_id', type: 'varchar', length: '64', isNullable: true },
        { name: 'sri', type: 'varchar', length: '255', isNullable: true },
        { name: 'issued_at', type: 'bigint' },
        { name: 'expires_at', type: 'bigint' },
      ],
      indices: [
        // Two tokens never share an index: an allocation bug fails the issuance instead.
        new TableIndex({ name: 'UQ_status_list_entry_index', columnNames: ['list_id', 'idx'], isUnique: true }),
        new TableIndex({ name: 'IDX_status_list_entry_expires', columnNames: ['expires_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('status_list_entry');
    await q.dropTable('status_list');
  }
}
