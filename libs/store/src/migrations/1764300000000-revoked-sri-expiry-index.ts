import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** The session revocation list is purged by expiry every minute: index it so the purge reads only what it deletes. */
export class RevokedSriExpiryIndex1764300000000 implements MigrationInterface {
  name = 'RevokedSriExpiryIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('revoked_sri', new TableIndex({ name: 'IDX_revoked_sri_expires', columnNames: ['expires_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('revoked_sri', 'IDX_revoked_sri_expires');
  }
}
