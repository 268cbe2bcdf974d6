// seed_store.mjs - a faithful port of the seed's Python ParquetStore
// (../../../shared/seed/000_f897c4e7fea64ee2.txt, see README.md there) onto
// nodejs-polars, used as the reference implementation in differential tests
// and as the "seed" contender in benchmarks.
//
// Same directory layout (ROOT/exchange/ohlc/BASE-QUOTE[_MARKET]/<span label>/YYYY.parquet,
// ROOT/exchange/{trades,orderbook}/BASE-QUOTE[_MARKET]/YYYY-MM-DD.parquet),
// same schemas and canonicalize(), same save (split by period, merge with
// the existing file, unique keep="last" on the natural key, sort by TS,
// snappy via temp file + rename), load(start,end), last_timestamp,
// missing_intervals, inventory, _is_year_complete.
//
// Where the port must differ (each also listed in README.md):
//  * Provenance is NOT written: nodejs-polars' writeParquet has no footer
//    key/value metadata option (the seed passes `metadata=` to Python
//    polars).  save() accepts it and reports provenanceWritten: false.
//  * Determinism: the seed calls unique() and sort() without
//    maintain_order, so rows that tie on TS (trades, book levels) come out in
//    an unspecified order.  The port uses maintainOrder everywhere: after a
//    merge, rows are ordered by TS, ties by the position of the kept (last)
//    occurrence in concat(existing, incoming).
//  * Rows whose TS is null have no period; the seed would write them to a
//    file named "None.parquet" (after filtering them all out).  The port
//    drops them (records always carry a ts).
//  * There is no per-file thread lock: node runs one save at a time.
//  * current_year for missing_intervals may be injected (nowYear) so tests
//    are reproducible; default is the real current UTC year.
// Single-threaded polars (POLARS_MAX_THREADS=1, set by pl.mjs).

import fs from 'node:fs';
import path from 'node:path';
import { pl } from '../../tests/interop/pl.mjs';

export const NS = 1000000000n;

export const OHLC_SCHEMA = [
  ['TS', 'Int64'], ['open', 'Float64'], ['high', 'Float64'], ['low', 'Float64'], ['close', 'Float64'],
  ['volume', 'Float64'], ['quote_volume', 'Float64'], ['trades', 'Int64'],
];
export const TRADES_SCHEMA = [['TS', 'Int64'], ['price', 'Float64'], ['amount', 'Float64'], ['side', 'Utf8'], ['tid', 'Utf8']];
export const BOOK_SCHEMA = [
  ['TS', 'Int64'], ['side', 'Utf8'], ['price', 'Float64'], ['amount', 'Float64'], ['count', 'Int64'], ['is_snapshot', 'Bool'],
];
export const SCHEMAS = { ohlc: OHLC_SCHEMA, trades: TRADES_SCHEMA, orderbook: BOOK_SCHEMA };

const LEGACY_RENAME = { quoteVolume: 'quote_volume' };
const LEGACY_DROP = ['weightedAverage'];

// ------------------------------------------------------------ domain facts

const SPAN_LABELS = [
  [60, '1m'], [180, '3m'], [300, '5m'], [900, '15m'], [1800, '30m'], [3600, '1h'], [7200, '2h'],
  [14400, '4h'], [21600, '6h'], [28800, '8h'], [43200, '12h'], [86400, '1d'], [259200, '3d'], [604800, '1w'],
];

export function spanLabel(seconds) {
  const hit = SPAN_LABELS.find(([s]) => s === seconds);
  return hit ? hit[1] : `${seconds}s`;
}

export function strToSpan(text) {
  const t = String(text).toLowerCase();
  const hit = SPAN_LABELS.find(([, l]) => l === t);
  if (hit) return hit[0];
  const words = {
    minute: 60, minutely: 60, min: 60, '1min': 60, '60s': 60,
    hour: 3600, hourly: 3600, h: 3600,
    day: 86400, daily: 86400, d: 86400, '24h': 86400,
    week: 604800, weekly: 604800, w: 604800, '7d': 604800,
    '15d': 1296000, month: 2592000, monthly: 2592000,
  };
  return Object.hasOwn(words, t) ? words[t] : null;
}

const MARKETS = ['spot', 'perp', 'quarter', 'next_quarter'];

// Symbol: "BTC/USDT", "btc-usdt", "BTC_USDT", optional ":perp" | ":quarter" | ":next_quarter".
export function parseSymbol(text) {
  let s = String(text), market = 'spot';
  const colon = s.indexOf(':');
  if (colon >= 0) {
    market = s.slice(colon + 1).toLowerCase();
    s = s.slice(0, colon);
    if (!MARKETS.includes(market)) throw new Error(`unknown market suffix in symbol ${text}`);
  }
  const m = /[/_-]/.exec(s);
  if (!m) throw new Error(`cannot parse symbol ${text}`);
  const alias = (x) => (x === 'XBT' ? 'BTC' : x);
  const base = alias(s.slice(0, m.index).toUpperCase()), quote = alias(s.slice(m.index + 1).toUpperCase());
  if (!base || !quote) throw new Error(`cannot parse symbol ${text}`);
  return { base, quote, market };
}

export function pairSlug(sym) {
  return `${sym.base}-${sym.quote}` + (sym.market === 'spot' ? '' : `_${sym.market.toUpperCase()}`);
}

// A DatasetId from the JSON form {"exchange","pair","type","span"}.
export function datasetId(j) {
  const type = j.type ?? j.data_type;
  if (!SCHEMAS[type]) throw new Error(`unknown data type ${type}`);
  let span = j.span ?? null;
  if (typeof span === 'string') {
    const s = strToSpan(span);
    if (s === null) throw new Error(`unknown span ${span}`);
    span = s;
  }
  return { exchange: String(j.exchange), symbol: parseSymbol(j.pair), type, span };
}

// ns (BigInt) -> UTC Date parts.
function nsYear(ns) {
  const ms = ns / 1000000n - (ns < 0n && ns % 1000000n !== 0n ? 1n : 0n);
  return new Date(Number(ms)).getUTCFullYear();
}
const yearStartNs = (y) => BigInt(Date.UTC(y, 0, 1)) * 1000000n;

// ------------------------------------------------------------ canonicalize

function dtypeOf(name) {
  return pl[name];
}

export function canonicalize(df, type) {
  const schema = SCHEMAS[type];
  if (df.height === 0 && df.width === 0) return df;
  const cols = df.columns;
  const rename = {};
  for (const [k, v] of Object.entries(LEGACY_RENAME)) if (cols.includes(k) && !cols.includes(v)) rename[k] = v;
  if (Object.keys(rename).length) df = df.rename(rename);
  const drop = LEGACY_DROP.filter((c) => df.columns.includes(c));
  if (drop.length) df = df.drop(drop);
  const missing = schema.filter(([n]) => !df.columns.includes(n)).map(([n, t]) => pl.lit(null).cast(dtypeOf(t)).alias(n));
  if (missing.length) df = df.withColumns(...missing);
  return df.select(...schema.map(([n]) => n));
}

// ------------------------------------------------------------ input frames

function f64(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v.startsWith('0x')) {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, BigInt(v));
      return dv.getFloat64(0);
    }
    return Number(v);
  }
  return v;
}

const i64 = (v) => (v === null || v === undefined ? null : BigInt(v).toString());

function seriesFor(name, t, vals) {
  switch (t) {
    case 'Int64': return pl.Series(name, vals.map(i64), pl.Utf8).cast(pl.Int64, true);
    case 'Float64': return pl.Series(name, vals.map(f64), pl.Float64);
    case 'Utf8': return pl.Series(name, vals.map((v) => (v === null || v === undefined ? null : String(v))), pl.Utf8);
    case 'Bool': return pl.Series(name, vals.map((v) => (v === null || v === undefined ? null : Boolean(v))), pl.Bool);
    default: throw new Error(`type ${t}`);
  }
}

// A frame with the dataset's schema from columns {name: [values]}: int64 as
// numbers or decimal strings, doubles as numbers or canonical hex bits
// ("0x..."), missing schema columns all null.
export function frameFromColumns(type, columns) {
  const schema = SCHEMAS[type];
  for (const k of Object.keys(columns)) {
    if (!schema.some(([n]) => n === k)) throw new Error(`column ${k} is not in the ${type} schema`);
  }
  const lens = new Set(Object.values(columns).map((a) => a.length));
  if (lens.size > 1) throw new Error('columns of different lengths');
  const n = lens.size ? [...lens][0] : 0;
  return pl.DataFrame(schema.map(([name, t]) => seriesFor(name, t, columns[name] ?? new Array(n).fill(null))));
}

// The seed's _to_dataframe: OHLCBar / Trade / OrderBookSnapshot records.
export function frameFromRecords(type, records) {
  const cols = Object.fromEntries(SCHEMAS[type].map(([n]) => [n, []]));
  const opt = (v) => (v === undefined ? null : v);
  for (const r of records) {
    if (type === 'ohlc') {
      cols.TS.push(r.ts); cols.open.push(r.open); cols.high.push(r.high); cols.low.push(r.low); cols.close.push(r.close);
      cols.volume.push(r.volume); cols.quote_volume.push(opt(r.quote_volume)); cols.trades.push(opt(r.trades));
    } else if (type === 'trades') {
      cols.TS.push(r.ts); cols.price.push(r.price); cols.amount.push(r.amount); cols.side.push(opt(r.side)); cols.tid.push(opt(r.tid));
    } else {
      for (const [side, levels] of [['bid', r.bids ?? []], ['ask', r.asks ?? []]]) {
        for (const lvl of levels) {
          const [price, amount, count] = Array.isArray(lvl) ? lvl : [lvl.price, lvl.amount, lvl.count];
          cols.TS.push(r.ts); cols.side.push(side); cols.price.push(price); cols.amount.push(amount);
          cols.count.push(opt(count)); cols.is_snapshot.push(r.is_snapshot ?? true);
        }
      }
    }
  }
  return frameFromColumns(type, cols);
}

// ------------------------------------------------------------ the store

function listParquet(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.parquet')).sort().map((n) => path.join(dir, n));
}

const colMin = (df) => df.select(pl.col('TS').min().cast(pl.Utf8)).getColumn('TS').toArray()[0];
const colMax = (df) => df.select(pl.col('TS').max().cast(pl.Utf8)).getColumn('TS').toArray()[0];

export class ParquetStore {
  constructor(root, { log = (m) => process.stderr.write(m + '\n'), nowYear = null } = {}) {
    this.root = root;
    this.log = log;
    this.nowYear = nowYear;
  }

  directory(ds) {
    const slug = pairSlug(ds.symbol);
    let d;
    if (ds.type === 'ohlc') {
      if (ds.span === null || ds.span === undefined) {
        throw new Error(`DatasetId ${ds.exchange}:${slug}:ohlc has data_type=OHLC but span is None. Set span when constructing the DatasetId.`);
      }
      d = path.join(this.root, ds.exchange, 'ohlc', slug, spanLabel(ds.span));
    } else {
      d = path.join(this.root, ds.exchange, ds.type, slug);
    }
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  periodFmt(ds) {
    return ds.type === 'ohlc' ? '%Y' : '%Y-%m-%d';
  }

  filePath(ds, period) {
    return path.join(this.directory(ds), `${period}.parquet`);
  }

  // df: a frame in the dataset's schema (frameFromColumns / frameFromRecords).
  save(ds, df, provenance = null) {
    if (df.height === 0) return { rows: 0, provenanceWritten: false };
    const withPeriod = df.withColumns(pl.col('TS').cast(pl.Datetime('ns')).dt.strftime(this.periodFmt(ds)).alias('_period'));
    const periods = [...new Set(withPeriod.getColumn('_period').toArray().filter((p) => p !== null))].sort();
    let total = 0;
    for (const period of periods) {
      const incoming = withPeriod.filter(pl.col('_period').eq(pl.lit(period))).drop('_period');
      total += incoming.height;
      const file = this.filePath(ds, period);
      const merged = this.merge(file, incoming, ds);
      this.writeParquet(file, merged, provenance);
    }
    return { rows: total, provenanceWritten: false };
  }

  load(ds, startNs = null, endNs = null) {
    const files = listParquet(this.directory(ds));
    if (!files.length) return pl.DataFrame();
    const pieces = [];
    for (const f of files) {
      try {
        let df = canonicalize(pl.readParquet(f), ds.type);
        if (startNs !== null) df = df.filter(pl.col('TS').gtEq(pl.lit(BigInt(startNs).toString()).cast(pl.Int64)));
        if (endNs !== null) df = df.filter(pl.col('TS').ltEq(pl.lit(BigInt(endNs).toString()).cast(pl.Int64)));
        if (df.height > 0) pieces.push(df);
      } catch {
        this.log(`Corrupted parquet file ${f} — skipping`);
      }
    }
    if (!pieces.length) return pl.DataFrame();
    return pl.concat(pieces).sort({ by: 'TS', maintainOrder: true });
  }

  lastTimestamp(ds) {
    const files = listParquet(this.directory(ds)).reverse();
    for (const f of files) {
      try {
        const df = pl.readParquet(f, { columns: ['TS'] });
        if (df.height > 0) {
          const m = colMax(df);
          if (m === null) continue; // int(None) raises in the seed: caught, next file
          return BigInt(m);
        }
      } catch {
        /* the seed passes */
      }
    }
    return null;
  }

  missingIntervals(ds, startNs, endNs) {
    startNs = BigInt(startNs);
    endNs = BigInt(endNs);
    if (ds.type !== 'ohlc' || ds.span === null || ds.span === undefined) {
      const last = this.lastTimestamp(ds);
      let effective = startNs;
      if (last !== null && last + 1n > startNs) effective = last + 1n;
      return effective < endNs ? [[effective, endNs]] : [];
    }
    const spanNs = BigInt(ds.span) * NS;
    const currentYear = this.nowYear ?? new Date().getUTCFullYear();
    const intervals = [];
    for (let year = nsYear(startNs); year <= nsYear(endNs); year++) {
      const ys = yearStartNs(year), ye = yearStartNs(year + 1);
      const ivlStart = startNs > ys ? startNs : ys;
      const ivlEnd = endNs < ye ? endNs : ye;
      if (ivlStart >= ivlEnd) continue;
      const file = this.filePath(ds, String(year));
      if (fs.existsSync(file)) {
        if (year < currentYear && this.isYearComplete(ds, year)) continue;
        let handled = false;
        try {
          const df = pl.readParquet(file, { columns: ['TS'] });
          if (df.height > 0) {
            const mn = colMin(df), mx = colMax(df);
            if (mn !== null && mx !== null) {
              const fileMin = BigInt(mn), fileMax = BigInt(mx);
              if (ivlStart < fileMin) intervals.push([ivlStart, fileMin]);
              const trailing = fileMax + spanNs;
              if (trailing < ivlEnd) intervals.push([trailing, ivlEnd]);
              handled = true;
            }
          }
        } catch {
          /* the seed passes */
        }
        if (handled) continue;
      }
      intervals.push([ivlStart, ivlEnd]);
    }
    return intervals;
  }

  inventory() {
    const result = [];
    const isDir = (p) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    };
    const subdirs = (d) => fs.readdirSync(d).sort().filter((n) => isDir(path.join(d, n)));
    for (const exchange of fs.readdirSync(this.root).sort()) {
      const exDir = path.join(this.root, exchange);
      if (!isDir(exDir) || exchange.startsWith('.')) continue;
      for (const dtype of fs.readdirSync(exDir).sort()) {
        const dtDir = path.join(exDir, dtype);
        if (!isDir(dtDir)) continue;
        if (!['ohlc', 'trades', 'orderbook'].includes(dtype)) continue;
        for (const pair of subdirs(dtDir)) {
          const pairDir = path.join(dtDir, pair);
          if (dtype === 'ohlc') {
            for (const spanName of subdirs(pairDir)) {
              const files = listParquet(path.join(pairDir, spanName));
              if (!files.length) continue;
              let span = strToSpan(spanName);
              if (span === null) {
                const stripped = spanName.replace(/s+$/, '');
                span = /^\s*[+-]?\d+\s*$/.test(stripped) ? parseInt(stripped, 10) : null;
              }
              const [minTs, maxTs, rows] = this.tsRange(files);
              result.push({ exchange, pair, data_type: dtype, span, files: files.length, rows, min_ts: minTs, max_ts: maxTs });
            }
          } else {
            const files = listParquet(pairDir);
            if (!files.length) continue;
            const [minTs, maxTs, rows] = this.tsRange(files);
            result.push({ exchange, pair, data_type: dtype, files: files.length, rows, min_ts: minTs, max_ts: maxTs });
          }
        }
      }
    }
    return result;
  }

  tsRange(files) {
    let minTs = null, maxTs = null, total = 0;
    for (const f of files) {
      try {
        const df = pl.readParquet(f, { columns: ['TS'] });
        const n = df.height;
        if (n === 0) continue;
        total += n; // the seed counts the rows before int(min) can raise
        const mn = colMin(df), mx = colMax(df);
        if (mn === null || mx === null) continue; // int(None) raises: caught, next file
        const fmin = BigInt(mn), fmax = BigInt(mx);
        if (minTs === null || fmin < minTs) minTs = fmin;
        if (maxTs === null || fmax > maxTs) maxTs = fmax;
      } catch {
        /* the seed passes */
      }
    }
    return [minTs, maxTs, total];
  }

  isYearComplete(ds, year) {
    if (ds.span === null || ds.span === undefined) return false;
    const file = this.filePath(ds, String(year));
    if (!fs.existsSync(file)) return false;
    try {
      const df = pl.readParquet(file, { columns: ['TS'] });
      const seconds = Number((yearStartNs(year + 1) - yearStartNs(year)) / NS);
      const expected = Math.floor(seconds / ds.span);
      return df.height >= expected;
    } catch {
      return false;
    }
  }

  dedupSubset(ds, df) {
    if (ds.type === 'ohlc') return ['TS'];
    if (ds.type === 'trades') {
      if (df.columns.includes('tid') && df.getColumn('tid').nullCount() === 0) return ['tid'];
      return ['TS', 'price', 'amount', 'side'];
    }
    return ['TS', 'side', 'price'];
  }

  merge(file, incoming, ds) {
    const uniq = (df) => df.unique({ subset: this.dedupSubset(ds, df), keep: 'last', maintainOrder: true }).sort({ by: 'TS', maintainOrder: true });
    if (!fs.existsSync(file)) return uniq(incoming);
    const existing = canonicalize(pl.readParquet(file), ds.type);
    return uniq(pl.concat([existing, incoming]));
  }

  writeParquet(file, df, provenance) {
    void provenance; // nodejs-polars cannot write footer key/value metadata
    const tmp = `${file}.tmp.${process.pid}.0`;
    try {
      df.writeParquet(tmp, { compression: 'snappy' });
      fs.renameSync(tmp, file);
    } finally {
      if (fs.existsSync(tmp)) fs.rmSync(tmp, { force: true });
    }
  }
}
