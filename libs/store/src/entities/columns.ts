import { ColumnOptions, ValueTransformer } from 'typeorm';

/** PostgreSQL returns bigint as a string; epoch milliseconds fit a JS number exactly. */
const epochMs: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

/** Instants are stored as epoch milliseconds so SQLite and PostgreSQL compare them the same way. */
export const epochMsColumn = (options: ColumnOptions = {}): ColumnOptions => ({ type: 'bigint', transformer: epochMs, ...options });

/** JSON arrays and objects as text: portable across both stores. */
export const jsonColumn = (options: ColumnOptions = {}): ColumnOptions => ({ type: 'simple-json', ...options });
