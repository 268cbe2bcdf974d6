#!/usr/bin/env node
// run_interop.mjs [--pqtool PATH] [--work DIR] [--corpus DIR] [--filter TEXT] [-v]
//
// The interop test of dccd against real Parquet implementations (CTest
// `interop_peers`, through run_interop.sh).  Three parts:
//
//  peers  files written by polars and DuckDB (gen_peer_files.mjs) are read by
//         all three peers (polars, DuckDB, hyparquet) and must agree with the
//         writer's own reading: this checks the harness itself.
//  read   (needs pqtool) `pqtool dump` of every peer file equals the writing
//         peer's reading, values and types.
//  write  (needs pqtool) for a matrix of dccd writer options (every codec,
//         dictionary on/off, delta, data page v2, CRC, small row groups,
//         small pages, rows-per-page caps, bloom filters, no statistics, REQUIRED columns,
//         batched writes) and the OHLC, trades and mixed schemas filled with
//         hostile values (NaN, -0, +-inf, int64 extremes, nulls, empty and
//         non-ASCII strings): `pqtool write`, then polars, DuckDB and
//         hyparquet each read the file back equal value for value and type
//         for type; so does `pqtool dump`.
//
//  corpus (needs pqtool and the parquet-testing corpus: --corpus DIR or env
//         PARQUET_TEST_DATA) every file of DIR/data that DuckDB and hyparquet
//         both read identically (flat, canonical types): `pqtool dump` equals;
//         the *corrupt-checksum* files must be refused with a CRC error.
//
// Ends with "N passed, M failed" and exits 1 on any failure.  Without
// --pqtool, only the peers part runs (the reader/writer are not built yet).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { diff, stringify } from './canon.mjs';
import { makeTable } from './tables.mjs';
import { generatePeerFiles } from './gen_peer_files.mjs';
import { READERS, parquetInfo, duckQueryToCanon } from './peers.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const pqtool = opt('--pqtool') ?? process.env.PQTOOL;
const work = opt('--work') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dccd-interop-'));
const filter = opt('--filter');
const verbose = args.includes('-v');

let passed = 0, failed = 0;
const failures = [];

async function check(name, fn) {
  if (filter && !name.includes(filter)) return;
  try {
    const problem = await fn();
    if (problem) throw new Error(problem);
    passed++;
    if (verbose) console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    failures.push(name);
    console.log(`FAIL ${name}: ${String(e.message ?? e).slice(0, 2000)}`);
  }
}

function runPqtool(argv, input) {
  const r = spawnSync(pqtool, argv, { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw new Error(`pqtool ${argv[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`pqtool ${argv.join(' ')} exited ${r.status}${r.signal ? ' (' + r.signal + ')' : ''}: ${r.stderr.trim()}`);
  return r.stdout;
}

const dump = (file) => JSON.parse(runPqtool(['dump', file]));

// ------------------------------------------------------------------ peers / read

fs.rmSync(work, { recursive: true, force: true });
const peerDir = path.join(work, 'peer');
const t0 = Date.now();
const manifest = await generatePeerFiles(peerDir);
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(peerDir, `${name}.json`), 'utf8'));

for (const f of manifest) {
  const file = path.join(peerDir, `${f.name}.parquet`);
  const expected = readJson(f.name);
  for (const [rn, reader] of Object.entries(READERS)) {
    if (rn === f.writer) continue;
    await check(`peers/${f.name}/${rn}`, async () => diff(expected, await reader(file)));
  }
  if (pqtool) await check(`read/${f.name}`, () => diff(expected, dump(file)));
}

// ------------------------------------------------------------------ write

const BLOOM = { ohlc: ['TS'], trades: ['TS', 'tid'], mixed: ['label', 'big'] };

// [name, pqtool options, data flavour]
function writeMatrix() {
  const m = [];
  for (const c of ['none', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4_raw']) m.push([`codec_${c}`, ['--codec', c], 'hostile']);
  m.push(['zstd_level19', ['--codec', 'zstd', '--level', '19'], 'hostile']);
  m.push(['gzip_level9', ['--codec', 'gzip', '--level', '9'], 'hostile']);
  m.push(['no_dict', ['--no-dict'], 'hostile']);
  m.push(['delta', ['--delta'], 'hostile']);
  m.push(['delta_plain', ['--delta'], 'plain']);
  m.push(['v2', ['--v2'], 'hostile']);
  m.push(['v2_delta_nodict_zstd', ['--v2', '--delta', '--no-dict', '--codec', 'zstd'], 'hostile']);
  m.push(['crc', ['--crc'], 'hostile']);
  m.push(['crc_v2_gzip', ['--crc', '--v2', '--codec', 'gzip'], 'hostile']);
  m.push(['small_row_groups', ['--rows-per-group', '37'], 'hostile']);
  m.push(['small_pages', ['--page-size', '256'], 'hostile']);
  m.push(['small_pages_v2_delta', ['--page-size', '300', '--v2', '--delta', '--codec', 'zstd'], 'hostile']);
  m.push(['page_rows', ['--page-rows', '7'], 'hostile']);
  m.push(['page_rows_v2_delta_nulls', ['--page-rows', '5', '--v2', '--delta', '--codec', 'zstd'], 'nulls']);
  m.push(['bloom', ['@bloom'], 'hostile']);
  m.push(['no_stats_no_index', ['--no-stats', '--no-page-index'], 'hostile']);
  m.push(['required', ['--required'], 'plain']);
  m.push(['required_delta_v2', ['--required', '--delta', '--v2'], 'plain']);
  m.push(['batches', ['--batch', '33', '--rows-per-group', '50'], 'hostile']);
  m.push(['nulls', [], 'nulls']);
  m.push(['nulls_v2_delta', ['--v2', '--delta', '--codec', 'zstd'], 'nulls']);
  m.push(['empty', [], 'empty']);
  m.push(['empty_v2', ['--v2', '--codec', 'zstd'], 'empty']);
  m.push(['large_dict_fallback', ['--page-size', '4096'], 'large']);
  return m;
}

if (pqtool) {
  const wdir = path.join(work, 'dccd');
  fs.mkdirSync(wdir, { recursive: true });
  let seed = 1000;
  for (const [cname, copts, flavour] of writeMatrix()) {
    for (const kind of ['ohlc', 'trades', 'mixed']) {
      const n = { empty: 0, large: 20000 }[flavour] ?? 300;
      const table = makeTable(kind, n, seed++, { hostile: flavour === 'hostile' || flavour === 'large', nullRate: flavour === 'nulls' ? 0.4 : 0 });
      const base = path.join(wdir, `${cname}_${kind}`);
      const spec = `${base}.json`, file = `${base}.parquet`;
      fs.writeFileSync(spec, stringify(table));
      const argv = ['write', spec, file];
      for (const o of copts) {
        if (o === '@bloom') for (const c of BLOOM[kind]) argv.push('--bloom', c);
        else argv.push(o);
      }
      let written = false;
      await check(`write/${cname}/${kind}/pqtool-write`, () => {
        runPqtool(argv);
        written = true;
        const info = parquetInfo(file);
        if (info.rows !== n) return `footer says ${info.rows} rows, wrote ${n}`;
        return null;
      });
      if (!written) continue;
      for (const [rn, reader] of Object.entries(READERS)) {
        await check(`write/${cname}/${kind}/${rn}`, async () => diff(table, await reader(file)));
      }
      await check(`write/${cname}/${kind}/pqtool-dump`, () => diff(table, dump(file)));
    }
  }

  // Footer key-value metadata written by dccd is seen by the peers.
  await check('write/kv_metadata', async () => {
    const table = makeTable('ohlc', 10, 7);
    const spec = path.join(wdir, 'kv.json'), file = path.join(wdir, 'kv.parquet');
    fs.writeFileSync(spec, stringify(table));
    const prov = '{"source":"binance:rest","derived_from":null}';
    runPqtool(['write', spec, file, '--kv', `dccd.provenance=${prov}`, '--kv', 'other=ü']);
    const kv = parquetInfo(file).kv;
    if (kv['dccd.provenance'] !== prov || kv.other !== 'ü') return `hyparquet sees kv ${JSON.stringify(kv)}`;
    const d = await duckQueryToCanon(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}') ORDER BY k`);
    const got = Object.fromEntries(d.data.k.map((k, i) => [k, d.data.v[i]]));
    if (got['dccd.provenance'] !== prov || got.other !== 'ü') return `DuckDB sees kv ${JSON.stringify(got)}`;
    return null;
  });

  // A bloom filter dccd writes is one DuckDB can use: probing a present value
  // finds it, and the file still reads back exactly.
  await check('write/bloom_duckdb_probe', async () => {
    const table = makeTable('trades', 2000, 11);
    const spec = path.join(wdir, 'bloomprobe.json'), file = path.join(wdir, 'bloomprobe.parquet');
    fs.writeFileSync(spec, stringify(table));
    runPqtool(['write', spec, file, '--bloom', 'tid', '--rows-per-group', '500']);
    const tid = table.data.tid[1234];
    const r = await duckQueryToCanon(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}') WHERE tid = '${tid}'`);
    if (r.data.n[0] !== 1) return `DuckDB finds ${r.data.n[0]} rows with tid ${tid}`;
    const probe = await duckQueryToCanon(`SELECT row_group_id::INTEGER AS rg, bloom_filter_excludes AS ex FROM parquet_bloom_probe('${file}', 'tid', '${tid}') ORDER BY rg`);
    const ex = probe.data.ex;
    if (ex.length !== 4) return `parquet_bloom_probe saw ${ex.length} row groups`;
    if (ex[2] !== false) return `the bloom filter of row group 2 excludes a value it holds`;
    if (ex.filter((x) => x === true).length < 2) return `DuckDB does not use the bloom filters (excludes: ${JSON.stringify(ex)})`;
    return null;
  });
}

// ------------------------------------------------------------------ corpus
// The Apache parquet-testing files: where DuckDB and hyparquet both read a
// (flat) file and agree on every value and type, and every type has a
// canonical name, `pqtool dump` must give the same table.
const corpus = opt('--corpus') ?? process.env.PARQUET_TEST_DATA;
let corpusSkipped = 0;
if (pqtool && corpus && fs.existsSync(path.join(corpus, 'data'))) {
  const dir = path.join(corpus, 'data');
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort()) {
    const file = path.join(dir, name);
    if (fs.statSync(file).size > 8 << 20) { corpusSkipped++; continue; }
    if (name.includes('corrupt-checksum')) {
      // The peers do not verify page CRCs; dccd must, and refuse the file.
      await check(`corpus/${name}`, () => {
        try {
          dump(file);
        } catch (e) {
          return /CRC/.test(e.message) ? null : `failed, but not on the CRC: ${e.message}`;
        }
        return 'a page with a wrong CRC was accepted';
      });
      continue;
    }
    let ref;
    try {
      const [a, b] = [await READERS.hyparquet(file), await READERS.duckdb(file)];
      if (diff(a, b) || a.columns.some((c) => c.type.startsWith('unsupported:'))) throw new Error('peers disagree');
      ref = a;
    } catch (e) {
      corpusSkipped++;
      if (verbose) console.log(`skip corpus/${name}: ${String(e.message).slice(0, 200)}`);
      continue;
    }
    await check(`corpus/${name}`, () => diff(ref, dump(file)));
  }
  console.log(`corpus: ${corpusSkipped} files skipped (peers fail or disagree, nested, unsupported types)`);
} else if (!pqtool) {
  console.log('SKIPPED: pqtool not built (dccd reader/writer absent): read/write parts not run');
}

console.log(`interop: ${manifest.length} peer files, ${((Date.now() - t0) / 1000).toFixed(1)} s, work dir ${work}`);
if (failures.length) console.log(`failed: ${failures.slice(0, 50).join(' ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
