import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * RFC 8707 resource indicators: the resources each client may ask for (none for clients
 * registered before), and the resources an authorization code or refresh token was granted for
 * (null for grants made before, which asked for none).
 */
export class ResourceIndicators1765750000000 implements MigrationInterface {
  name = 'ResourceIndicators1765750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('client', new TableColumn({ name: 'resources', type: 'text', default: "'[]'" }));
    await q.addColumn('issued_token', new TableColumn({ name: 'resources', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('issued_token', 'resources');
    await q.dropColumn('client', 'resources');
  }
}
