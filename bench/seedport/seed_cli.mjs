#!/usr/bin/env node
// seed_cli.mjs ROOT [--time] [--now-year Y] - drive the seed port
// (seed_store.mjs) with a JSON-lines script of operations on stdin and write
// one JSON result line per operation on stdout.  For differential tests
// (the same script against dccd) and benchmarks.  The op format is in
// README.md; in short:
//   {"op":"save","ds":DS,"columns":{...}}  or  "records":[...]   -> {"ok":true,"rows":N,"provenance_written":false}
//   {"op":"load","ds":DS,"start":S,"end":E}                      -> {"ok":true,"table":CANONICAL}
//   {"op":"last","ds":DS}                                        -> {"ok":true,"ts":"..."|null}
//   {"op":"missing","ds":DS,"start":S,"end":E}                   -> {"ok":true,"intervals":[["s","e"],...]}
//   {"op":"inventory"}                                           -> {"ok":true,"datasets":[...]}
//   {"op":"year_complete","ds":DS,"year":Y}                      -> {"ok":true,"complete":bool}
//   {"op":"files","ds":DS}                                       -> {"ok":true,"dir":"rel/path","files":[...]}
//   {"op":"checkpoint"[,"ds":DS]}                                -> {"ok":true} (a no-op: the seed has no
//                                                                   write-ahead log; lets one script drive dccd too)
// DS = {"exchange":"binance","pair":"BTC/USDT","type":"ohlc","span":60}.
// A failing op gives {"ok":false,"error":"..."} and the script goes on.
// Nanosecond values are decimal strings in results (numbers accepted in input).

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ParquetStore, datasetId, frameFromColumns, frameFromRecords } from './seed_store.mjs';
import { polarsToCanon } from '../../tests/interop/pl.mjs';

const args = process.argv.slice(2);
const root = args.find((a, i) => !a.startsWith('--') && (i === 0 || !['--now-year'].includes(args[i - 1])));
if (!root) {
  process.stderr.write('usage: seed_cli.mjs ROOT [--time] [--now-year Y] < script.jsonl\n');
  process.exit(2);
}
const timed = args.includes('--time');
const ny = args.indexOf('--now-year');
fs.mkdirSync(root, { recursive: true });
const store = new ParquetStore(root, { nowYear: ny >= 0 ? Number(args[ny + 1]) : null });

const nsOrNull = (v) => (v === null || v === undefined ? null : BigInt(v));
const str = (v) => (v === null || v === undefined ? null : v.toString());

function run(op) {
  switch (op.op) {
    case 'save': {
      const ds = datasetId(op.ds);
      const df = op.records ? frameFromRecords(ds.type, op.records) : frameFromColumns(ds.type, op.columns ?? {});
      const r = store.save(ds, df, op.provenance ?? null);
      return { rows: r.rows, provenance_written: r.provenanceWritten };
    }
    case 'load': {
      const ds = datasetId(op.ds);
      return { table: polarsToCanon(store.load(ds, nsOrNull(op.start), nsOrNull(op.end))) };
    }
    case 'last':
      return { ts: str(store.lastTimestamp(datasetId(op.ds))) };
    case 'missing': {
      const ds = datasetId(op.ds);
      return { intervals: store.missingIntervals(ds, BigInt(op.start), BigInt(op.end)).map(([a, b]) => [a.toString(), b.toString()]) };
    }
    case 'inventory':
      return { datasets: store.inventory().map((d) => ({ ...d, min_ts: str(d.min_ts), max_ts: str(d.max_ts) })) };
    case 'year_complete':
      return { complete: store.isYearComplete(datasetId(op.ds), Number(op.year)) };
    case 'files': {
      const dir = store.directory(datasetId(op.ds));
      return { dir: path.relative(root, dir), files: fs.readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort() };
    }
    case 'checkpoint':
      return {};
    default:
      throw new Error(`unknown op ${op.op}`);
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim() || line.trimStart().startsWith('#')) continue;
  let out;
  const t0 = process.hrtime.bigint();
  try {
    out = { ok: true, ...run(JSON.parse(line)) };
  } catch (e) {
    out = { ok: false, error: String(e.message ?? e) };
  }
  if (timed) out.ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify(out) + '\n');
}
