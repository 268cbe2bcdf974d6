#!/usr/bin/env bash
# tests/cli/ops_demo_verify.sh - `dccd verify` (and a dry-run migrate) on
# the store written by `dccd demo` (fixture cli_ops_demo_store): clean.
. "$(dirname "$0")/ops_lib.sh"

S=${DCCD_OPS_DEMO:?}
[ -d "$S/demo" ] || fail "the demo store is missing (fixture cli_ops_demo)"
run 0 verify --root "$S"
grep -Eq "^store $S: 9 files, 0 pending segments, 1808421 rows checked: no problems\$" "$OUT" || fail "verify summary"
err_empty
run 0 verify --root "$S" --json
json_check 'eq(j.ok, true, "ok"); eq(j.files, 9, "files"); eq(j.rows, 1808421, "rows"); eq(j.problems.length, 0, "none");'
run 0 migrate --root "$S" --dry-run
out_has "9 files examined, 0 legacy (0 rows) would be migrated (dry run)"
echo "ok: ops_demo_verify"
