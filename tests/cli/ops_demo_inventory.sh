#!/usr/bin/env bash
# tests/cli/ops_demo_inventory.sh - `dccd inventory --json` on the store
# written by `dccd demo` (fixture cli_ops_demo_store), parsed with node.
. "$(dirname "$0")/ops_lib.sh"

S=${DCCD_OPS_DEMO:?}
[ -d "$S/demo" ] || fail "the demo store is missing (fixture cli_ops_demo)"
run 0 inventory --root "$S" --json
json_check '
eq(j.length, 5, "five datasets");
const by = {};
for (const e of j) by[e.pair + " " + e.data_type] = e;
for (const p of ["BTC-USDT", "ETH-USDT", "SOL-USDT"]) {
  const e = by[p + " ohlc"];
  ok(e, p + " ohlc present");
  eq(e.exchange, "demo", "exchange"); eq(e.span, 60, "span"); eq(e.span_label, "1m", "label");
  eq(e.files, 1, "one year file"); eq(e.rows, p === "BTC-USDT" ? 525420 : 525600, p + " rows");
  eq(e.min_ts, "1735689600000000000", "first bar"); eq(e.max_ts, "1767225540000000000", "last bar");
  eq(e.pending_segments, 0, "nothing pending"); ok(e.bytes > 1000000, "size");
}
const b = by["BTC-USDT orderbook"];
eq(b.files, 3, "three book days"); eq(b.rows, 171600, "book rows"); eq("span" in b, false, "no span key");
eq(b.first, "2025-12-29T00:00:00Z", "book first"); eq(b.last, "2025-12-31T23:59:00Z", "book last");
const t = by["BTC-USDT trades"];
eq(t.files, 3, "three trade days"); ok(t.rows > 50000 && t.rows < 70000, "about 20,000 trades a day");
ok(t.min_ts > "1735430400000000000" && t.max_ts < "1767225600000000000", "trades within the three days");'
echo "ok: ops_demo_inventory"
