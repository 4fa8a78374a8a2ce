import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Users an administrator disabled: no sign-in, password grant or refresh (none are, at first). */
export class UserDisabled1765900000000 implements MigrationInterface {
  name = 'UserDisabled1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('app_user', new TableColumn({ name: 'disabled', type: 'boolean', default: false }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('app_user', 'disabled');
  }
}
