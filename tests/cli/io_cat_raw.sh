#!/bin/sh
# tests/cli/io_cat_raw.sh DCCD WORKDIR - `dccd cat --raw`, exact output:
#   - tests/data/cat_raw/types.json (every type pqtool writes: boolean,
#     int32, date, int64, timestamp ms/us/ns, float, double, string,
#     binary; extremes, -0.0, 5e-324, DBL_MAX, 0.1, NaN, +-inf, the float
#     subnormal, empty values, nulls) written with pqtool ($DCCD_PQTOOL),
#     then `cat --raw` in jsonl and csv compared byte for byte with
#     types.raw.jsonl / types.raw.csv; python3 (when present) parses the
#     jsonl and checks every float and double reads back to the stored bits;
#   - from the parquet-testing corpus (PARQUET_TEST_DATA): decimals stored
#     as INT32, INT64, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY print their unscaled
#     integers, INT96 and un-annotated FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY
#     print base64, FLOAT16 prints its value.
# Without pqtool and without the corpus: "SKIPPED", exit 77.
set -u
D=$1
W=$2
SRC=${DCCD_SOURCE_DIR:-$(dirname "$0")/../..}
P=${DCCD_PQTOOL:-}
C=${PARQUET_TEST_DATA:-}
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}
ran=0
if [ -n "$P" ] && [ -x "$P" ]; then
    ran=1
    T=$SRC/tests/data/cat_raw
    "$P" write "$T/types.json" types.parquet || fail "pqtool write"
    "$D" cat --format jsonl --raw types.parquet > out.jsonl || fail "cat --raw jsonl"
    cmp -s "$T/types.raw.jsonl" out.jsonl || { diff "$T/types.raw.jsonl" out.jsonl; fail "jsonl --raw differs"; }
    "$D" cat --raw types.parquet > out.csv || fail "cat --raw csv"
    cmp -s "$T/types.raw.csv" out.csv || { diff "$T/types.raw.csv" out.csv; fail "csv --raw differs"; }
    # the readable default is unchanged by the option's existence
    "$D" cat --format jsonl --columns tns,x --limit 1 types.parquet > def.jsonl || fail "cat default"
    printf '{"tns":"2024-01-01T00:00:00.123456789Z","x":-0}\n' | cmp -s - def.jsonl || fail "default: $(cat def.jsonl)"
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$T/types.json" out.jsonl <<'PY' || fail "python3: floats do not read back exactly"
import json, math, struct, sys
spec = json.load(open(sys.argv[1]))
rows = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert len(rows) == spec["rows"], (len(rows), spec["rows"])
special = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
for col, fmt, size in (("x", "<d", 8), ("f", "<f", 4)):
    for want_hex, got in zip(spec["data"][col], (r[col] for r in rows)):
        if want_hex is None:
            assert got is None
            continue
        want_bits = int(want_hex, 16)
        if isinstance(got, str):
            got = special[got]
        assert isinstance(got, float), (col, got)  # never a bare integer
        if math.isnan(got):
            want = struct.unpack(fmt, want_bits.to_bytes(size, "little"))[0]
            assert math.isnan(want), (col, want_hex)
            continue
        # the double read back is exactly the stored value: for a float,
        # widening the float bits gives the same double
        want = struct.unpack(fmt, want_bits.to_bytes(size, "little"))[0]
        assert struct.pack("<d", got) == struct.pack("<d", want), (col, want_hex, got)
        assert int.from_bytes(struct.pack(fmt, got), "little") == want_bits, (col, want_hex, got)
for r, l in zip(rows, spec["data"]["l"]):
    assert (r["l"] is None and l is None) or r["l"] == int(l), (r["l"], l)
print("python3: %d rows, floats and doubles read back bit for bit" % len(rows))
PY
    else
        echo "note: python3 absent, read-back check skipped"
    fi
else
    echo "note: DCCD_PQTOOL not set: the all-types file is not checked"
fi
if [ -n "$C" ] && [ -d "$C/data" ]; then
    ran=1
    printf 'value\n100\n200\n2400\n' > dec.expected
    for f in int32_decimal int64_decimal byte_array_decimal fixed_length_decimal; do
        "$D" cat --raw "$C/data/$f.parquet" > $f.csv || fail "cat --raw $f"
        { head -n 3 $f.csv; tail -n 1 $f.csv; } | cmp -s dec.expected - || fail "$f: $(head -n 3 $f.csv | tr '\n' ' ')"
    done
    # INT96: the 12 stored bytes (nanoseconds of the day, little-endian
    # int64, then the Julian day, little-endian int32): 2024-01-01T20:34:56.123456
    # and 9999-12-31T03:00:00 of int96_from_spark.md
    "$D" cat --raw --format jsonl --limit 3 "$C/data/int96_from_spark.parquet" > i96.jsonl || fail "cat int96"
    printf '{"a":"ACoe2WNDAACXiiUA"}\n{"a":"AKC4MEYDAACXiiUA"}\n{"a":"AOApktIJAAAs/lEA"}\n' |
        cmp -s - i96.jsonl || fail "int96: $(cat i96.jsonl)"
    "$D" cat --raw --format jsonl --limit 2 "$C/data/fixed_length_byte_array.parquet" > flba.jsonl || fail "cat flba"
    printf '{"flba_field":"AAAD6A=="}\n{"flba_field":null}\n' | cmp -s - flba.jsonl || fail "flba: $(cat flba.jsonl)"
    "$D" cat --raw --format jsonl --limit 4 "$C/data/float16_nonzeros_and_nans.parquet" > f16.jsonl || fail "cat float16"
    printf '{"x":null}\n{"x":1.0}\n{"x":-2.0}\n{"x":"NaN"}\n' | cmp -s - f16.jsonl || fail "float16: $(cat f16.jsonl)"
    # un-annotated BYTE_ARRAY (Spark's strings) is binary: base64
    "$D" cat --raw --format jsonl --columns id,string_col,timestamp_col --limit 1 "$C/data/alltypes_plain.parquet" > ap.jsonl ||
        fail "cat alltypes_plain"
    printf '{"id":4,"string_col":"MA==","timestamp_col":"AAAAAAAAAABsdSUA"}\n' | cmp -s - ap.jsonl || fail "alltypes_plain: $(cat ap.jsonl)"
else
    echo "note: corpus absent: decimal, INT96, fixed-length and float16 checks skipped"
fi
[ $ran -eq 1 ] || { echo "SKIPPED: neither pqtool nor the corpus"; exit 77; }
echo PASS
