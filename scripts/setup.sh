#!/usr/bin/env bash
# scripts/setup.sh - install what dccd needs on a Debian machine, idempotently.
#
#   apt packages: compilers, cmake, codec and test libraries, valgrind, node/npm,
#                 python3-venv/-dev when CPython lacks them, a JRE for Spark
#                 (libclang-rt-dev pulls libclang-rt-<ver>-dev, which holds the
#                 ASan/UBSan runtimes and libFuzzer, libclang_rt.fuzzer, for
#                 the fuzz run of ./dev.sh test: fuzz/ci.sh)
#   npm test peers: tests/interop (nodejs-polars, @duckdb/node-api, hyparquet),
#                   pinned by tests/interop/package-lock.json
#
# Only what is missing is installed.  Set DCCD_SKIP_NPM=1 to skip the npm peers
# (the interop tests then report themselves skipped).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(build-essential cmake pkg-config clang libclang-rt-dev llvm
      libsnappy-dev libzstd-dev zlib1g-dev liblz4-dev libbrotli-dev libxxhash-dev
      libjansson-dev libcmocka-dev valgrind nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Java for the Spark interop test (pyspark 4 needs Java 17 or newer)
if [ "${DCCD_SPARK:-1}" = 1 ] && ! command -v java >/dev/null 2>&1; then
  missing+=(default-jre-headless)
fi
# CPython's venv and headers for the Python package (python3 -m venv, pip install .)
if ! python3 -c 'import venv, sysconfig, os; assert os.path.exists(sysconfig.get_paths()["include"] + "/Python.h")' \
     >/dev/null 2>&1; then
  missing+=(python3 python3-venv python3-dev)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${DCCD_SKIP_NPM:-0}" != 1 ] && [ -f "$here/tests/interop/package-lock.json" ]; then
  stamp="$here/tests/interop/node_modules/.dccd-stamp"
  want=$(sha256sum "$here/tests/interop/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing npm test peers (tests/interop)" >&2
    # exact versions are pinned in package.json; the lock pins the rest.  When
    # the lock does not match this npm (optional platform packages), fall back
    # to an install of the pinned versions that does not rewrite the lock.
    (cd "$here/tests/interop" && { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
       npm install --no-audit --no-fund --no-save --loglevel=error >/dev/null; })
    echo "$want" > "$stamp"
  fi
fi
