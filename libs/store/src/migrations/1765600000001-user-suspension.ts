import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Suspended users: a reversible hold on every token of theirs. */
export class UserSuspension1765600000001 implements MigrationInterface {
  name = 'UserSuspension1765600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'user_suspension',
      columns: [
        { name: 'user_id', type: 'varchar', length: '64', isPrimary: true },
        { name: 'suspended_at', type: 'bigint' },
        { name: 'suspended_by', type: 'varchar', length: '255', isNullable: true },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_suspension');
  }
}
