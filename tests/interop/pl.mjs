// pl.mjs - nodejs-polars, loaded single-threaded (POLARS_MAX_THREADS=1
// unless the environment already sets it), and the conversions between polars
// DataFrames and canonical tables (canon.mjs).  Separate from peers.mjs so
// that polars-only users (bench/seedport) do not load DuckDB.
//
//   pl                 the nodejs-polars module
//   polarsToCanon(df)  canonical table with polars' dtypes mapped to canonical types
//   canonToSeries / canonToPolars   the reverse
//   readPolars(path), writePolars(table, path, opts)

import fs from 'node:fs';
import { canonValue, hexToF64, hexToF32, hexToBytes, isInt64Type, validate } from './canon.mjs';

if (!process.env.POLARS_MAX_THREADS) process.env.POLARS_MAX_THREADS = '1';
export const pl = (await import('nodejs-polars')).default;

export function polarsType(dt) {
  const v = dt.variant;
  switch (v) {
    case 'Bool': return 'boolean';
    case 'Int8': return 'int8';
    case 'Int16': return 'int16';
    case 'Int32': return 'int32';
    case 'Int64': return 'int64';
    case 'UInt8': return 'uint8';
    case 'UInt16': return 'uint16';
    case 'UInt32': return 'uint32';
    case 'UInt64': return 'uint64';
    case 'Float32': return 'float';
    case 'Float64': return 'double';
    case 'String': case 'Utf8': return 'string';
    case 'Binary': return 'binary';
    case 'Date': return 'date';
    case 'Datetime': {
      const u = dt.timeUnit;
      if (u === 'ns' || u === 'us' || u === 'ms') return 'timestamp_' + u;
      return `unsupported:polars:${String(dt)}`;
    }
    default: return `unsupported:polars:${String(dt)}`;
  }
}

function polarsColumn(s, t) {
  if (isInt64Type(t)) {
    const ints = t.startsWith('timestamp_') ? s.cast(pl.Int64) : s;
    return ints.cast(pl.Utf8).toArray();
  }
  if (t === 'date') return s.cast(pl.Int32).toArray();
  if (t === 'binary') {
    // nodejs-polars hands binary values back as Buffers.
    return s.toArray().map((v) => canonValue('binary', v));
  }
  if (t.startsWith('unsupported:')) return s.cast(pl.Utf8).toArray();
  return s.toArray().map((v) => canonValue(t, v));
}

export function polarsToCanon(df) {
  const columns = [], data = {};
  for (const s of df.getColumns()) {
    const t = polarsType(s.dtype);
    columns.push({ name: s.name, type: t });
    data[s.name] = polarsColumn(s, t);
  }
  return { columns, rows: df.height, data };
}

export function readPolars(path) {
  return polarsToCanon(pl.readParquet(path));
}

const POLARS_DTYPE = {
  boolean: () => pl.Bool, int8: () => pl.Int8, int16: () => pl.Int16, int32: () => pl.Int32,
  uint8: () => pl.UInt8, uint16: () => pl.UInt16, uint32: () => pl.UInt32,
  float: () => pl.Float32, double: () => pl.Float64, string: () => pl.Utf8,
};

// One canonical column as a polars Series of the matching dtype.
export function canonToSeries(name, t, vals) {
  if (isInt64Type(t)) {
    let s = pl.Series(name, vals, pl.Utf8).cast(t === 'uint64' ? pl.UInt64 : pl.Int64, true);
    if (t.startsWith('timestamp_')) s = s.cast(pl.Datetime(t.slice(10)));
    return s;
  }
  if (t === 'date') return pl.Series(name, vals, pl.Int32).cast(pl.Date);
  if (t === 'double') return pl.Series(name, vals.map(hexToF64), pl.Float64);
  if (t === 'float') return pl.Series(name, vals.map(hexToF32), pl.Float32);
  if (t === 'binary') {
    // nodejs-polars cannot build a Binary series from byte buffers; go
    // through strings, which is exact only for valid UTF-8 bytes.
    const dec = new TextDecoder('utf-8', { fatal: true });
    const strs = vals.map((h) => (h === null ? null : dec.decode(hexToBytes(h))));
    return pl.Series(name, strs, pl.Utf8).cast(pl.Binary);
  }
  const mk = POLARS_DTYPE[t];
  if (!mk) throw new Error(`polars writer: unsupported type ${t} (column ${name})`);
  return pl.Series(name, vals, mk());
}

export function canonToPolars(table) {
  validate(table);
  return pl.DataFrame(table.columns.map((c) => canonToSeries(c.name, c.type, table.data[c.name])));
}

// compression: uncompressed|snappy|gzip|lz4|zstd|brotli; level; rowGroupSize;
// statistics; anything not given is left to polars' own default (zstd).  Uses the streaming sink, the only polars
// entry point in the node binding that takes row-group and level options.
export async function writePolars(table, path, opts = {}) {
  const df = canonToPolars(table);
  const o = { maintainOrder: true };
  if (opts.compression !== undefined) o.compression = opts.compression;
  if (opts.statistics !== undefined) o.statistics = opts.statistics;
  if (opts.level !== undefined) o.compressionLevel = opts.level;
  if (opts.rowGroupSize !== undefined) o.rowGroupSize = opts.rowGroupSize;
  if (opts.pageSize !== undefined) o.dataPagesizeLimit = opts.pageSize;
  fs.rmSync(path, { force: true });
  await df.lazy().sinkParquet(path, o).collect();
}

