#!/usr/bin/env node
// selftest.mjs - checks the seed port (seed_cli.mjs / seed_store.mjs) against
// the seed's documented semantics on small scripted sequences, with
// expectations written by hand from the seed's source (not computed by the
// port).  Prints "N passed, M failed"; exit 1 on failure.  Run by CTest as
// `seedport_selftest` (skipped, exit 77, without the npm peers).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'seed_cli.mjs');
let passed = 0, failed = 0;

function runScript(root, ops, extra = []) {
  const r = spawnSync(process.execPath, [cli, root, '--now-year', '2026', ...extra], {
    input: ops.map((o) => JSON.stringify(o)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`seed_cli exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

function expectEq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g === w) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${name}\n  got  ${g}\n  want ${w}`);
  }
}

const hex = (x) => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return '0x' + dv.getBigUint64(0).toString(16).padStart(16, '0');
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'seedport-'));
const M = 60000000000n; // one minute in ns
const T0 = 1704067200000000000n; // 2024-01-01T00:00:00Z
const ts = (k) => (T0 + BigInt(k) * M).toString();

// 1. OHLC: overlapping batches keep the last value per TS; period files by year.
{
  const root = tmp();
  const ds = { exchange: 'binance', pair: 'btc-usdt', type: 'ohlc', span: 60 };
  const bar = (k, v) => ({ ts: ts(k), open: v, high: v, low: v, close: v, volume: v });
  const r = runScript(root, [
    { op: 'save', ds, records: [bar(0, 1), bar(1, 2), bar(2, 3)] },
    { op: 'save', ds, records: [bar(2, 30), bar(1, 20), bar(3, 4), bar(1, 21)] },
    { op: 'load', ds },
    { op: 'files', ds },
    { op: 'last', ds },
    { op: 'load', ds, start: ts(1), end: ts(2) },
    { op: 'save', ds, records: [{ ...bar(0, 5), ts: '1735689600000000000' }] }, // 2025-01-01
    { op: 'files', ds },
    { op: 'missing', ds, start: ts(-10), end: ts(10) },
    { op: 'missing', ds: { ...ds, pair: 'ETH/USDT' }, start: ts(0), end: ts(10) },
  ]);
  expectEq('ohlc save counts incoming rows', [r[0].rows, r[1].rows], [3, 4]);
  expectEq('ohlc merge keeps last per TS, sorted', r[2].table.data.TS, [ts(0), ts(1), ts(2), ts(3)]);
  expectEq('ohlc merged values', r[2].table.data.close, [1, 21, 30, 4].map(hex));
  expectEq('ohlc missing optional columns are null', r[2].table.data.trades, [null, null, null, null]);
  expectEq('ohlc schema', r[2].table.columns.map((c) => `${c.name}:${c.type}`),
    ['TS:int64', 'open:double', 'high:double', 'low:double', 'close:double', 'volume:double', 'quote_volume:double', 'trades:int64']);
  expectEq('ohlc layout', r[3], { ok: true, dir: 'binance/ohlc/BTC-USDT/1m', files: ['2024.parquet'] });
  expectEq('ohlc last', r[4].ts, ts(3));
  expectEq('ohlc load range inclusive', r[5].table.data.TS, [ts(1), ts(2)]);
  expectEq('ohlc year split', r[7].files, ['2024.parquet', '2025.parquet']);
  // 2024 file: min ts(0), max ts(3): leading gap [start, ts(0)), trailing [ts(3)+span, end)
  expectEq('ohlc missing leading/trailing', r[8].intervals, [[ts(-10), ts(0)], [ts(4), ts(10)]]);
  expectEq('ohlc missing without file', r[9].intervals, [[ts(0), ts(10)]]);
}

// 2. Trades: null tids dedup on (TS, price, amount, side); full tids dedup on tid.
{
  const root = tmp();
  const ds = { exchange: 'kraken', pair: 'XBT/EUR', type: 'trades' };
  const r = runScript(root, [
    { op: 'save', ds, records: [
      { ts: ts(0), price: 10, amount: 1, side: 'buy' },
      { ts: ts(0), price: 10, amount: 1, side: 'buy' },
      { ts: ts(0), price: 10, amount: 1, side: 'sell' },
      { ts: ts(0), price: 10, amount: 2, side: 'buy' },
    ] },
    { op: 'load', ds },
    { op: 'files', ds },
  ]);
  expectEq('trades null tid dedup', r[1].table.rows, 3);
  expectEq('trades layout', r[2], { ok: true, dir: 'kraken/trades/BTC-EUR', files: ['2024-01-01.parquet'] });
  const root2 = tmp();
  const r2 = runScript(root2, [
    { op: 'save', ds, records: [
      { ts: ts(0), price: 10, amount: 1, side: 'buy', tid: 't1' },
      { ts: ts(0), price: 10, amount: 1, side: 'buy', tid: 't2' },
      { ts: ts(1), price: 11, amount: 1, side: 'buy', tid: 't1' },
    ] },
    { op: 'load', ds },
    { op: 'save', ds, records: [{ ts: ts(1440), price: 12, amount: 1, side: 'sell', tid: 't9' }] },
    { op: 'files', ds },
    { op: 'inventory' },
    { op: 'missing', ds, start: ts(0), end: ts(2000) },
  ]);
  expectEq('trades tid dedup keeps last', [r2[1].table.data.TS, r2[1].table.data.tid, r2[1].table.data.price],
    [[ts(0), ts(1)], ['t2', 't1'], [10, 11].map(hex)]);
  expectEq('trades daily files', r2[3].files, ['2024-01-01.parquet', '2024-01-02.parquet']);
  expectEq('inventory', r2[4].datasets, [{ exchange: 'kraken', pair: 'BTC-EUR', data_type: 'trades', files: 2, rows: 3, min_ts: ts(0), max_ts: ts(1440) }]);
  expectEq('trades missing after last', r2[5].intervals, [[(BigInt(ts(1440)) + 1n).toString(), ts(2000)]]);
}

// 3. Order book: dedup on (TS, side, price); perp slug; exact int64/float edge values.
{
  const root = tmp();
  const ds = { exchange: 'bybit', pair: 'ETH_USDT:perp', type: 'orderbook' };
  const r = runScript(root, [
    { op: 'save', ds, records: [
      { ts: ts(0), bids: [[100, 1, 3], [99, 2]], asks: [[101, 1]] },
      { ts: ts(0), bids: [[100, 7, 1]], asks: [], is_snapshot: false },
    ] },
    { op: 'load', ds },
    { op: 'files', ds },
  ]);
  expectEq('book rows written', r[0].rows, 4);
  expectEq('book dedup', [r[1].table.data.side, r[1].table.data.price, r[1].table.data.count, r[1].table.data.is_snapshot],
    [['bid', 'ask', 'bid'], [99, 101, 100].map(hex), [null, null, '1'], [true, true, false]]);
  expectEq('book layout', r[2].dir, 'bybit/orderbook/ETH-USDT_PERP');
  const ohlc = { exchange: 'x', pair: 'A/B', type: 'ohlc', span: 2592000 };
  const r2 = runScript(root, [
    { op: 'save', ds: ohlc, columns: { TS: [ts(0)], open: ['0x7ff0000000000000'], high: ['0x8000000000000000'], low: [null], close: [1], volume: [0], trades: ['9223372036854775807'] } },
    { op: 'load', ds: ohlc },
    { op: 'files', ds: ohlc },
  ]);
  expectEq('exact values', [r2[1].table.data.open, r2[1].table.data.high, r2[1].table.data.trades], [['0x7ff0000000000000'], ['0x8000000000000000'], ['9223372036854775807']]);
  expectEq('span label fallback', r2[2].dir, 'x/ohlc/A-B/2592000s');
}

// 4. A complete past year is not reported missing; errors do not stop the script.
{
  const root = tmp();
  const ds = { exchange: 'e', pair: 'A/B', type: 'ohlc', span: 604800 };
  const y2023 = 1672531200000000000n;
  const W = 604800n * 1000000000n;
  const TS = Array.from({ length: 52 }, (_, i) => (y2023 + BigInt(i) * W).toString());
  const r = runScript(root, [
    { op: 'save', ds, columns: { TS, open: TS.map(() => 1), high: TS.map(() => 1), low: TS.map(() => 1), close: TS.map(() => 1), volume: TS.map(() => 1) } },
    { op: 'year_complete', ds, year: 2023 },
    { op: 'missing', ds, start: y2023.toString(), end: '1704067200000000000' },
    { op: 'nope' },
    { op: 'last', ds },
  ]);
  expectEq('year complete (52 weeks >= 365 days // 1 week)', r[1].complete, true);
  expectEq('complete year not missing', r[2].intervals, []);
  expectEq('bad op reported', r[3].ok, false);
  expectEq('script continues', r[4].ts, TS[51]);
}

console.log(`seedport: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
