// Direct access to the server's store (SQLite through better-sqlite3, PostgreSQL through pg),
// used only to seed large data sets with multi-row INSERTs while the server is stopped, and
// to read a few counts. The schema is the server's own (its migrations create it); before
// inserting, the bench checks that it knows every NOT NULL column without a default.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);

export async function openStore(databaseUrl, schema) {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(resolve(databaseUrl.slice('sqlite:'.length)));
  return openPostgres(databaseUrl, schema);
}

function openSqlite(file) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  const statements = new Map();
  const prepare = (sql) => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };
  return {
    kind: 'sqlite',
    file,
    bool: (b) => (b ? 1 : 0),
    async query(sql, params = []) {
      const st = prepare(sql);
      return st.reader ? st.all(...params) : (st.run(...params), []);
    },
    async columnsOf(table) {
      return db.prepare(`PRAGMA table_info("${table}")`).all().map((c) => ({
        name: c.name,
        required: c.notnull === 1 && c.dflt_value === null && !(c.pk === 1 && /int/i.test(c.type)),
      }));
    },
    async insertRows(table, columns, rows, { conflict = '' } = {}) {
      await checkColumns(this, table, columns);
      const per = Math.max(1, Math.min(500, Math.floor(30000 / columns.length)));
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES `;
      const run = db.transaction((all) => {
        for (let i = 0; i < all.length; i += per) {
          const chunk = all.slice(i, i + per);
          prepare(head + new Array(chunk.length).fill(tuple).join(',') + (conflict ? ` ${conflict}` : '')).run(...chunk.flat());
        }
      });
      // Commit every 50,000 rows so one huge transaction never holds the WAL for long.
      for (let i = 0; i < rows.length; i += 50_000) run(rows.slice(i, i + 50_000));
    },
    async count(table, where = '', params = []) {
      return Number(db.prepare(`SELECT COUNT(*) AS n FROM "${table}" ${where}`).get(...params).n);
    },
    async close() {
      db.close();
    },
  };
}

async function openPostgres(url, schema) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  return {
    kind: 'postgres',
    schema,
    bool: (b) => !!b,
    async query(sql, params = []) {
      // The bench writes its SQL with `?` placeholders; PostgreSQL wants $1, $2, …
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await client.query(text, params)).rows;
    },
    async columnsOf(table) {
      const r = await client.query(
        `SELECT column_name, is_nullable, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      );
      return r.rows.map((c) => ({ name: c.column_name, required: c.is_nullable === 'NO' && c.column_default === null }));
    },
    async insertRows(table, columns, rows, { conflict = '' } = {}) {
      await checkColumns(this, table, columns);
      const per = Math.max(1, Math.min(5000, Math.floor(60000 / columns.length)));
      const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES `;
      await client.query('BEGIN');
      try {
        for (let i = 0; i < rows.length; i += per) {
          const chunk = rows.slice(i, i + per);
          let p = 0;
          const values = chunk.map(() => `(${columns.map(() => `$${++p}`).join(',')})`).join(',');
          await client.query(head + values + (conflict ? ` ${conflict}` : ''), chunk.flat());
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    },
    async count(table, where = '', params = []) {
      const rows = await this.query(`SELECT COUNT(*) AS n FROM "${table}" ${where}`, params);
      return Number(rows[0].n);
    },
    async close() {
      await client.end();
    },
  };
}

/** Refuses to seed a table that a newer migration gave a NOT NULL column the bench does not fill. */
async function checkColumns(store, table, columns) {
  const known = await store.columnsOf(table);
  if (known.length === 0) throw new Error(`bench: the store has no table ${table} (did the server's migrations run?)`);
  const names = new Set(known.map((c) => c.name));
  const unknown = columns.filter((c) => !names.has(c));
  if (unknown.length) throw new Error(`bench: table ${table} has no column(s) ${unknown.join(', ')}; update bench/lib/store.mjs seeding`);
  const missing = known.filter((c) => c.required && !columns.includes(c.name)).map((c) => c.name);
  if (missing.length) throw new Error(`bench: table ${table} has required column(s) ${missing.join(', ')} that the bench does not fill; update bench/run.mjs seeding`);
}
