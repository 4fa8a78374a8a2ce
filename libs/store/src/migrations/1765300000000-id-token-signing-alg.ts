import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Each client's ID token signing algorithm; RS256, OpenID Connect's default, for clients registered before. */
export class IdTokenSigningAlg1765300000000 implements MigrationInterface {
  name = 'IdTokenSigningAlg1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('client', new TableColumn({ name: 'id_token_signed_response_alg', type: 'varchar', length: '16', default: "'RS256'" }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('client', 'id_token_signed_response_alg');
  }
}
