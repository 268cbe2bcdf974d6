#!/usr/bin/env node
// bench/pq_peers.mjs ENGINE DATA SRC CODEC OUT REPS - the peers' side of the
// Parquet benchmark (issue 2), driven by bench/run.sh.
//
// ENGINE polars: nodejs-polars, POLARS_MAX_THREADS=1 (set by pl.mjs).
//   encode: the source file is read once into a DataFrame (untimed), then
//           df.writeParquet(OUT, {compression}) is timed REPS times;
//   decode: pl.readParquet(OUT) is timed REPS times (a DataFrame of column
//           arrays, the peer's equivalent of dccd_pq_read_column).
// ENGINE duckdb: @duckdb/node-api, an in-memory database with threads=1.
//   encode: CREATE TABLE src AS SELECT * FROM read_parquet(SRC) (untimed),
//           then COPY src TO OUT (FORMAT parquet, COMPRESSION codec) timed;
//   decode: CREATE TABLE d AS SELECT * FROM read_parquet(OUT) timed (the
//           table is materialised in memory), dropped between runs.
// Also: ENGINE polars|duckdb with CODEC "-" and OUT a file to decode only
// (cross-decode of another writer's file).
// One JSON line per measurement on stdout, like bench/dccd_bench.

import fs from 'node:fs';
import { pl } from '../tests/interop/pl.mjs';

const [engine, data, src, codec, out, repsArg, fileBy] = process.argv.slice(2);
const reps = Number(repsArg ?? 5);
const now = () => Number(process.hrtime.bigint()) / 1e6;
// BENCH_THREADS=default: the peer at its own default thread count (polars:
// POLARS_MAX_THREADS set by run.sh to the CPUs; DuckDB: no threads setting)
const threads = process.env.BENCH_THREADS === 'default' ? 'default' : '1';
const emit = (o) => process.stdout.write(JSON.stringify({ bench: 'pq', engine, data, threads, ...o }) + '\n');
const decodeOnly = codec === '-';

if (engine === 'polars') {
  if (!decodeOnly) {
    const df = pl.readParquet(src, { rechunk: true });
    const ms = [];
    for (let i = 0; i < reps; i++) {
      fs.rmSync(out, { force: true });
      const t0 = now();
      df.writeParquet(out, { compression: codec });
      ms.push(now() - t0);
    }
    emit({ op: 'encode', codec, rows: df.height, bytes: fs.statSync(out).size, ms });
  }
  const ms = [];
  let rows = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    const df = pl.readParquet(out);
    ms.push(now() - t0);
    rows = df.height;
  }
  emit({ op: 'decode', codec: decodeOnly ? fileBy.split(':')[1] : codec, file_by: decodeOnly ? fileBy.split(':')[0] : 'polars', rows, ms });
} else if (engine === 'duckdb') {
  // resolved from tests/interop (its node_modules), without peers.mjs, which
  // also loads hyparquet's WebAssembly (not wanted under the memory cap)
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const req = createRequire(new URL('../tests/interop/package.json', import.meta.url));
  const duck = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
  const inst = threads === '1' ? await duck.DuckDBInstance.create(':memory:', { threads: '1' })
    : await duck.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  if (threads === '1') await con.run('SET threads=1');
  await con.run('SET preserve_insertion_order=true');
  const q = (s) => "'" + String(s).replace(/'/g, "''") + "'";
  if (!decodeOnly) {
    await con.run(`CREATE TABLE src AS SELECT * FROM read_parquet(${q(src)})`);
    const ms = [];
    for (let i = 0; i < reps; i++) {
      fs.rmSync(out, { force: true });
      const t0 = now();
      await con.run(`COPY src TO ${q(out)} (FORMAT parquet, COMPRESSION ${codec})`);
      ms.push(now() - t0);
    }
    const rows = Number((await con.runAndReadAll('SELECT count(*) FROM src')).getRows()[0][0]);
    emit({ op: 'encode', codec, rows, bytes: fs.statSync(out).size, ms });
    await con.run('DROP TABLE src');
  }
  const ms = [];
  let rows = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    await con.run(`CREATE TABLE d AS SELECT * FROM read_parquet(${q(out)})`);
    ms.push(now() - t0);
    rows = Number((await con.runAndReadAll('SELECT count(*) FROM d')).getRows()[0][0]);
    await con.run('DROP TABLE d');
  }
  emit({ op: 'decode', codec: decodeOnly ? fileBy.split(':')[1] : codec, file_by: decodeOnly ? fileBy.split(':')[0] : 'duckdb', rows, ms });
} else {
  process.stderr.write('usage: pq_peers.mjs polars|duckdb DATA SRC CODEC|- OUT REPS [WRITER:CODEC]\n');
  process.exit(2);
}
