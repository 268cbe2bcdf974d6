#!/usr/bin/env node
// run_diff.mjs - differential and cross-compatibility tests of the dccd store
// against the seed port (bench/seedport: the seed's ParquetStore on
// nodejs-polars).  CTest `diff_seed` (tests/diff.cmake) runs it through
// tests/interop/run_interop.sh (exit 77 = skipped without node/npm peers).
//
//   node tests/diff/run_diff.mjs --dccd-ops BUILD/tests/dccd_ops --work DIR
//        [--seeds N] [--cross M] [--first S] [--seed S] [--keep] [--verbose]
//
// Defaults (the CTest entry): 16 sequences from seed 1, the first 3 of them
// also through phases B and C.  More: --seeds 100 --first 200 --cross 8.
//
// Every sequence k (seed S = first + k) is a random script of JSON-lines ops
// (bench/seedport/README.md) on its own exchange "x<S>", so one process per
// implementation runs all of them.  Each sequence mixes, over four datasets
// (OHLC 1m, OHLC 1w, trades, order book) plus two legacy v2 OHLC datasets:
// appends, overlapping merges, duplicate keys inside one batch, many trades
// sharing one TS, null tids (per sequence: never, mixed, always, or per batch), batches
// spanning year (OHLC) and day (trades, book) boundaries, empty batches,
// records and columns forms, pair spellings (btc-usdt, XBT_USDT), -0.0,
// int64 beyond 2^53, range loads whose ends hit stored TS exactly (+-1),
// last_timestamp, missing_intervals (past years, complete years with the
// 1w span), and dccd checkpoints.
//
// Phase A (differential): the script runs through the seed port (reference)
// and through dccd three times: pure WAL mode (pending segments, checkpoint
// ops ignored), sync_checkpoint (3-row row groups), and WAL with the
// checkpoint ops executed (4-row row groups, automatic folds every 25
// pending rows, durable).  Every result must equal the seed's; rows tied on
// TS are compared as a multiset (the seed's order for ties is unspecified).
// Phase B (period files): every dccd dataset is checkpointed; then a read
// script (loads, ranges, last, missing, files, inventory) runs through the
// seed port on each dccd store (the seed reading dccd's files) and through
// dccd on the seed's store (dccd reading files polars wrote, including the
// legacy v2 files), all against the seed on its own store.
// Phase C (extension across): a second random script of saves and loads runs
// through dccd on a copy of the seed's store, through the seed port on a
// copy of dccd's store, and through each on its own; all must agree, and
// after a checkpoint the read script is repeated across readers.
// Phase D (DuckDB): dccd's period files (the checkpointed store, first 8
// sequences) read by DuckDB have the canonical
// types (TS BIGINT, DOUBLE, VARCHAR, BOOLEAN) and the values polars reads.
//
// Legacy v2 files (written here with nodejs-polars: TS, date, time, close,
// high, low, open, quoteVolume, volume, weightedAverage): dataset
// LTC/USDT:1h has TS in nanoseconds everywhere; dataset LTC/BTC:1h has TS in
// SECONDS in dccd's stores and in nanoseconds in the seed's reference store
// (the seed's canonicalize does not convert units - its migration does - so
// dccd reading seconds must equal the seed reading the migrated file).
//
// On a mismatch: prints the seed, the op index inside the sequence, the op
// and both results, writes the sequence's script to WORK/fail-<seed>.jsonl,
// and exits 1 at the end.  Re-run one sequence with --seed S.
// A dccd op failing with "not implemented" (placeholders of this session)
// is counted as skipped, not as a mismatch.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const seedCli = path.join(repo, 'bench/seedport/seed_cli.mjs');

// ------------------------------------------------------------------ args
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const dccdOps = opt('--dccd-ops', path.join(repo, 'build/tests/dccd_ops'));
const work = path.resolve(opt('--work', path.join(os.tmpdir(), `dccd-diff-${process.pid}`)));
const single = opt('--seed', null);
const FIRST = single !== null ? Number(single) : Number(opt('--first', 1));
const NSEQ = single !== null ? 1 : Number(opt('--seeds', 16));
const NCROSS = Math.min(NSEQ, Number(opt('--cross', 3)));
const keep = argv.includes('--keep');
const verbose = argv.includes('--verbose');
if (!fs.existsSync(dccdOps)) {
  console.log(`dccd_ops not found at ${dccdOps} (pass --dccd-ops)`);
  process.exit(2);
}
const NOW_YEAR = new Date().getUTCFullYear(); // dccd takes the year from the clock; the seed port is told
const t0 = Date.now();

// ------------------------------------------------------------------ rng
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function makeRng(seed) {
  const r = mulberry32(seed * 2654435761 + 12345);
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = (a) => a[Math.floor(r() * a.length)];
  const chance = (p) => r() < p;
  return { r, int, pick, chance };
}

// ------------------------------------------------------------------ time
const NS = 1000000000n;
const MIN = 60n * NS, HOUR = 3600n * NS, DAY = 86400n * NS, WEEK = 7n * DAY;
const utc = (y, m = 0, d = 1) => BigInt(Date.UTC(y, m, d)) * 1000000n;
const Y2025 = utc(2025); // the year (OHLC) and day (trades, book) boundary most batches straddle
const Y2023 = utc(2023);
const Y2024 = utc(2024);
const s = (b) => b.toString();

// ------------------------------------------------------------------ datasets
function datasets(seq) {
  const ex = `x${seq}`;
  return {
    o1: { exchange: ex, pair: 'BTC/USDT', type: 'ohlc', span: 60 },
    o2: { exchange: ex, pair: 'ETH/USDT', type: 'ohlc', span: '1w' },
    tr: { exchange: ex, pair: 'BTC/USDT:perp', type: 'trades' },
    bk: { exchange: ex, pair: 'ETH/BTC', type: 'orderbook' },
    lg: { exchange: ex, pair: 'LTC/USDT', type: 'ohlc', span: 3600 }, // legacy v2, TS ns
    ls: { exchange: ex, pair: 'LTC/BTC', type: 'ohlc', span: 3600 }, // legacy v2, TS seconds (dccd side)
  };
}
const DS_KEYS = ['o1', 'o2', 'tr', 'bk', 'lg', 'ls'];
// Other spellings of the same datasets (the seed's Symbol parsing).
const SPELL = { 'BTC/USDT': ['btc-usdt', 'XBT_USDT', 'BTC/USDT'], 'BTC/USDT:perp': ['xbt-usdt:perp', 'BTC_USDT:PERP'] };
function spell(g, ds) {
  const alts = SPELL[ds.pair];
  if (!alts || !g.chance(0.3)) return ds;
  return { ...ds, pair: g.pick(alts) };
}

// ------------------------------------------------------------------ generators
const NEG_ZERO = '0x8000000000000000';
const money = (g) => Math.round(g.r() * 100000) / 100;

function ohlcBar(g, ts) {
  const o = money(g), c = money(g);
  const hi = Math.max(o, c) + money(g) / 10, lo = Math.max(0, Math.min(o, c) - money(g) / 10);
  return {
    ts: s(ts), open: o, high: hi, low: lo, close: c,
    volume: g.chance(0.1) ? 0 : money(g),
    quote_volume: g.chance(0.3) ? null : g.chance(0.05) ? NEG_ZERO : money(g),
    trades: g.chance(0.3) ? null : g.chance(0.1) ? '9007199254740993' : g.int(0, 5000),
  };
}

// Per-sequence generator state: a cursor per dataset so most saves append
// (the usual case, the checkpoint's raw row-group copy) while others
// overlap or back-fill what is stored; a counter for fresh trade ids.
function genState(g) {
  return {
    cur: {
      o1: Y2025 - BigInt(g.int(5, 40)) * MIN,      // 1m bars crossing 2024 -> 2025
      o2: Y2023 - BigInt(g.int(0, 3)) * WEEK,      // 1w bars through 2023 (can complete it)
      lg: Y2024 + BigInt(g.int(0, 30)) * HOUR,     // over the legacy files
      ls: Y2024 + BigInt(g.int(0, 30)) * HOUR,
      tr: Y2025 - BigInt(g.int(3, 30)) * 1000000n, // trades (ms) crossing the day boundary
      bk: Y2025 - BigInt(g.int(1, 6)) * 1000000n,
    },
    lo: {},
    tid: 0,
  };
}
const STEP = { o1: MIN, o2: WEEK, lg: HOUR, ls: HOUR };

// TS of the next row: append at the cursor (advancing by one span, sometimes
// skipping), or overlap anywhere between the first TS and the cursor.
function nextTs(g, st, which, overlap) {
  const lo = st.lo[which] ?? st.cur[which];
  st.lo[which] = lo;
  if (overlap && st.cur[which] > lo) {
    const steps = which in STEP ? (st.cur[which] - lo) / STEP[which] : (st.cur[which] - lo) / 1000000n;
    const k = BigInt(g.int(0, Number(steps)));
    return lo + k * (STEP[which] ?? 1000000n);
  }
  const ts = st.cur[which];
  if (which in STEP) {
    st.cur[which] += STEP[which] * (g.chance(0.1) ? BigInt(g.int(2, 5)) : 1n);
    if (which === 'o1' && g.chance(0.03)) return ts + BigInt(g.int(1, 59)) * NS; // off the span grid
  } else {
    st.cur[which] += BigInt(g.pick([0, 0, 1, 1, 2, 3])) * 1000000n; // ties: many trades share a ms
  }
  return ts;
}

// Seed's records form or the columns form, chosen at random.
function toColumns(type, recs) {
  const names = {
    ohlc: ['ts', 'open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trades'],
    trades: ['ts', 'price', 'amount', 'side', 'tid'],
  }[type];
  const cols = {};
  for (const n of names) cols[n === 'ts' ? 'TS' : n] = recs.map((r) => (r[n] === undefined ? null : r[n]));
  return cols;
}

function saveOp(g, st, ds, which, tidMode) {
  const n = g.chance(0.06) ? 0 : g.int(1, g.chance(0.2) ? 40 : 10);
  const overlap = g.chance(0.3);
  if (tidMode === 'switch') tidMode = g.chance(0.5) ? 'all' : 'none';
  let recs = [];
  if (ds.type === 'ohlc') {
    for (let i = 0; i < n; i++) recs.push(ohlcBar(g, nextTs(g, st, which, overlap)));
    // an explicit duplicate key inside the batch (keep the last)
    if (n > 1 && g.chance(0.4)) recs.push({ ...ohlcBar(g, 0n), ts: g.pick(recs).ts });
  } else if (ds.type === 'trades') {
    for (let i = 0; i < n; i++) {
      const ts = nextTs(g, st, which, overlap);
      let tid = `t${st.tid++}`;
      if (st.tid > 1 && g.chance(overlap ? 0.5 : 0.1)) tid = `t${g.int(0, st.tid - 1)}`; // re-sent id, maybe another TS
      if (tidMode === 'none' || (tidMode === 'mixed' && g.chance(0.2))) tid = null;
      recs.push({
        ts: s(ts),
        price: g.chance(0.04) ? NEG_ZERO : g.pick([100, 100.5, 101, 0, 99.25]),
        amount: g.pick([0.1, 0.2, 1, 0, 2.5]),
        side: g.chance(0.15) ? null : g.pick(['buy', 'sell']),
        tid,
      });
    }
    // the same trade twice in one batch
    if (n > 1 && g.chance(0.3)) recs.push({ ...g.pick(recs) });
  } else {
    // order book snapshots; duplicate (TS, side, price) inside one batch
    const nsnap = n === 0 ? 0 : g.int(1, 4);
    const snaps = [];
    for (let i = 0; i < nsnap; i++) {
      const ts = nextTs(g, st, which, overlap);
      const lv = () => {
        const a = [g.pick([10, 10.5, 11, 11.5, 12]), g.pick([1, 2, 0.5, 0])];
        if (!g.chance(0.3)) a.push(g.int(0, 9));
        else if (g.chance(0.5)) a.push(null);
        return a;
      };
      const bids = Array.from({ length: g.int(0, 4) }, lv), asks = Array.from({ length: g.int(0, 4) }, lv);
      const snap = { ts: s(ts), bids, asks };
      if (g.chance(0.5)) snap.is_snapshot = g.chance(0.5);
      snaps.push(snap);
    }
    if (g.chance(0.6)) return { op: 'save', ds: spell(g, ds), records: snaps };
    // columns form of the flattened rows
    const cols = { TS: [], side: [], price: [], amount: [], count: [], is_snapshot: [] };
    for (const sn of snaps) {
      for (const [side, lvls] of [['bid', sn.bids], ['ask', sn.asks]]) {
        for (const l of lvls) {
          cols.TS.push(sn.ts); cols.side.push(side); cols.price.push(l[0]); cols.amount.push(l[1]);
          cols.count.push(l.length > 2 ? l[2] : null); cols.is_snapshot.push(sn.is_snapshot ?? true);
        }
      }
    }
    return { op: 'save', ds: spell(g, ds), columns: cols };
  }
  if (g.chance(0.35)) return { op: 'save', ds: spell(g, ds), records: recs };
  return { op: 'save', ds: spell(g, ds), columns: toColumns(ds.type, recs) };
}

// A load range whose ends often hit a stored TS exactly (or +-1 ns).
function loadOp(g, ds, known) {
  const op = { op: 'load', ds: spell(g, ds) };
  const pickTs = () => {
    if (known.length && g.chance(0.8)) return BigInt(g.pick(known)) + BigInt(g.pick([0, 0, 0, -1, 1]));
    return Y2025 + BigInt(g.int(-100000, 100000)) * 1000000000n;
  };
  const mode = g.int(0, 4);
  if (mode === 0) return op;
  let a = pickTs(), b = pickTs();
  if (a > b && g.chance(0.9)) [a, b] = [b, a];
  if (mode !== 2) op.start = s(a);
  if (mode !== 3) op.end = s(b);
  return op;
}

function missingOp(g, ds) {
  if (ds.type !== 'ohlc') {
    const a = Y2025 - DAY + BigInt(g.int(0, 200000)) * 1000000n * 1000n, b = a + BigInt(g.int(-5, 3)) * DAY;
    return { op: 'missing', ds, start: s(a), end: s(b) };
  }
  const lo = g.pick([utc(2022, 6), utc(2023), utc(2023, 5), utc(2024), Y2025 - HOUR, utc(2024, 11, 31)]);
  const hi = g.pick([Y2025 + HOUR, utc(2025, 1), utc(2024), utc(2023, 11, 31), utc(NOW_YEAR, 1), Y2025]);
  return { op: 'missing', ds, start: s(lo), end: s(hi) };
}

function tsOfSave(op) {
  if (op.records) return op.records.map((r) => r.ts);
  return op.columns.TS ?? [];
}

// The random script of one sequence (phase A, or phase C with salt).
function sequence(seq, salt = 0) {
  const g = makeRng(seq * 7919 + salt);
  const D = datasets(seq);
  // tids: always, never, sometimes null; or 'switch': each batch all with or all without
  const tidMode = g.pick(['all', 'all', 'mixed', 'none', 'mixed', 'switch', 'switch']);
  const st = genState(g);
  // phase C: mostly append after what phase A stored
  if (salt) for (const k of Object.keys(st.cur)) st.cur[k] += (STEP[k] ?? 1000000n) * BigInt(g.int(10, 40));
  const known = Object.fromEntries(DS_KEYS.map((k) => [k, []]));
  const ops = [];
  const push = (o) => ops.push(o);
  if (salt === 0) {
    // legacy datasets: read first, then always extend the legacy year
    push({ op: 'load', ds: D.ls });
    push({ op: 'load', ds: D.lg, start: s(Y2024 + 3n * HOUR), end: s(Y2024 + 9n * HOUR) });
    push({ op: 'missing', ds: D.ls, start: s(utc(2023, 11)), end: s(utc(2024, 2)) });
    for (const k of ['ls', 'lg']) {
      const sv = saveOp(g, st, D[k], k, tidMode);
      if (tsOfSave(sv).length === 0) {
        delete sv.records;
        sv.columns = toColumns('ohlc', [ohlcBar(g, Y2024 + 5n * HOUR)]);
      }
      push(sv);
    }
  }
  // sometimes a whole year of weekly bars at once: 2023 becomes complete (missing skips it)
  if (g.chance(0.3)) {
    const recs = [];
    for (let w = 0n; w < 53n; w++) recs.push(ohlcBar(g, Y2023 + w * WEEK + (salt ? 3600n * NS : 0n)));
    push({ op: 'save', ds: D.o2, columns: toColumns('ohlc', recs) });
  }
  const nops = g.int(18, 40);
  for (let i = 0; i < nops; i++) {
    const k = g.pick(['o1', 'o1', 'o2', 'tr', 'tr', 'tr', 'bk', 'bk', 'lg', 'ls']);
    const ds = D[k];
    const x = g.r();
    if (x < 0.55) {
      const op = saveOp(g, st, ds, k, tidMode);
      known[k].push(...tsOfSave(op).map(String));
      push(op);
    } else if (x < 0.75) push(loadOp(g, ds, known[k]));
    else if (x < 0.8) push({ op: 'last', ds: spell(g, ds) });
    else if (x < 0.88) push(missingOp(g, ds));
    else push(g.chance(0.8) ? { op: 'checkpoint', ds } : { op: 'checkpoint', ds: spell(g, ds) });
  }
  for (const k of DS_KEYS) {
    push({ op: 'load', ds: D[k] });
    push({ op: 'last', ds: D[k] });
  }
  push(missingOp(g, D.o1));
  push({ op: 'missing', ds: D.o2, start: s(utc(2022)), end: s(utc(2025)) });
  return ops.map((o, i) => ({ ...o, _seq: seq, _i: i }));
}

// The read-only script used across readers (phases B and C).
function readScript(seqs) {
  const ops = [];
  for (const seq of seqs) {
    const D = datasets(seq);
    const g = makeRng(seq + 99991);
    let i = 0;
    for (const k of DS_KEYS) {
      ops.push({ op: 'load', ds: D[k] });
      ops.push({ op: 'load', ds: D[k], start: s(Y2025 - DAY / 2n), end: s(Y2025 + 3n * MIN) });
      ops.push({ op: 'last', ds: D[k] });
      ops.push({ op: 'files', ds: D[k] });
      ops.push(missingOp(g, D[k]));
    }
    ops.push({ op: 'missing', ds: D.o2, start: s(utc(2022)), end: s(utc(2025)) });
    for (const o of ops.slice(-DS_KEYS.length * 5 - 1)) o._seq = seq, (o._i = i++);
  }
  ops.push({ op: 'inventory', _seq: -1, _i: 0 });
  return ops;
}

function checkpointScript(seqs) {
  const ops = [];
  for (const seq of seqs) for (const k of DS_KEYS) ops.push({ op: 'checkpoint', ds: datasets(seq)[k], _seq: seq, _i: -1 });
  return ops;
}

// ------------------------------------------------------------------ legacy v2 files
let pl = null;
async function writeLegacy(roots, seedRoot, seqs) {
  pl = pl ?? (await import('../interop/pl.mjs')).pl;
  for (const seq of seqs) {
    const g = makeRng(seq * 31 + 7);
    const D = datasets(seq);
    for (const k of ['lg', 'ls']) {
      const n = g.int(3, 24);
      const hours = [...new Set(Array.from({ length: n }, () => g.int(0, 40)))].sort((a, b) => a - b);
      const tsNs = hours.map((h) => Y2024 + BigInt(h) * HOUR);
      const num = () => hours.map(() => money(g));
      const cols = { close: num(), high: num(), low: num(), open: num(), quoteVolume: hours.map(() => (g.chance(0.2) ? null : money(g))), volume: num(), weightedAverage: num() };
      const frame = (ts) => pl.DataFrame([
        pl.Series('TS', ts.map(String), pl.Utf8).cast(pl.Int64, true),
        pl.Series('date', hours.map((h) => `2024-01-${String(1 + Math.floor(h / 24)).padStart(2, '0')}`), pl.Utf8),
        pl.Series('time', hours.map((h) => `${String(h % 24).padStart(2, '0')}:00:00`), pl.Utf8),
        ...Object.entries(cols).map(([c, v]) => pl.Series(c, v, pl.Float64)),
      ]);
      const dir = (root) => path.join(root, D[k].exchange, 'ohlc', 'LTC-' + (k === 'lg' ? 'USDT' : 'BTC'), '1h');
      for (const root of [seedRoot, ...roots]) {
        const secs = k === 'ls' && root !== seedRoot;
        fs.mkdirSync(dir(root), { recursive: true });
        frame(secs ? tsNs.map((t) => t / NS) : tsNs).writeParquet(path.join(dir(root), '2024.parquet'), { compression: k === 'lg' ? 'zstd' : 'snappy' });
      }
    }
  }
}

// ------------------------------------------------------------------ running
function run(cmd, args, ops, label) {
  const input = ops.map((o) => JSON.stringify(o)).join('\n') + '\n';
  const t = Date.now();
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, POLARS_MAX_THREADS: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [], errs = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => errs.push(d));
    p.stdin.on('error', () => {});
    p.stdin.end(input);
    p.on('close', (status, signal) => {
      const stdout = Buffer.concat(out).toString('utf8'), stderr = Buffer.concat(errs).toString('utf8');
      if (status !== 0 || signal) {
        console.log(`FAIL ${label}: exited ${status} signal ${signal}\n${stderr.slice(-3000)}`);
        return resolve(null);
      }
      const res = stdout.trim() === '' ? [] : stdout.trim().split('\n').map((l) => JSON.parse(l));
      if (res.length !== ops.length) {
        console.log(`FAIL ${label}: ${res.length} results for ${ops.length} ops\n${stderr.slice(-3000)}`);
        return resolve(null);
      }
      if (verbose) console.log(`  ${label}: ${ops.length} ops in ${Date.now() - t} ms`);
      resolve(res);
    });
  });
}
const seedArgs = (root) => [seedCli, root, '--now-year', String(NOW_YEAR)];
const runSeed = (root, ops, label) => run(process.execPath, seedArgs(root), ops, label);
const runDccd = (root, flags, ops, label) => run(dccdOps, [root, ...flags], ops, label);
const WAL = ['--no-checkpoint-op', '--no-durable'];           // pending segments only
const SYNC = ['--sync', '--rg-rows', '3', '--no-durable'];     // every save folds
const CPS = ['--rg-rows', '4', '--cp-rows', '25'];             // explicit + automatic folds, fsync on
const VARIANTS = [['wal', WAL], ['sync', SYNC], ['cp', CPS]];

// ------------------------------------------------------------------ comparing
const stable = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((q) => [q, x[q]])) : x));

const stats = { ops: 0, compared: 0, tieOrderDiffs: 0, skipped: 0, mismatches: 0, loadsNonEmpty: 0 };

// Compare two canonical tables, rows tied on TS as a multiset (the seed's
// tie order is unspecified).  null when equal, else a description.  An
// empty result equals an empty result whatever its columns (the seed
// returns a frame without columns).
function tableDiff(a, b) {
  const ea = !a || a.rows === 0, eb = !b || b.rows === 0;
  if (ea || eb) return ea && eb ? null : `rows ${a?.rows} vs ${b?.rows}`;
  if (stable(a.columns) !== stable(b.columns)) return `columns ${JSON.stringify(a.columns)} vs ${JSON.stringify(b.columns)}`;
  if (a.rows !== b.rows) return `rows ${a.rows} vs ${b.rows}`;
  const names = a.columns.map((c) => c.name);
  const rowOf = (t, r) => JSON.stringify(names.map((n) => t.data[n][r]));
  let exact = true;
  for (let r = 0; r < a.rows; ) {
    if (a.data.TS[r] !== b.data.TS[r]) return `row ${r}: TS ${a.data.TS[r]} vs ${b.data.TS[r]}`;
    let e = r + 1;
    while (e < a.rows && a.data.TS[e] === a.data.TS[r]) e++;
    const ra = [], rb = [];
    for (let q = r; q < e; q++) ra.push(rowOf(a, q)), rb.push(rowOf(b, q));
    if (ra.join() !== rb.join()) {
      exact = false;
      ra.sort();
      rb.sort();
      for (let q = 0; q < ra.length; q++) if (ra[q] !== rb[q]) return `rows tied at TS ${a.data.TS[r]} (rows ${r}..${e - 1}) differ: ${ra[q]} vs ${rb[q]}`;
    }
    r = e;
  }
  if (!exact) stats.tieOrderDiffs++;
  return null;
}

function resultDiff(op, ref, got) {
  if (!got.ok && /not implemented/.test(got.error ?? '')) return 'SKIP';
  if (ref.ok !== got.ok) return `ok ${ref.ok} vs ${got.ok}: ${ref.error ?? ''}${got.error ?? ''}`;
  if (!ref.ok) return null; // both refused
  switch (op.op) {
    case 'save': return ref.rows === got.rows ? null : `rows ${ref.rows} vs ${got.rows}`;
    case 'checkpoint': return null;
    case 'load': return tableDiff(ref.table, got.table);
    case 'inventory': {
      const strip = (d) => d.map(({ pending_segments, ...x }) => x);
      const a = stable(strip(ref.datasets)), b = stable(strip(got.datasets));
      return a === b ? null : `inventory\n    ${a.slice(0, 1500)}\n    ${b.slice(0, 1500)}`;
    }
    default: {
      const strip = ({ ms, ...x }) => x;
      const a = stable(strip(ref)), b = stable(strip(got));
      return a === b ? null : `${a.slice(0, 600)} vs ${b.slice(0, 600)}`;
    }
  }
}

const failedSeqs = new Set();
function compare(phase, ops, ref, gotName, got) {
  if (!ref || !got) {
    stats.mismatches++;
    return;
  }
  for (let i = 0; i < ops.length; i++) {
    stats.compared++;
    const d = resultDiff(ops[i], ref[i], got[i]);
    if (d === null) {
      if (ops[i].op === 'load' && ref[i].table?.rows > 0) stats.loadsNonEmpty++;
      continue;
    }
    if (d === 'SKIP') {
      stats.skipped++;
      continue;
    }
    stats.mismatches++;
    const { _seq, _i, ...op } = ops[i];
    failedSeqs.add(_seq);
    if (stats.mismatches <= 12) {
      const where = _seq < 0 ? 'whole store' : `seed ${_seq} op #${_i}`;
      console.log(`MISMATCH phase ${phase} ${where} (seed port vs ${gotName}): ${d}`);
      console.log(`  op: ${JSON.stringify(op).slice(0, 800)}`);
      if (verbose) console.log(`  ref: ${JSON.stringify(ref[i]).slice(0, 1500)}\n  got: ${JSON.stringify(got[i]).slice(0, 1500)}`);
      if (_seq >= 0) console.log(`  repro: node tests/diff/run_diff.mjs --dccd-ops ${dccdOps} --seed ${_seq} --keep --verbose`);
    }
  }
}

// ------------------------------------------------------------------ main
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const R = (n) => path.join(work, n);
const seqs = Array.from({ length: NSEQ }, (_, k) => FIRST + k);
const xseqs = seqs.slice(0, NCROSS); // phases B and C: cross-reading and cross-extension
const scriptA = seqs.flatMap((q) => sequence(q));
const scriptB = readScript(xseqs);
const scriptC = xseqs.flatMap((q) => sequence(q, 1000003));
if (keep) {
  for (const [n, sc] of [['A', scriptA], ['B', scriptB], ['C', scriptC]]) {
    fs.writeFileSync(R(`script${n}.jsonl`), sc.map((o) => JSON.stringify(o)).join('\n') + '\n');
  }
}
const checkpointAll = async (root, label) => {
  const cpAll = checkpointScript(seqs);
  const out = await runDccd(root, ['--no-durable'], cpAll, label);
  if (!out) return stats.mismatches++;
  out.forEach((o, i) => {
    if (!o.ok) {
      stats.mismatches++;
      console.log(`FAIL ${label} ${JSON.stringify(cpAll[i].ds)}: ${o.error}`);
    }
  });
};
// Two processes at a time (the machine's cores are shared).
async function both(a, b) {
  return Promise.all([a(), b()]);
}

// Phase A: the same random script through the seed port and three dccd modes
await writeLegacy(VARIANTS.map(([tag]) => R(tag)), R('seed'), seqs);
const [refA, dccdA] = await both(
  () => runSeed(R('seed'), scriptA, 'seed A'),
  async () => {
    const res = [];
    for (const [tag, flags] of VARIANTS) res.push(await runDccd(R(tag), flags, scriptA, `dccd-${tag} A`));
    return res;
  });
VARIANTS.forEach(([tag], i) => compare('A', scriptA, refA, `dccd-${tag}`, dccdA[i]));
stats.ops += scriptA.length * 4;

// Phase B: fold everything, then read across
for (const [tag] of VARIANTS) await checkpointAll(R(tag), `checkpoint ${tag}`);
const [refB, bSync] = await both(() => runSeed(R('seed'), scriptB, 'seed B'), () => runSeed(R('sync'), scriptB, 'seed B on sync'));
const [bCp, bDccd] = await both(() => runSeed(R('cp'), scriptB, 'seed B on cp'), () => runDccd(R('seed'), WAL, scriptB, 'dccd B on seed'));
compare('B', scriptB, refB, "seed port reading dccd-sync's files", bSync);
compare('B', scriptB, refB, "seed port reading dccd-cp's files", bCp);
compare('B', scriptB, refB, "dccd reading the seed port's files", bDccd);
stats.ops += scriptB.length * 4;

// Phase C: extend each other's stores (dccd-wal's store is read by the seed port below)
fs.cpSync(R('seed'), R('seed-by-dccd'), { recursive: true });
fs.cpSync(R('wal'), R('wal-by-seed'), { recursive: true });
const [refC, cSeedOnDccd] = await both(() => runSeed(R('seed'), scriptC, 'seed C'), () => runSeed(R('wal-by-seed'), scriptC, 'seed C on dccd'));
compare('C', scriptC, refC, "seed port extending dccd's store", cSeedOnDccd);
compare('C', scriptC, refC, "dccd extending the seed port's store", await runDccd(R('seed-by-dccd'), ['--rg-rows', '5', '--no-durable'], scriptC, 'dccd C on seed'));
compare('C', scriptC, refC, 'dccd extending its own store', await runDccd(R('wal'), WAL, scriptC, 'dccd C own'));
stats.ops += scriptC.length * 4;
for (const tag of ['seed-by-dccd', 'wal']) await checkpointAll(R(tag), `checkpoint ${tag}`);
const [refC2, c2a] = await both(() => runSeed(R('seed'), scriptB, 'seed C reads'), () => runSeed(R('seed-by-dccd'), scriptB, 'seed reads seed-by-dccd'));
const [c2b, c2c] = await both(() => runSeed(R('wal'), scriptB, 'seed reads wal'), () => runDccd(R('wal-by-seed'), WAL, scriptB, 'dccd reads wal-by-seed'));
compare('C-read', scriptB, refC2, 'seed port reading the dccd-extended seed store', c2a);
compare('C-read', scriptB, refC2, "seed port reading dccd's own extended store", c2b);
compare('C-read', scriptB, refC2, 'dccd reading the seed-extended dccd store', c2c);
stats.ops += scriptB.length * 4;

// Phase D: DuckDB reads dccd's period files with the canonical types and polars' values
const { readDuckDB, readPolars } = await import('../interop/peers.mjs');
const WANT = { TS: 'int64', open: 'double', high: 'double', low: 'double', close: 'double', volume: 'double', quote_volume: 'double', trades: 'int64', price: 'double', amount: 'double', side: 'string', tid: 'string', count: 'int64', is_snapshot: 'boolean' };
let duckFiles = 0;
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.name.startsWith('.') ? [] : e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.parquet') ? [path.join(d, e.name)] : []);
const duckSeqs = new Set(seqs.slice(0, 8).map((q) => `x${q}`));
for (const f of walk(R('cp')).filter((f) => duckSeqs.has(path.relative(R('cp'), f).split(path.sep)[0]))) {
  const dk = await readDuckDB(f), pol = readPolars(f);
  duckFiles++;
  const types = dk.columns.map((c) => `${c.name}:${c.type}`).join(',');
  const want = pol.columns.map((c) => `${c.name}:${WANT[c.name]}`).join(',');
  const d = types !== want ? `types ${types} want ${want}` : stable(dk) !== stable(pol) ? (tableDiff(pol, dk) ?? 'row order differs') : null;
  if (d) {
    stats.mismatches++;
    console.log(`MISMATCH phase D ${path.relative(work, f)}: DuckDB vs polars: ${d}`);
  }
}

const secs = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`diff_seed: ${NSEQ} sequences (seeds ${FIRST}..${FIRST + NSEQ - 1}; ${NCROSS} also read and extended across), ${stats.ops} ops run per implementation pass, ` +
  `${stats.compared} results compared (${stats.loadsNonEmpty} non-empty loads), ${duckFiles} files read by DuckDB, ` +
  `${stats.tieOrderDiffs} loads with another (valid) tie order, ${stats.skipped} skipped (dccd: not implemented), ` +
  `${stats.mismatches} mismatches, ${secs} s`);
if (failedSeqs.size) {
  for (const q of failedSeqs) if (q >= 0) fs.writeFileSync(path.join(work, `fail-${q}.jsonl`), sequence(q).map((o) => JSON.stringify(o)).join('\n') + '\n');
  console.log(`failing seeds: ${[...failedSeqs].join(' ')} (scripts in ${work})`);
}
if (!keep && !stats.mismatches) fs.rmSync(work, { recursive: true, force: true });
process.exit(stats.mismatches ? 1 : 0);
