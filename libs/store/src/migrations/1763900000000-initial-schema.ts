import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Written with TypeORM's schema builder, not raw SQL, so the one migration runs on SQLite and PostgreSQL.
const str = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra });
const ms = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const json = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const bool = (name: string, dflt: boolean): TableColumnOptions => ({ name, type: 'boolean', default: dflt });

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'client',
      columns: [
        str('client_id', 255, { isPrimary: true }),
        str('client_name', 255, { isNullable: true }),
        str('secret_hash', 512, { isNullable: true }),
        str('token_endpoint_auth_method', 64, { default: "'client_secret_basic'" }),
        json('grant_types'), json('scopes'), json('redirect_uris'), json('post_logout_redirect_uris', true),
        str('backchannel_logout_uri', 2048, { isNullable: true }),
        bool('session_revocation_api', false), bool('session_management_api', false),
        json('jwks', true), str('jwks_uri', 2048, { isNullable: true }), json('session_validation', true),
        ms('created_at'), ms('updated_at'),
      ],
    }));

    await q.createTable(new Table({
      name: 'app_user',
      columns: [str('id', 64, { isPrimary: true }), str('password_hash', 512, { isNullable: true }), ms('created_at'), ms('updated_at')],
    }));

    await q.createTable(new Table({
      name: 'user_attribute',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        str('user_id', 64), str('name', 128), str('value', 1024),
      ],
      foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      indices: [
        new TableIndex({ name: 'IDX_user_attribute_lookup', columnNames: ['name', 'value'] }),
        new TableIndex({ name: 'UQ_user_attribute_user_name', columnNames: ['user_id', 'name'], isUnique: true }),
      ],
    }));

    await q.createTable(new Table({
      name: 'user_session',
      columns: [
        str('id', 64, { isPrimary: true }), str('sri', 255), str('user_id', 64), json('client_ids'),
        str('authn_source', 128, { default: "'password'" }), str('client_ip', 64, { isNullable: true }), str('user_agent', 512, { isNullable: true }),
        ms('created_at'), ms('last_activity_at'),
        { name: 'idle_timeout', type: 'integer' }, { name: 'max_lifetime', type: 'integer' },
        ms('revoked_at', true), str('revoked_reason', 255, { isNullable: true }), str('revoked_by', 255, { isNullable: true }),
      ],
      indices: [
        new TableIndex({ name: 'UQ_user_session_sri', columnNames: ['sri'], isUnique: true }),
        new TableIndex({ name: 'IDX_user_session_user', columnNames: ['user_id'] }),
      ],
    }));

    await q.createTable(new Table({
      name: 'issued_token',
      columns: [
        str('id', 128, { isPrimary: true }), str('type', 32), str('client_id', 255),
        str('user_id', 64, { isNullable: true }), str('session_id', 64, { isNullable: true }),
        str('scope', 1024, { default: "''" }), str('family_id', 128, { isNullable: true }),
        ms('issued_at'), ms('expires_at'), ms('consumed_at', true), ms('revoked_at', true),
        str('revoked_reason', 255, { isNullable: true }),
      ],
      indices: [
        new TableIndex({ name: 'IDX_issued_token_user', columnNames: ['user_id'] }),
        new TableIndex({ name: 'IDX_issued_token_session', columnNames: ['session_id'] }),
        new TableIndex({ name: 'IDX_issued_token_expires', columnNames: ['expires_at'] }),
      ],
    }));

    await q.createTable(new Table({
      name: 'revoked_sri',
      columns: [str('sri', 255, { isPrimary: true }), ms('created_at'), ms('expires_at'), str('revoked_by', 255, { isNullable: true })],
      indices: [new TableIndex({ name: 'IDX_revoked_sri_created', columnNames: ['created_at'] })],
    }));

    await q.createTable(new Table({
      name: 'feature_flag',
      columns: [str('name', 64, { isPrimary: true }), { name: 'enabled', type: 'boolean' }, ms('updated_at')],
    }));

    await q.createTable(new Table({
      name: 'user_token_watermark',
      columns: [str('user_id', 64, { isPrimary: true }), ms('valid_after'), str('reason', 255, { isNullable: true })],
    }));

    await q.createTable(new Table({
      name: 'signing_key',
      columns: [str('kid', 128, { isPrimary: true }), str('alg', 16), json('private_jwk'), json('public_jwk'), bool('active', true), ms('created_at')],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['signing_key', 'user_token_watermark', 'feature_flag', 'revoked_sri', 'issued_token', 'user_session', 'user_attribute', 'app_user', 'client']) {
      await q.dropTable(t);
    }
  }
}
