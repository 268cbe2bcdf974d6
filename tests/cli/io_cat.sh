#!/bin/sh
# tests/cli/io_cat.sh DCCD WORKDIR - `dccd cat` and `dccd inspect` on the
# Apache parquet-testing corpus (PARQUET_TEST_DATA; without it "SKIPPED"
# and exit 77): values the corpus documents (decimals stored as INT32,
# INT64, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY all read 1.00..24.00; Spark
# INT96 timestamps from int96_from_spark.md, including one beyond the
# int64-nanosecond range; alltypes_plain's timestamps), bloom filter
# presence in inspect, and every corpus file giving exit 0 or 1 (never a
# crash) for cat in both formats and inspect in both forms.
set -u
D=$1
W=$2
C=${PARQUET_TEST_DATA:-}
if [ -z "$C" ] || [ ! -d "$C/data" ]; then
    echo "SKIPPED: corpus absent"
    exit 77
fi
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}
seq_decimals() {
    i=1
    while [ $i -le 24 ]; do
        echo "$i.00"
        i=$((i + 1))
    done
}
(echo value; seq_decimals) > decimals.expected
for f in int32_decimal int64_decimal byte_array_decimal fixed_length_decimal; do
    "$D" cat "$C/data/$f.parquet" > $f.csv || fail "cat $f"
    cmp -s decimals.expected $f.csv || fail "$f: $(head -n 3 $f.csv | tr '\n' ' ')"
done
"$D" cat "$C/data/int96_from_spark.parquet" > int96.csv || fail "cat int96"
printf 'a\n2024-01-01T20:34:56.123456Z\n2024-01-01T01:00:00Z\n9999-12-31T03:00:00Z\n2024-12-30T23:00:00Z\n\n' > int96.expected
head -n 6 int96.csv | cmp -s int96.expected - || fail "int96: $(cat int96.csv | tr '\n' ' ')"
"$D" cat --format jsonl --columns timestamp_col,id --limit 2 "$C/data/alltypes_plain.parquet" > ts.jsonl || fail "cat ts"
printf '{"timestamp_col":"2009-03-01T00:00:00Z","id":4}\n{"timestamp_col":"2009-03-01T00:01:00Z","id":5}\n' |
    cmp -s - ts.jsonl || fail "alltypes_plain: $(cat ts.jsonl)"
"$D" inspect "$C/data/data_index_bloom_encoding_stats.parquet" | grep -q "bloom_filter=yes" || fail "no bloom filter seen"
"$D" inspect --json "$C/data/data_index_bloom_encoding_stats.parquet" | grep -q '"bloom_filter": true' ||
    fail "no bloom filter in --json"
n=0
for f in $(find "$C" -name '*.parquet' | sort); do
    n=$((n + 1))
    for args in "cat" "cat --format jsonl" "inspect" "inspect --json"; do
        "$D" $args "$f" > /dev/null 2> err.txt
        rc=$?
        [ $rc -le 1 ] || fail "$args $f: exit $rc: $(head -n 3 err.txt)"
        if [ $rc -eq 1 ]; then
            [ -s err.txt ] || fail "$args $f failed without a message"
        fi
    done
done
[ $n -gt 20 ] || fail "only $n corpus files"
echo "PASS ($n corpus files)"
