#!/bin/sh
# run_interop.sh [run_interop.mjs args] - CTest entry point of the interop
# test: runs run_interop.mjs with node when node and the npm peers
# (tests/interop/node_modules, from `npm ci`) are present; otherwise prints
# SKIPPED and exits 77 (CTest SKIP_RETURN_CODE).
dir=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || [ ! -d "$dir/node_modules/nodejs-polars" ] \
   || [ ! -d "$dir/node_modules/@duckdb/node-api" ] || [ ! -d "$dir/node_modules/hyparquet" ]; then
  echo "SKIPPED: npm peers not installed (run make setup)"
  exit 77
fi
exec node "$dir/run_interop.mjs" "$@"
