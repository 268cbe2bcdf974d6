# tests/cli/ops_lib.sh - sourced by every tests/cli/ops_*.sh end-to-end
# test (not a test itself).  Arguments of every script:
#   $1 the dccd binary  $2 the ops_helper binary  $3 a work directory
#   (emptied first)  $4 the source directory.
# Helpers:
#   run RC ARGS...   run dccd ARGS, stdout to $OUT, stderr to $ERR; fail
#                    unless the exit status is RC.  When a library function
#                    is still a placeholder (stderr says "not implemented
#                    yet") the test is skipped (exit 77) with that message.
#   out_has / err_has TEXT, out_lacks TEXT, out_is TEXT, out_empty
#   json_check JS    parse $OUT with node as `j` (integers of 16+ digits
#                    become strings, so nanosecond TS compare exactly) and
#                    run the JS assertions (throw to fail)
#   fail MSG, skip MSG
set -u
DCCD=$1
HELPER=$2
WORK=$3
SRC=$4
rm -rf "$WORK"
mkdir -p "$WORK"
OUT=$WORK/stdout
ERR=$WORK/stderr
: >"$OUT"
: >"$ERR"

fail() {
    echo "FAIL: $*"
    echo "--- stdout:"
    cat "$OUT"
    echo "--- stderr:"
    cat "$ERR"
    exit 1
}

skip() {
    echo "SKIPPED: $*"
    exit 77
}

run() {
    local want=$1
    shift
    "$DCCD" "$@" >"$OUT" 2>"$ERR"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        if grep -q "not implemented yet" "$ERR"; then
            skip "dccd $*: $(cat "$ERR")"
        fi
        fail "dccd $* exited $rc, expected $want"
    fi
}

helper() {
    "$HELPER" "$@" >"$OUT" 2>"$ERR" || fail "ops_helper $* failed"
}

out_has() { grep -qF -- "$1" "$OUT" || fail "stdout lacks '$1'"; }
err_has() { grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1'"; }
out_lacks() { ! grep -qF -- "$1" "$OUT" || fail "stdout has '$1'"; }
out_empty() { [ ! -s "$OUT" ] || fail "stdout is not empty"; }
err_empty() { [ ! -s "$ERR" ] || fail "stderr is not empty"; }
out_is() {
    [ "$(cat "$OUT")" = "$1" ] || fail "stdout is not exactly '$1'"
}

json_check() {
    command -v node >/dev/null 2>&1 || skip "node is not installed (needed to parse --json output)"
    local prelude='
const fs = require("fs");
const text = fs.readFileSync(process.argv[1], "utf8").replace(/([:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, "$1\"$2\"");
const j = JSON.parse(text);
function eq(a, b, what) { if (a !== b) throw new Error(what + ": got " + JSON.stringify(a) + ", want " + JSON.stringify(b)); }
function ok(c, what) { if (!c) throw new Error(what); }
'
    node -e "$prelude$1" "$OUT" || fail "JSON check failed: $1"
}
