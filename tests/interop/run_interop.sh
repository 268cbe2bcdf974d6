#!/bin/sh
# run_interop.sh [--script FILE.mjs] [args] - CTest entry point of the node
# tests: runs run_interop.mjs (or FILE.mjs) with node when node and the npm
# peers (tests/interop/node_modules, from `npm ci`) are present; otherwise
# prints SKIPPED and exits 77 (CTest SKIP_RETURN_CODE).
dir=$(cd "$(dirname "$0")" && pwd)
script="$dir/run_interop.mjs"
if [ "$1" = "--script" ]; then
  script=$2
  shift 2
fi
if ! command -v node >/dev/null 2>&1 || [ ! -d "$dir/node_modules/nodejs-polars" ] \
   || [ ! -d "$dir/node_modules/@duckdb/node-api" ] || [ ! -d "$dir/node_modules/hyparquet" ]; then
  echo "SKIPPED: npm peers not installed (run make setup)"
  exit 77
fi
exec node "$script" "$@"
