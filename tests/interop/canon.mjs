// canon.mjs - the canonical JSON form of a table (see README.md, "Canonical
// JSON"), shared by every interop script.  Pure JavaScript, no peer loaded.
//
// A canonical table is
//   { "columns": [{ "name": "TS", "type": "int64" }, ...],
//     "rows": N,
//     "data": { "TS": ["1", null, ...], ... } }
// with one value array per column (in column order), each of length N.
// Value encodings per type:
//   boolean                     true / false
//   int8 int16 int32            JSON numbers
//   uint8 uint16 uint32 date    JSON numbers (date: days since 1970-01-01)
//   int64 uint64                decimal strings ("-9223372036854775808")
//   timestamp_ms/us/ns          decimal strings (units since the epoch)
//   float                       "0x" + 8 lowercase hex digits: IEEE-754 binary32 bits
//   double                      "0x" + 16 lowercase hex digits: IEEE-754 binary64 bits
//                               every NaN is written as the quiet NaN
//                               0x7fc00000 / 0x7ff8000000000000
//   string                      JSON string (UTF-8)
//   binary                      lowercase hex of the bytes, no prefix ("" for empty)
//   null (any type)             null
// The serialisation (stringify) is deterministic: keys in the order above,
// columns in schema order, no whitespace.

export const CANON_TYPES = [
  'boolean', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
  'float', 'double', 'string', 'binary', 'date', 'timestamp_ms', 'timestamp_us', 'timestamp_ns',
];

const f64buf = new DataView(new ArrayBuffer(8));

export function f64hex(x) {
  if (x === null || x === undefined) return null;
  x = Number(x);
  if (Number.isNaN(x)) return '0x7ff8000000000000';
  f64buf.setFloat64(0, x);
  return '0x' + f64buf.getBigUint64(0).toString(16).padStart(16, '0');
}

export function f32hex(x) {
  if (x === null || x === undefined) return null;
  x = Number(x);
  if (Number.isNaN(x)) return '0x7fc00000';
  f64buf.setFloat32(0, x);
  return '0x' + f64buf.getUint32(0).toString(16).padStart(8, '0');
}

export function hexToF64(h) {
  if (h === null) return null;
  f64buf.setBigUint64(0, BigInt(h));
  return f64buf.getFloat64(0);
}

export function hexToF32(h) {
  if (h === null) return null;
  f64buf.setUint32(0, Number(BigInt(h)));
  return f64buf.getFloat32(0);
}

export function bytesToHex(b) {
  if (b === null || b === undefined) return null;
  return Buffer.from(b.buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b).toString('hex');
}

export function hexToBytes(h) {
  return h === null ? null : Uint8Array.from(Buffer.from(h, 'hex'));
}

export const isInt64Type = (t) => t === 'int64' || t === 'uint64' || t.startsWith('timestamp_');
export const isSmallIntType = (t) => ['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'date'].includes(t);

// Canonical value of a JS value produced by a reader for a column of type t.
export function canonValue(t, v) {
  if (v === null || v === undefined) return null;
  switch (t) {
    case 'boolean': return Boolean(v);
    case 'double': return f64hex(v);
    case 'float': return f32hex(v);
    case 'string': return String(v);
    case 'binary': return bytesToHex(v);
    default:
      if (isInt64Type(t)) return BigInt(v).toString();
      if (isSmallIntType(t)) return Number(v);
      throw new Error(`canonValue: unknown type ${t}`);
  }
}

export function stringify(table) {
  const cols = table.columns.map((c) => JSON.stringify({ name: c.name, type: c.type }));
  const data = table.columns.map((c) => JSON.stringify(c.name) + ':' + JSON.stringify(table.data[c.name]));
  return `{"columns":[${cols.join(',')}],"rows":${table.rows},"data":{${data.join(',')}}}`;
}

// Validate a canonical table; throws with a message naming the problem.
export function validate(table) {
  if (!table || !Array.isArray(table.columns) || typeof table.data !== 'object') throw new Error('not a canonical table');
  const seen = new Set();
  for (const c of table.columns) {
    if (!CANON_TYPES.includes(c.type)) throw new Error(`column ${c.name}: unknown type ${c.type}`);
    if (seen.has(c.name)) throw new Error(`duplicate column ${c.name}`);
    seen.add(c.name);
    const v = table.data[c.name];
    if (!Array.isArray(v) || v.length !== table.rows) throw new Error(`column ${c.name}: expected ${table.rows} values`);
  }
  return table;
}

// Compare two canonical tables.  Returns null when equal, else a short
// description of the first differences (column, row, both values).
export function diff(a, b, { types = true } = {}) {
  const out = [];
  if (a.rows !== b.rows) out.push(`rows ${a.rows} != ${b.rows}`);
  const an = a.columns.map((c) => c.name).join(','), bn = b.columns.map((c) => c.name).join(',');
  if (an !== bn) out.push(`columns [${an}] != [${bn}]`);
  if (types) {
    for (let i = 0; i < Math.min(a.columns.length, b.columns.length); i++) {
      if (a.columns[i].type !== b.columns[i].type) out.push(`column ${a.columns[i].name}: type ${a.columns[i].type} != ${b.columns[i].type}`);
    }
  }
  for (const c of a.columns) {
    const x = a.data[c.name], y = b.data[c.name];
    if (!y) continue;
    let shown = 0;
    for (let r = 0; r < Math.max(x.length, y.length) && shown < 3; r++) {
      if (x[r] !== y[r]) {
        out.push(`column ${c.name} row ${r}: ${JSON.stringify(x[r])} != ${JSON.stringify(y[r])}`);
        shown++;
      }
    }
  }
  return out.length ? out.slice(0, 12).join('; ') : null;
}

// Deterministic PRNG (mulberry32) so every generated table is reproducible.
export function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    u64: () => (BigInt(Math.floor(next() * 4294967296)) << 32n) | BigInt(Math.floor(next() * 4294967296)),
  };
}
