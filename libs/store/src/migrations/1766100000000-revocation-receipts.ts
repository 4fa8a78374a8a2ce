import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Global token revocations waiting for their completion receipt (RevocationReceiptEntity). */
export class RevocationReceipts1766100000000 implements MigrationInterface {
  name = 'RevocationReceipts1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'revocation_receipt',
      columns: [
        { name: 'txn', type: 'varchar', length: '64', isPrimary: true },
        { name: 'user_id', type: 'varchar', length: '64' },
        { name: 'client_id', type: 'varchar', length: '255' },
        { name: 'valid_after', type: 'bigint' },
        { name: 'user_subject', type: 'text' },
        { name: 'initiating_entity', type: 'varchar', length: '16' },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'IDX_revocation_receipt_user', columnNames: ['user_id', 'valid_after'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('revocation_receipt');
  }
}
