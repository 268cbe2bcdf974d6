#!/usr/bin/env node
// bench/seed_bench.mjs MODE ... - the seed port's side of the store and
// import benchmarks (issues 3 and 4), driven by bench/run.sh.  It calls
// ParquetStore (bench/seedport/seed_store.mjs, nodejs-polars,
// POLARS_MAX_THREADS=1) directly on in-memory DataFrames, so no JSON
// conversion is timed: only what the seed itself does.
//
//   days ROOT SRC DAYS            365 saves of 1,440 one-minute bars (2a)
//   minutes ROOT SRC LIMIT [NAME] one save per minute of a trades day (2b),
//                                 only the first LIMIT minutes (0 = all);
//                                 the rest is extrapolated (see below)
//   inventory ROOT REPS           ParquetStore.inventory() (2c)
//   load ROOT START END REPS      ParquetStore.load(ds, start, end) (2c)
//   import ROOT CSV ohlc|trades   pl.readCSV + save (3)
//
// Extrapolation (minutes): a seed save reads, merges, de-duplicates, sorts
// and rewrites the whole day file, so its cost is affine in the rows already
// in the file.  The measured prefix is fitted by least squares
// t = a + b * rows_before (skipping the first 10 saves, which include warm-up),
// and the total for the full day is the measured prefix plus the sum of the
// fitted cost of every remaining save.  Reported as "extrapolated": true.
// SRC files are the uncompressed inputs written by `dccd_bench gen`.

import fs from 'node:fs';
import { pl } from '../tests/interop/pl.mjs';
import { ParquetStore, datasetId, canonicalize } from './seedport/seed_store.mjs';

const [mode, ...a] = process.argv.slice(2);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const emit = (o) => process.stdout.write(JSON.stringify({ engine: 'seed', ...o }) + '\n');
const median = (v) => {
  const s = [...v].sort((x, y) => x - y), n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : 0;
};
const OHLC = { exchange: 'binance', pair: 'BTC/USDT', type: 'ohlc', span: 60 };
const TRADES = { exchange: 'binance', pair: 'BTC/USDT', type: 'trades' };
const quiet = { log: () => {} };
// Run with node --expose-gc: without explicit collections the native memory
// of dead DataFrames piles up (the 365-save run reached 24 GB and was
// OOM-killed).  Python frees a frame when its last reference goes (the
// seed's real behaviour); here the collection is outside the timed region.
// N-API finalizers (which free the native frames) run from the event loop,
// so the loop must also be given a turn: a synchronous loop never frees.
const gc = async () => {
  if (!globalThis.gc) throw new Error('run node with --expose-gc');
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
};

async function runSaves(bench, root, df, cuts, limit, ds) {
  const store = new ParquetStore(root, quiet);
  const n = cuts.length - 1, m = limit > 0 ? Math.min(limit, n) : n;
  const lat = [];
  const t0 = now();
  for (let i = 0; i < m; i++) {
    const b = df.slice(cuts[i], cuts[i + 1] - cuts[i]);
    const s = now();
    store.save(ds, b);
    lat.push(now() - s);
    await gc(); // untimed: nodejs-polars frames hold native memory the JS GC does not see
  }
  const measured = now() - t0;
  const k = Math.min(60, m);
  const out = {
    bench, saves: n, measured_saves: m, rows: cuts[n], measured_rows: cuts[m], measured_ms: measured,
    first_median_ms: median(lat.slice(0, k)), last_measured_median_ms: median(lat.slice(m - k)),
    max_save_ms: Math.max(...lat), median_save_ms: median(lat),
  };
  if (m < n) {
    // fit t = a + b * rows_before on saves 10..m-1
    const xs = [], ys = [];
    for (let i = Math.min(10, m - 2); i < m; i++) { xs.push(cuts[i]); ys.push(lat[i]); }
    const mx = xs.reduce((p, v) => p + v, 0) / xs.length, my = ys.reduce((p, v) => p + v, 0) / ys.length;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < xs.length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; }
    // a negative slope is noise (prefix too short): then assume a constant cost
    const b = sxx > 0 && sxy > 0 ? sxy / sxx : 0, aa = my - b * mx;
    let rest = 0;
    for (let i = m; i < n; i++) rest += aa + b * cuts[i];
    const endLat = [];
    for (let i = n - k; i < n; i++) endLat.push(aa + b * cuts[i]);
    Object.assign(out, {
      extrapolated: true, fit_a_ms: aa, fit_b_ms_per_row: b, total_ms: measured + rest,
      last_median_ms: median(endLat),
    });
  } else {
    const f = store.load(ds);
    Object.assign(out, { extrapolated: false, total_ms: measured, last_median_ms: median(lat.slice(m - k)), loaded_rows: f.height });
  }
  emit(out);
}

if (mode === 'days') {
  const [root, src, days] = a;
  const df = pl.readParquet(src, { rechunk: true });
  const cuts = [];
  for (let i = 0; i <= Number(days); i++) cuts.push(i * 1440);
  await runSaves('store_days', root, df, cuts, 0, datasetId(OHLC));
} else if (mode === 'minutes') {
  const [root, src, limit, name] = a;
  const df = pl.readParquet(src, { rechunk: true });
  const ts = df.getColumn('TS').cast(pl.Utf8).toArray();
  const cuts = [0];
  let prev = BigInt(ts[0]) / 60000000000n;
  for (let i = 1; i < ts.length; i++) {
    const m = BigInt(ts[i]) / 60000000000n;
    if (m !== prev) { cuts.push(i); prev = m; }
  }
  cuts.push(ts.length);
  await runSaves(name ?? 'store_minutes', root, df, cuts, Number(limit), datasetId(TRADES));
} else if (mode === 'inventory') {
  const [root, reps] = a;
  const store = new ParquetStore(root, quiet);
  const ms = [];
  let inv = [];
  for (let i = 0; i < Number(reps); i++) {
    const t0 = now();
    inv = store.inventory();
    ms.push(now() - t0);
    await gc();
  }
  emit({ bench: 'inventory', datasets: inv.length, files: inv.reduce((p, d) => p + d.files, 0), ms });
} else if (mode === 'load') {
  const [root, start, end, reps] = a;
  const store = new ParquetStore(root, quiet);
  const ds = datasetId(OHLC);
  const ms = [];
  let rows = 0;
  for (let i = 0; i < Number(reps); i++) {
    const t0 = now();
    rows = store.load(ds, BigInt(start), BigInt(end)).height;
    ms.push(now() - t0);
    await gc();
  }
  emit({ bench: 'load_week', rows, ms });
} else if (mode === 'import') {
  const [root, csv, type] = a;
  const ds = datasetId(type === 'ohlc' ? OHLC : TRADES);
  const store = new ParquetStore(root, quiet);
  const dtypes = type === 'ohlc' ? { TS: pl.Int64, trades: pl.Int64 } : { TS: pl.Int64, side: pl.Utf8, tid: pl.Utf8 };
  const t0 = now();
  const df = canonicalize(pl.readCSV(csv, { dtypes }), ds.type);
  const t1 = now();
  const r = store.save(ds, df);
  const t2 = now();
  emit({ bench: `import_${type}`, rows: r.rows, read_ms: t1 - t0, save_ms: t2 - t1, ms: [t2 - t0] });
} else {
  process.stderr.write('usage: seed_bench.mjs days|minutes|inventory|load|import ...\n');
  process.exit(2);
}
void fs;
