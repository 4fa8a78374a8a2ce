import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** When a rotation retired a signing key: it stays published until the tokens it signed have expired. */
export class SigningKeyRetirement1765300000001 implements MigrationInterface {
  name = 'SigningKeyRetirement1765300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('signing_key', new TableColumn({ name: 'retired_at', type: 'bigint', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('signing_key', 'retired_at');
  }
}
