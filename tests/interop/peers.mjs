// peers.mjs - read and write Parquet files with the real peer implementations
// installed from npm (nodejs-polars, DuckDB through @duckdb/node-api, and
// hyparquet), converting to and from the canonical JSON table of canon.mjs.
//
//   readPolars(path)     -> canonical table, types from polars' dtypes
//   readDuckDB(path)     -> canonical table, types from DuckDB's column types
//   readHyparquet(path)  -> canonical table, types from the file's schema
//   writePolars(table, path, {compression, level, rowGroupSize, statistics})
//   writeDuckDB(table, path, {compression, level, rowGroupSize, version})
//   parquetInfo(path)    -> {rowGroups:[rows...], codecs, encodings, createdBy}
//
// Both engines run single-threaded (POLARS_MAX_THREADS=1 unless already set,
// DuckDB `threads=1`) so results and timings are reproducible on a shared
// machine.  A type a peer reports that has no canonical name maps to
// "unsupported:<peer type>", which never compares equal to a real type.

import fs from 'node:fs';
import { pl, readPolars, writePolars, polarsToCanon, canonToPolars, canonToSeries } from './pl.mjs';
import { canonValue, f64hex, f32hex, hexToF64, hexToF32, hexToBytes, validate } from './canon.mjs';

const duck = await import('@duckdb/node-api');
const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
const { compressors } = await import('hyparquet-compressors');

export { pl, duck, readPolars, writePolars, polarsToCanon, canonToPolars, canonToSeries };

// ---------------------------------------------------------------- DuckDB

let duckCon = null;

export async function duckConnection() {
  if (!duckCon) {
    const inst = await duck.DuckDBInstance.create(':memory:', { threads: '1' });
    duckCon = await inst.connect();
    await duckCon.run('SET threads=1');
  }
  return duckCon;
}

function duckType(typeStr) {
  switch (typeStr) {
    case 'BOOLEAN': return 'boolean';
    case 'TINYINT': return 'int8';
    case 'SMALLINT': return 'int16';
    case 'INTEGER': return 'int32';
    case 'BIGINT': return 'int64';
    case 'UTINYINT': return 'uint8';
    case 'USMALLINT': return 'uint16';
    case 'UINTEGER': return 'uint32';
    case 'UBIGINT': return 'uint64';
    case 'FLOAT': return 'float';
    case 'DOUBLE': return 'double';
    case 'VARCHAR': return 'string';
    case 'BLOB': return 'binary';
    case 'DATE': return 'date';
    case 'TIMESTAMP_MS': return 'timestamp_ms';
    case 'TIMESTAMP': return 'timestamp_us';
    case 'TIMESTAMP_NS': return 'timestamp_ns';
    default: return `unsupported:duckdb:${typeStr}`;
  }
}

function duckValue(t, v) {
  if (v === null || v === undefined) return null;
  switch (t) {
    case 'binary': return canonValue('binary', v.bytes);
    case 'date': return v.days;
    case 'timestamp_ns': return v.nanos.toString();
    case 'timestamp_us': return v.micros.toString();
    case 'timestamp_ms': return v.millis.toString();
    default:
      if (t.startsWith('unsupported:')) return String(v);
      return canonValue(t, v);
  }
}

const sqlStr = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const sqlId = (s) => '"' + String(s).replace(/"/g, '""') + '"';

export async function duckQueryToCanon(sql) {
  const con = await duckConnection();
  const res = await con.runAndReadAll(sql);
  const names = res.columnNames(), types = res.columnTypes().map(String);
  const cols = await res.getColumns();
  const columns = [], data = {};
  names.forEach((n, i) => {
    const t = duckType(types[i]);
    columns.push({ name: n, type: t });
    data[n] = (cols[i] ?? []).map((v) => duckValue(t, v));
  });
  return { columns, rows: res.currentRowCount, data };
}

export async function readDuckDB(path) {
  return duckQueryToCanon(`SELECT * FROM read_parquet(${sqlStr(path)})`);
}

const DUCK_SQL_TYPE = {
  boolean: 'BOOLEAN', int8: 'TINYINT', int16: 'SMALLINT', int32: 'INTEGER', int64: 'BIGINT',
  uint8: 'UTINYINT', uint16: 'USMALLINT', uint32: 'UINTEGER', uint64: 'UBIGINT',
  float: 'FLOAT', double: 'DOUBLE', string: 'VARCHAR', binary: 'BLOB', date: 'DATE',
  timestamp_ms: 'TIMESTAMP_MS', timestamp_us: 'TIMESTAMP', timestamp_ns: 'TIMESTAMP_NS',
};

function appendValue(app, t, v) {
  if (v === null) { app.appendNull(); return; }
  switch (t) {
    case 'boolean': app.appendBoolean(v); break;
    case 'int8': app.appendTinyInt(v); break;
    case 'int16': app.appendSmallInt(v); break;
    case 'int32': app.appendInteger(v); break;
    case 'int64': app.appendBigInt(BigInt(v)); break;
    case 'uint8': app.appendUTinyInt(v); break;
    case 'uint16': app.appendUSmallInt(v); break;
    case 'uint32': app.appendUInteger(v); break;
    case 'uint64': app.appendUBigInt(BigInt(v)); break;
    case 'float': app.appendFloat(hexToF32(v)); break;
    case 'double': app.appendDouble(hexToF64(v)); break;
    case 'string': app.appendVarchar(v); break;
    case 'binary': app.appendBlob(hexToBytes(v)); break;
    case 'date': app.appendDate(new duck.DuckDBDateValue(v)); break;
    case 'timestamp_ms': app.appendTimestampMilliseconds(new duck.DuckDBTimestampMillisecondsValue(BigInt(v))); break;
    case 'timestamp_us': app.appendTimestamp(new duck.DuckDBTimestampValue(BigInt(v))); break;
    case 'timestamp_ns': app.appendTimestampNanoseconds(new duck.DuckDBTimestampNanosecondsValue(BigInt(v))); break;
    default: throw new Error(`duckdb writer: unsupported type ${t}`);
  }
}

let duckTableSeq = 0;

// Load a canonical table into a fresh DuckDB table; returns its name.
export async function canonToDuckTable(table) {
  validate(table);
  const con = await duckConnection();
  const name = `t${++duckTableSeq}`;
  const cols = table.columns.map((c) => {
    const st = DUCK_SQL_TYPE[c.type];
    if (!st) throw new Error(`duckdb writer: unsupported type ${c.type} (column ${c.name})`);
    return `${sqlId(c.name)} ${st}`;
  });
  await con.run(`CREATE TABLE ${name} (${cols.join(', ')})`);
  const app = await con.createAppender(name);
  const arrays = table.columns.map((c) => table.data[c.name]);
  for (let r = 0; r < table.rows; r++) {
    for (let i = 0; i < arrays.length; i++) appendValue(app, table.columns[i].type, arrays[i][r]);
    app.endRow();
  }
  app.closeSync();
  return name;
}

// compression: uncompressed|snappy|gzip|lz4|zstd|brotli (DuckDB default
// snappy); level (zstd); rowGroupSize; version: 'V1' | 'V2'.
export async function writeDuckDB(table, path, opts = {}) {
  const con = await duckConnection();
  const name = await canonToDuckTable(table);
  const o = ['FORMAT parquet'];
  if (opts.compression) o.push(`COMPRESSION ${opts.compression}`);
  if (opts.level !== undefined) o.push(`COMPRESSION_LEVEL ${opts.level}`);
  if (opts.rowGroupSize !== undefined) o.push(`ROW_GROUP_SIZE ${opts.rowGroupSize}`);
  if (opts.version) o.push(`PARQUET_VERSION ${opts.version}`);
  fs.rmSync(path, { force: true });
  try {
    await con.run(`COPY ${name} TO ${sqlStr(path)} (${o.join(', ')})`);
  } finally {
    await con.run(`DROP TABLE ${name}`);
  }
}

// ---------------------------------------------------------------- hyparquet

function fileArrayBuffer(path) {
  const buf = fs.readFileSync(path);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

export function hyparquetType(el) {
  const lt = el.logical_type, ct = el.converted_type;
  switch (el.type) {
    case 'BOOLEAN': return 'boolean';
    case 'INT32':
      if (lt?.type === 'DATE' || ct === 'DATE') return 'date';
      if (lt?.type === 'INTEGER') return (lt.isSigned ? 'int' : 'uint') + lt.bitWidth;
      if (ct && /^U?INT_(8|16|32)$/.test(ct)) return ct.toLowerCase().replace('_', '');
      if (lt || ct) return `unsupported:parquet:INT32/${lt?.type ?? ct}`;
      return 'int32';
    case 'INT64':
      if (lt?.type === 'TIMESTAMP') return 'timestamp_' + { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[lt.unit];
      if (ct === 'TIMESTAMP_MILLIS') return 'timestamp_ms';
      if (ct === 'TIMESTAMP_MICROS') return 'timestamp_us';
      if (lt?.type === 'INTEGER' && lt.bitWidth === 64) return lt.isSigned ? 'int64' : 'uint64';
      if (ct === 'UINT_64') return 'uint64';
      if (ct === 'INT_64') return 'int64';
      if (lt || ct) return `unsupported:parquet:INT64/${lt?.type ?? ct}`;
      return 'int64';
    case 'FLOAT': return 'float';
    case 'DOUBLE': return 'double';
    case 'BYTE_ARRAY':
      if (lt?.type === 'STRING' || ct === 'UTF8' || lt?.type === 'ENUM' || ct === 'ENUM' || lt?.type === 'JSON' || ct === 'JSON') return 'string';
      if (lt || ct) return `unsupported:parquet:BYTE_ARRAY/${lt?.type ?? ct}`;
      return 'binary';
    default: return `unsupported:parquet:${el.type}`;
  }
}

const HYP_PARSERS = {
  timestampFromMilliseconds: (v) => v,
  timestampFromMicroseconds: (v) => v,
  timestampFromNanoseconds: (v) => v,
  dateFromDays: (v) => v,
  jsonFromBytes: (b) => b && new TextDecoder().decode(b),
};

export async function readHyparquet(path) {
  const file = fileArrayBuffer(path);
  const meta = parquetMetadata(file);
  const leaves = meta.schema.slice(1);
  for (const el of leaves) {
    if (el.num_children) throw new Error(`hyparquet reader: nested column ${el.name} not supported here`);
  }
  const columns = leaves.map((el) => ({ name: el.name, type: hyparquetType(el) }));
  const rows = Number(meta.num_rows);
  const data = Object.fromEntries(columns.map((c) => [c.name, new Array(rows)]));
  const objs = rows === 0 ? [] : await parquetReadObjects({ file, metadata: meta, compressors, utf8: false, parsers: HYP_PARSERS });
  if (objs.length !== rows) throw new Error(`hyparquet returned ${objs.length} rows, footer says ${rows}`);
  for (const c of columns) {
    const arr = data[c.name];
    const t = c.type.startsWith('unsupported:') ? null : c.type;
    for (let r = 0; r < rows; r++) {
      const v = objs[r][c.name];
      arr[r] = t ? canonValue(t, v) : (v === null || v === undefined ? null : String(v));
    }
  }
  return { columns, rows, data };
}

// Footer facts (row group sizes, codecs, encodings) through hyparquet.
export function parquetInfo(path) {
  const meta = parquetMetadata(fileArrayBuffer(path));
  const codecs = new Set(), encodings = new Set();
  for (const rg of meta.row_groups) {
    for (const cc of rg.columns) {
      codecs.add(cc.meta_data.codec);
      for (const e of cc.meta_data.encodings) encodings.add(e);
    }
  }
  return {
    rows: Number(meta.num_rows),
    rowGroups: meta.row_groups.map((rg) => Number(rg.num_rows)),
    codecs: [...codecs].sort(), encodings: [...encodings].sort(),
    createdBy: meta.created_by ?? null,
    kv: Object.fromEntries((meta.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? null])),
  };
}

export const READERS = { polars: readPolars, duckdb: readDuckDB, hyparquet: readHyparquet };

export { f64hex, f32hex };
