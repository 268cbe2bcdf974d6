#!/usr/bin/env node
// bench/report.mjs RESULTS.jsonl [MORE.jsonl...] - turn the JSON lines
// written by dccd_bench, pq_peers.mjs and seed_bench.mjs (bench/run.sh)
// into the figures table: medians of the runs and ratios against the peers
// measured in the same run.  Given several result files (BENCH_RESULTS of
// several runs), the Parquet table pools the runs of each engine and
// operation (median over all of them; every run file measured all engines
// side by side); the other tables take the first file's figures.  A ratio "x N" is peer time / dccd time (> 1: dccd is
// faster); sizes are compared as dccd bytes / polars bytes (<= 1: goal met).

import fs from 'node:fs';

const lines = process.argv.slice(2).flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')).filter((l) => l.trim());
const R = lines.map((l) => {
  try {
    return JSON.parse(l);
  } catch {
    return { bench: 'unparsed', text: l };
  }
});
const median = (v) => {
  const s = [...v].sort((x, y) => x - y), n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const fmt = (v, d = 1) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
const ratio = (peer, ours) => (peer === undefined || ours === undefined || Number.isNaN(peer) || Number.isNaN(ours) ? '-' : `x${(peer / ours).toFixed(2)}`);
const pad = (rows) => {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ')).join('\n');
};
const out = [];
const mb = (b) => (b / 1048576).toFixed(2);
const find = (f) => R.filter(f);
const one = (f) => R.find(f);

out.push(`dccd benchmarks, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, medians (ms) of the runs`);

// ------------------------------------------------------------ Parquet
const pq = find((r) => r.bench === 'pq');
if (pq.length) {
  // threads: "default" (every engine at its default thread count: dccd the
  // online CPUs, polars POLARS_MAX_THREADS = CPUs, DuckDB unset) or "1";
  // lines without the field are single-threaded runs
  const th = (r) => r.threads ?? '1';
  const modes = ['default', '1'].filter((m) => pq.some((r) => th(r) === m));
  const combos = [...new Set(pq.map((r) => `${r.data} ${r.codec}`))];
  const get = (data, codec, engine, op, by, mode) => {
    const all = find((r) => r.bench === 'pq' && r.data === data && r.codec === codec && r.engine === engine && r.op === op && th(r) === mode && (op === 'encode' || r.file_by === by));
    return all.length ? { ...all[0], ms: all.flatMap((r) => r.ms) } : undefined;
  };
  const n = pq.find((r) => r.rows)?.rows;
  out.push('', `1. Parquet: ${n} rows, in-memory columns <-> file (ratios: peer time / dccd time, > 1 = dccd faster)`);
  for (const mode of modes) {
    const label = mode === 'default' ? 'every engine at its default threads' : 'every engine on one thread';
    const rows = [[`Parquet (${label})`, 'op', 'dccd', 'polars', 'duckdb', 'polars/dccd', 'duckdb/dccd', 'runs']];
    const sizes = [['file size (MiB)', 'dccd', 'polars', 'duckdb', 'dccd/polars', 'dccd/duckdb']];
    const cross = [['dccd decoding a file written by', 'dccd', 'polars', 'duckdb']];
    for (const combo of combos) {
      const [data, codec] = combo.split(' ');
      for (const op of ['encode', 'decode']) {
        const d = get(data, codec, 'dccd', op, 'dccd', mode), p = get(data, codec, 'polars', op, 'polars', mode), k = get(data, codec, 'duckdb', op, 'duckdb', mode);
        const md = d && median(d.ms), mp = p && median(p.ms), mk = k && median(k.ms);
        rows.push([`${data} ${codec}`, op, fmt(md), fmt(mp), fmt(mk), ratio(mp, md), ratio(mk, md), d ? d.ms.length : 0]);
      }
      const e = (engine) => get(data, codec, engine, 'encode', undefined, mode);
      const bd = e('dccd')?.bytes, bp = e('polars')?.bytes, bk = e('duckdb')?.bytes;
      sizes.push([`${data} ${codec}`, bd ? mb(bd) : '-', bp ? mb(bp) : '-', bk ? mb(bk) : '-',
        bd && bp ? (bd / bp).toFixed(3) : '-', bd && bk ? (bd / bk).toFixed(3) : '-']);
      const x = (by) => get(data, codec, 'dccd', 'decode', by, mode);
      cross.push([`${data} ${codec}`, fmt(x('dccd') && median(x('dccd').ms)), fmt(x('polars') && median(x('polars').ms)),
        fmt(x('duckdb') && median(x('duckdb').ms))]);
    }
    out.push('', pad(rows), '', pad(sizes), '', pad(cross));
  }
  if (modes.length === 2) {
    const sp = [['dccd: threads 1 / default', 'op', '1 thread', 'default', 'speed-up']];
    for (const combo of combos) {
      const [data, codec] = combo.split(' ');
      for (const op of ['encode', 'decode']) {
        const a1 = get(data, codec, 'dccd', op, 'dccd', '1'), ad = get(data, codec, 'dccd', op, 'dccd', 'default');
        const m1 = a1 && median(a1.ms), mdf = ad && median(ad.ms);
        sp.push([`${data} ${codec}`, op, fmt(m1), fmt(mdf), ratio(m1, mdf)]);
      }
    }
    out.push('', pad(sp));
  }
}

// ------------------------------------------------------------ store
const saveRow = (bench, label, seedBench = bench) => {
  const rows = [];
  for (const durable of [true, false]) {
    const d = find((r) => r.bench === bench && r.engine === 'dccd' && r.durable === durable);
    if (!d.length) continue;
    rows.push({
      who: `dccd (${durable ? 'durable: fsync, default' : 'durable=false, no fsync like the seed'})`,
      total: median(d.map((r) => r.total_ms)), first: median(d.map((r) => r.first_median_ms)),
      last: median(d.map((r) => r.last_median_ms)), ckpt: median(d.map((r) => r.final_checkpoint_ms)),
      max: median(d.map((r) => r.max_save_ms)), runs: d.length, ok: d.every((r) => r.loaded_rows === r.rows),
      slow: d[0].slow_saves === undefined ? '-' : `${median(d.map((r) => r.slow_saves))} / ${fmt(median(d.map((r) => r.slow_saves_ms)))}`,
    });
  }
  const s = find((r) => r.bench === seedBench && r.engine === 'seed');
  let seed = null;
  if (s.length) {
    seed = {
      who: s[0].extrapolated ? `seed port (${s[0].measured_saves}/${s[0].saves} saves measured, rest extrapolated)` : 'seed port',
      total: median(s.map((r) => r.total_ms)), first: median(s.map((r) => r.first_median_ms)),
      last: median(s.map((r) => r.last_median_ms)), max: median(s.map((r) => r.max_save_ms)), runs: s.length,
      measured: median(s.map((r) => r.measured_ms)), extrapolated: s[0].extrapolated,
      measuredSaves: s[0].measured_saves, lastMeasured: median(s.map((r) => r.last_measured_median_ms)),
    };
  }
  const t = [[label, 'total', 'vs seed', 'save p50 first 60', 'save p50 last 60', 'max save', 'slow saves n / ms', 'final ckpt', 'runs']];
  for (const r of rows) {
    t.push([r.who + (r.ok ? '' : ' ROWS MISSING'), fmt(r.total), seed ? ratio(seed.total, r.total) : '-', fmt(r.first, 2), fmt(r.last, 2), fmt(r.max), r.slow, fmt(r.ckpt), r.runs]);
  }
  if (seed) {
    t.push([seed.who, fmt(seed.total), '', fmt(seed.first, 2), fmt(seed.last, 2) + (seed.extrapolated ? '*' : ''), fmt(seed.max), '', '-', seed.runs]);
    if (seed.extrapolated) {
      t.push([`  seed port, measured part only (${seed.measuredSaves} saves)`, fmt(seed.measured), '', '', fmt(seed.lastMeasured, 2), '', '', '', '']);
    }
  }
  return pad(t) + '\n  slow saves: saves over 10x the median save (those that folded segments into the period file), count / total ms'
    + (seed?.extrapolated ? '\n  * fitted: cost of a seed save = a + b * rows already in the day file (least squares on the measured saves)' : '');
};

if (find((r) => r.bench?.startsWith('store_') || ['inventory', 'load_week', 'mem_save'].includes(r.bench)).length) {
  out.push('', '2. Store vs the seed port (bench/seedport), totals in ms; "vs seed" = seed time / dccd time');
  const a = one((r) => r.bench === 'store_days');
  if (a) out.push('', `(a) 365 daily saves of 1,440 one-minute bars into one year file (${a.rows} rows), checkpoints and a final checkpoint included`, saveRow('store_days', '(a)'));
  const ab = one((r) => r.bench === 'store_days_backfill');
  if (ab) out.push('', '(a-backfill) the same saves into a past year (2024): every save folds into the year file at once (store2: a period whose end is past is folded); vs the seed run of (a)',
    saveRow('store_days_backfill', '(a-backfill)', 'store_days'));
  const b = one((r) => r.bench === 'store_minutes');
  if (b) out.push('', `(b) one day of trades: ${b.rows} trades with string tids in ${b.saves} one-minute saves, checkpoints (default thresholds) and a final checkpoint included`, saveRow('store_minutes', '(b)'));
  const abr = find((r) => r.bench === 'store_ab');
  if (abr.length) {
    const t = [['(b-ab)', 'fsync', 'start of day (ms)', 'end of day (ms)', 'end / start', 'runs']];
    for (const durable of [true, false]) {
      const rs = abr.filter((r) => r.durable === durable);
      if (!rs.length) continue;
      const ms = median(rs.map((r) => r.start_median_ms)), me = median(rs.map((r) => r.end_median_ms));
      t.push(['median save', durable ? 'yes' : 'no', fmt(ms, 3), fmt(me, 3), fmt(median(rs.map((r) => r.end_over_start)), 3), rs.length]);
    }
    out.push('', `(b-ab) the last hour's 60 minute batches saved alternately into an empty day (start) and into a day file of ${abr[0].end_file_rows} rows (end): median of each run's median save, and of each run's ratio`, pad(t));
  }
  const ck = find((r) => r.bench === 'store_ckpt');
  if (ck.length) {
    const m1 = ck.find((r) => r.threads === '1'), md = ck.find((r) => r.threads === 'default');
    const t = [['(b-ckpt)', 'threads 1 (ms)', 'threads default (ms)', 'speed-up', 'runs']];
    if (m1 && md) t.push(['checkpoint', fmt(median(m1.ms)), fmt(median(md.ms)), ratio(median(m1.ms), median(md.ms)), md.ms.length]);
    out.push('', `(b-ckpt) a checkpoint of a whole trades day: ${ck[0].rows} trades in ${ck[0].segments} segments folded into the day file (no fsync), one thread vs the online CPUs, alternating`, pad(t));
  }
  const bs = one((r) => r.bench === 'store_minutes_sparse');
  if (bs) out.push('', `(b-sparse) a quiet day: ${bs.rows} trades in ${bs.saves} one-minute saves (fewer than checkpoint_rows: no save triggers a checkpoint)`, saveRow('store_minutes_sparse', '(b-sparse)'));
  const q = [['(c)', 'dccd', 'seed port', 'vs seed', 'runs', 'what']];
  for (const bench of ['inventory', 'load_week']) {
    const d = one((r) => r.bench === bench && r.engine === 'dccd'), s = one((r) => r.bench === bench && r.engine === 'seed');
    if (!d && !s) continue;
    if (d?.skipped) {
      q.push([bench, 'SKIPPED', s ? fmt(median(s.ms)) : '-', '-', '-', d.skipped]);
      continue;
    }
    const md = d && median(d.ms), ms = s && median(s.ms);
    const what = bench === 'inventory' ? `${d?.files ?? s?.files} files, ${d?.datasets ?? s?.datasets} datasets` : `${d?.rows ?? s?.rows} rows of ${'2,629,440'}`;
    q.push([bench, fmt(md, 2), fmt(ms, 2), ratio(ms, md), d ? d.ms.length : 0, what]);
  }
  if (q.length > 1) out.push('', '(c) read side', pad(q));
  const m = find((r) => r.bench === 'mem_save');
  if (m.length) {
    const t = [['(d) save of 1,440 trades into a day file of', 'checkpoint', 'peak RSS (MiB)', 'RSS before (MiB)', 'growth (MiB)', 'ms']];
    for (const r of m) {
      t.push([`${r.file_rows} rows`, r.sync_checkpoint ? 'folded at once' : 'segment (default)', fmt(r.hwm_after_kb / 1024), fmt(r.rss_before_kb / 1024), fmt((r.hwm_after_kb - r.rss_before_kb) / 1024), fmt(r.ms)]);
    }
    out.push('', '(d) peak memory (VmHWM of a fresh process) of one save', pad(t));
  }
}

// ------------------------------------------------------------ import
const imp = find((r) => r.bench?.startsWith('import'));
if (imp.length) {
  out.push('', '3. Import of a CSV file into the store');
  const sk = imp.find((r) => r.skipped);
  if (sk) out.push(`   SKIPPED: ${sk.skipped}`);
  else {
    // threads: "default" (dccd the online CPUs, polars POLARS_MAX_THREADS =
    // the CPUs) or "1"; results of runs before the tag: dccd at its default,
    // the seed at 1
    const th = (r) => r.threads ?? (r.engine === 'dccd' ? 'default' : '1');
    const t = [['import', 'threads', 'dccd import (process)', 'seed readCSV+save (in-process)', 'vs seed', 'runs']];
    for (const type of ['ohlc', 'ohlc17', 'trades']) {
      for (const mode of ['default', '1']) {
        const d = find((r) => r.bench === `import_${type}` && r.engine === 'dccd' && th(r) === mode);
        const s = find((r) => r.bench === `import_${type}` && r.engine === 'seed' && th(r) === mode);
        if (!d.length && !s.length) continue;
        const md = median(d.flatMap((r) => r.ms)), ms = median(s.flatMap((r) => r.ms));
        const rows = s[0]?.rows;
        t.push([`${type}${rows ? ` (${rows} rows)` : ''}`, mode, d.length ? fmt(md) : '-', s.length ? fmt(ms) : '-',
          d.length && s.length ? ratio(ms, md) : '-', `${d.length}/${s.length}`]);
      }
    }
    out.push(pad(t), '   dccd is timed as a whole process; the seed port only inside node (its start-up is not counted).',
      '   ohlc: doubles as %.15g (40123.45); ohlc17: as %.17g (40123.449999999997).');
  }
}

const bad = R.filter((r) => r.bench === 'unparsed');
if (bad.length) out.push('', 'unparsed output lines:', ...bad.map((r) => '  ' + r.text));
process.stdout.write(out.join('\n') + '\n');
