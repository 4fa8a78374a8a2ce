import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Each client's access token format: RFC 9068 JWTs (as every client had before) or reference tokens. */
export class AccessTokenFormat1764800000000 implements MigrationInterface {
  name = 'AccessTokenFormat1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('client', new TableColumn({ name: 'access_token_format', type: 'varchar', length: '16', default: "'jwt'" }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('client', 'access_token_format');
  }
}
