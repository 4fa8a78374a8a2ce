import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Each client holds a share of the session revocation list: over its maximum, the purge counts
 * the entries of each lister and deletes the oldest of those over their share. Index them so.
 */
export class RevokedSriListerIndex1764900000000 implements MigrationInterface {
  name = 'RevokedSriListerIndex1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('revoked_sri', new TableIndex({ name: 'IDX_revoked_sri_lister', columnNames: ['revoked_by', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('revoked_sri', 'IDX_revoked_sri_lister');
  }
}
