#!/usr/bin/env node
// gen_peer_files.mjs OUTDIR - write Parquet files with the real peers
// (polars and DuckDB) and, next to each NAME.parquet, NAME.json: the
// canonical table as read back by the peer that wrote it.  OUTDIR/manifest.json
// lists every file with its writer, schema, options and footer facts.
//
// Variants: polars (sink defaults, zstd, gzip, lz4, brotli, snappy,
// uncompressed, 10 row groups, nulls everywhere, empty, hostile values) and
// DuckDB (default snappy, zstd, gzip, brotli, lz4, PARQUET_VERSION V2 = delta
// and byte-stream-split encodings, nulls everywhere, empty, 10 row groups,
// hostile values - NaN, -0, infinities, int64 extremes, odd strings), each
// for the OHLC, trades and mixed schemas.  Data comes from a seeded PRNG, so
// the files are the same on every run (given the same peer versions).
//
// Also usable as a module: generatePeerFiles(outdir) returns the manifest.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify, diff } from './canon.mjs';
import { makeTable } from './tables.mjs';
import { writePolars, writeDuckDB, readPolars, readDuckDB, parquetInfo } from './peers.mjs';

const N = 1000;
const DUCK_RG = 2048; // DuckDB cuts row groups at whole vectors of 2048 rows

export function peerVariants() {
  const v = [];
  const pol = (name, opts, extra = {}) => v.push({ name: `polars_${name}`, writer: 'polars', opts, ...extra });
  const ddb = (name, opts, extra = {}) => v.push({ name: `duckdb_${name}`, writer: 'duckdb', opts, ...extra });
  pol('default', { compression: undefined });
  pol('zstd', { compression: 'zstd', level: 9 });
  pol('gzip', { compression: 'gzip' });
  pol('lz4', { compression: 'lz4' });
  pol('brotli', { compression: 'brotli' });
  pol('snappy', { compression: 'snappy' });
  pol('uncompressed', { compression: 'uncompressed' });
  pol('rowgroups', { compression: 'snappy', rowGroupSize: N / 10 });
  pol('nulls', { compression: 'snappy' }, { nullRate: 0.3 });
  pol('empty', { compression: 'snappy' }, { rows: 0 });
  pol('hostile', { compression: 'zstd' }, { hostile: true });
  ddb('default', {});
  ddb('zstd', { compression: 'zstd' });
  ddb('gzip', { compression: 'gzip' });
  ddb('brotli', { compression: 'brotli' });
  ddb('lz4', { compression: 'lz4' });
  ddb('v2', { version: 'V2' });
  ddb('v2_zstd', { version: 'V2', compression: 'zstd' });
  ddb('nulls', {}, { nullRate: 0.3 });
  ddb('v2_nulls', { version: 'V2' }, { nullRate: 0.3 });
  ddb('empty', {}, { rows: 0 });
  ddb('hostile', {}, { hostile: true });
  ddb('v2_hostile', { version: 'V2' }, { hostile: true });
  ddb('rowgroups', { rowGroupSize: DUCK_RG }, { rows: DUCK_RG * 10 });
  return v;
}

export async function generatePeerFiles(outdir, { log = () => {} } = {}) {
  fs.mkdirSync(outdir, { recursive: true });
  const manifest = [];
  let seed = 1;
  for (const kind of ['ohlc', 'trades', 'mixed']) {
    for (const v of peerVariants()) {
      const rows = v.rows ?? N;
      const table = makeTable(kind, rows, seed++, { nullRate: v.nullRate ?? 0, hostile: v.hostile ?? false });
      const name = `${v.name}_${kind}`;
      const file = path.join(outdir, `${name}.parquet`);
      if (v.writer === 'polars') {
        await writePolars(table, file, v.opts);
      } else {
        await writeDuckDB(table, file, v.opts);
      }
      const back = v.writer === 'polars' ? readPolars(file) : await readDuckDB(file);
      const d = diff(table, back);
      if (d) throw new Error(`${name}: ${v.writer} does not read back what it was given: ${d}`);
      fs.writeFileSync(path.join(outdir, `${name}.json`), stringify(back) + '\n');
      const info = parquetInfo(file);
      delete info.kv;
      manifest.push({ name, writer: v.writer, schema: kind, options: v.opts, ...info });
      log(`${name}: ${info.rows} rows, ${info.rowGroups.length} row groups, ${info.codecs.join('/')} ${info.encodings.join(',')}`);
    }
  }
  fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: gen_peer_files.mjs OUTDIR');
    process.exit(2);
  }
  const m = await generatePeerFiles(out, { log: (s) => console.log(s) });
  console.log(`${m.length} files written to ${out}`);
}
