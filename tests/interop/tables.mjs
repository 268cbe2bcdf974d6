// tables.mjs - deterministic canonical tables for the interop tests: the
// three schemas dccd stores (OHLC bars, trades) plus a "mixed" schema that
// exercises the remaining types, in a "plain" flavour (realistic market
// data) and a "hostile" flavour (NaN, -0, +-inf, int64 extremes, empty and
// non-ASCII strings, nulls), all from a seeded PRNG.

import { f64hex, f32hex, rng } from './canon.mjs';

export const SCHEMAS = {
  ohlc: [
    ['TS', 'int64'], ['open', 'double'], ['high', 'double'], ['low', 'double'], ['close', 'double'],
    ['volume', 'double'], ['quote_volume', 'double'], ['trades', 'int64'],
  ],
  trades: [['TS', 'int64'], ['price', 'double'], ['amount', 'double'], ['side', 'string'], ['tid', 'string']],
  mixed: [
    ['id', 'int32'], ['ratio', 'float'], ['flag', 'boolean'], ['label', 'string'],
    ['big', 'int64'], ['x', 'double'], ['at', 'timestamp_ns'],
  ],
};

const BASE_TS = 1704067200n * 1000000000n; // 2024-01-01T00:00:00Z in ns
const UNICODE = ['é', 'ß', '€', '日本語', '😀', 'Ω≈ç√', 'naïve', 'Ünïcödé', '\u0000nul', 'tab\there', '"quoted"', '\\'];
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n;
const SPECIAL_F64 = [NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, Number.MAX_VALUE, 2.2250738585072014e-308];
const SPECIAL_F32 = [NaN, -0, 0, Infinity, -Infinity, 1.401298464324817e-45, 3.4028234663852886e38, -3.4028234663852886e38];

function empty(schema) {
  return { columns: schema.map(([name, type]) => ({ name, type })), rows: 0, data: Object.fromEntries(schema.map(([n]) => [n, []])) };
}

// Plain market-like data.  nullRate > 0 puts nulls in every column (and
// makes the last column entirely null).
export function makeTable(kind, n, seed, { nullRate = 0, hostile = false } = {}) {
  const schema = SCHEMAS[kind];
  const t = empty(schema);
  t.rows = n;
  const R = rng(seed);
  const d = t.data;
  let price = 40000 + R.next() * 1000;
  let ts = BASE_TS + BigInt(R.int(0, 1000)) * 60000000000n;
  for (let i = 0; i < n; i++) {
    if (kind === 'ohlc') {
      ts += 60000000000n;
      const o = price, c = price * (1 + (R.next() - 0.5) * 0.01);
      const h = Math.max(o, c) * (1 + R.next() * 0.002), l = Math.min(o, c) * (1 - R.next() * 0.002);
      const v = R.next() * 50;
      price = c;
      d.TS.push(ts.toString());
      d.open.push(f64hex(o)); d.high.push(f64hex(h)); d.low.push(f64hex(l)); d.close.push(f64hex(c));
      d.volume.push(f64hex(v)); d.quote_volume.push(f64hex(v * c)); d.trades.push(String(R.int(0, 5000)));
    } else if (kind === 'trades') {
      if (R.chance(0.7)) ts += BigInt(R.int(1, 5000)) * 1000000n; // many trades share a TS
      price *= 1 + (R.next() - 0.5) * 0.0005;
      d.TS.push(ts.toString());
      d.price.push(f64hex(Math.round(price * 100) / 100));
      d.amount.push(f64hex(Math.round(R.next() * 2e6) / 1e6));
      d.side.push(R.chance(0.5) ? 'buy' : 'sell');
      d.tid.push(String(100000000 + i * 3 + R.int(0, 2)));
    } else {
      d.id.push(i - Math.floor(n / 2));
      d.ratio.push(f32hex(Math.fround(R.next() * 2 - 1)));
      d.flag.push(R.chance(0.5));
      d.label.push(R.pick(['btc', 'eth', 'sol']) + '-' + R.pick(UNICODE) + '-' + R.int(0, 99));
      d.big.push(((R.u64() >> 1n) * (R.chance(0.5) ? -1n : 1n)).toString());
      d.x.push(f64hex((R.next() - 0.5) * 1e6));
      d.at.push((BASE_TS + BigInt(i) * 1000000007n).toString());
    }
    if (hostile) hostilise(t, i, R);
  }
  if (nullRate > 0) {
    schema.forEach(([name], ci) => {
      const col = d[name];
      for (let i = 0; i < n; i++) {
        if (ci === schema.length - 1 || R.chance(nullRate)) col[i] = null;
      }
    });
  }
  return t;
}

// Replace some values of row i with edge cases of their type.
function hostilise(t, i, R) {
  for (const c of t.columns) {
    if (!R.chance(0.25)) continue;
    const col = t.data[c.name];
    switch (c.type) {
      case 'timestamp_ns': // DuckDB reserves the int64 extremes as +-infinity
        col[i] = R.pick([0n, -1n, 1n, 2n ** 62n, -(2n ** 62n), 4102444800000000000n]).toString();
        break;
      case 'int64':
        col[i] = R.pick([I64_MIN, I64_MAX, 0n, -1n, 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, I64_MIN + 1n]).toString();
        break;
      case 'int32': col[i] = R.pick([-2147483648, 2147483647, 0, -1]); break;
      case 'double': col[i] = f64hex(R.pick(SPECIAL_F64)); break;
      case 'float': col[i] = f32hex(R.pick(SPECIAL_F32)); break;
      case 'string': col[i] = R.pick(['', ...UNICODE, 'x'.repeat(R.int(100, 300))]); break;
      case 'boolean': break;
      default: break;
    }
    if (R.chance(0.3)) col[i] = null;
  }
}
