// tests/cli/io_peers.mjs DIR - the CSV and JSON lines written by
// `dccd export` (DIR/{ohlc,trades,book}.out.csv and .jsonl, made by
// io_peers.sh) loaded by nodejs-polars and DuckDB (single-threaded, from
// tests/interop), and compared value by value with the export's own text
// parsed here independently (TS as BigInt, doubles by Number(), which is
// correctly rounded, so equal text means equal doubles; unquoted empty =
// null, "" = empty string).  Exits 1 with the first difference.
import fs from 'node:fs';
import { pl, polarsToCanon, duckQueryToCanon, f64hex } from '../interop/peers.mjs';

const dir = process.argv[2];
const TYPES = {
  ohlc: [['TS', 'int64'], ['open', 'double'], ['high', 'double'], ['low', 'double'], ['close', 'double'],
    ['volume', 'double'], ['quote_volume', 'double'], ['trades', 'int64']],
  trades: [['TS', 'int64'], ['price', 'double'], ['amount', 'double'], ['side', 'string'], ['tid', 'string']],
  book: [['TS', 'int64'], ['side', 'string'], ['price', 'double'], ['amount', 'double'], ['count', 'int64'],
    ['is_snapshot', 'boolean']],
};

function splitCsvLine(line) {
  const out = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote: ${line}`);
        s += line.slice(i, q);
        if (line[q + 1] === '"') { s += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push({ v: s, quoted: true });
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push({ v: line.slice(i, end), quoted: false });
      i = end;
    }
    if (i >= line.length) break;
    i++; // the comma
  }
  return out;
}

function value(t, f) {
  if (!f.quoted && f.v === '') return null;
  switch (t) {
    case 'int64': return BigInt(f.v).toString();
    case 'double': return f64hex(Number(f.v));
    case 'boolean': return f.v === 'true';
    default: return f.v;
  }
}

function expectedFromCsv(path, cols) {
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.length);
  const header = lines[0].split(',');
  if (header.join(',') !== cols.map((c) => c[0]).join(',')) throw new Error(`${path}: header ${lines[0]}`);
  const data = {};
  for (const [n] of cols) data[n] = [];
  for (const line of lines.slice(1)) {
    const fields = splitCsvLine(line);
    if (fields.length !== cols.length) throw new Error(`${path}: bad line ${line}`);
    cols.forEach(([n, t], k) => data[n].push(value(t, fields[k])));
  }
  return { rows: lines.length - 1, data };
}

const PL_TYPE = { int64: pl.Int64, double: pl.Float64, string: pl.Utf8, boolean: pl.Bool };
const DUCK_TYPE = { int64: 'BIGINT', double: 'DOUBLE', string: 'VARCHAR', boolean: 'BOOLEAN' };

function castPolars(df, cols) {
  return df.select(...cols.map(([n, t]) => pl.col(n).cast(PL_TYPE[t])));
}

function compare(what, got, exp, cols) {
  if (got.rows !== exp.rows) throw new Error(`${what}: ${got.rows} rows, expected ${exp.rows}`);
  for (const [n] of cols) {
    const a = got.data[n], b = exp.data[n];
    if (!a) throw new Error(`${what}: no column ${n}`);
    for (let r = 0; r < exp.rows; r++) {
      if (a[r] !== b[r]) throw new Error(`${what}: column ${n} row ${r}: ${JSON.stringify(a[r])} != expected ${JSON.stringify(b[r])}`);
    }
  }
  console.log(`ok ${what} (${exp.rows} rows)`);
}

const sq = (s) => "'" + s.replace(/'/g, "''") + "'";

for (const [name, cols] of Object.entries(TYPES)) {
  const csv = `${dir}/${name}.out.csv`, jsonl = `${dir}/${name}.jsonl`;
  const exp = expectedFromCsv(csv, cols);
  const schema = Object.fromEntries(cols.map(([n, t]) => [n, PL_TYPE[t]]));
  compare(`polars csv ${name}`, polarsToCanon(pl.readCSV(csv, { dtypes: schema, missingIsNull: true })), exp, cols);
  compare(`polars jsonl ${name}`,
    polarsToCanon(castPolars(pl.scanJson(jsonl, { inferSchemaLength: null }).collectSync(), cols)), exp, cols);
  const dcols = '{' + cols.map(([n, t]) => `${sq(n)}: ${sq(DUCK_TYPE[t])}`).join(', ') + '}';
  compare(`duckdb csv ${name}`, await duckQueryToCanon(
    `SELECT * FROM read_csv(${sq(csv)}, header = true, delim = ',', quote = '"', escape = '"', ` +
    `allow_quoted_nulls = false, columns = ${dcols})`), exp, cols);
  compare(`duckdb jsonl ${name}`, await duckQueryToCanon(
    `SELECT * FROM read_json(${sq(jsonl)}, format = 'newline_delimited', columns = ${dcols})`), exp, cols);
}
console.log('PASS');
