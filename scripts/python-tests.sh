#!/usr/bin/env bash
# scripts/python-tests.sh - the Python package's tests: make the venv (.venv,
# or $DCCD_VENV) with the pinned peers of tests/python/requirements.txt,
# build and install dccd_store from this checkout (pip install ., through
# scikit-build-core), then run pytest on tests/python.
#
#   DCCD_SPARK=0   skip the pyspark test (tests/python/test_spark.py, with the
#                  pins of tests/python/requirements-spark.txt; on by default:
#                  about 35 s of install once, then 20 s a run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${DCCD_VENV:-$here/.venv}
py=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  echo "python-tests: creating $venv" >&2
  "$py" -m venv "$venv"
fi
stamp="$venv/.dccd-requirements"
reqs=("$here/tests/python/requirements.txt")
export DCCD_SPARK=${DCCD_SPARK:-1}
if [ "$DCCD_SPARK" = 1 ]; then
  reqs+=("$here/tests/python/requirements-spark.txt")
fi
want=$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "python-tests: installing the pinned test peers" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check $(printf -- '-r %s ' "${reqs[@]}")
  echo "$want" > "$stamp"
fi
echo "python-tests: building and installing dccd_store (pip install .)" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall \
  --config-settings=cmake.define.DCCD_WERROR=ON "$here"   # warnings are errors here, not for users
cd "$here/tests/python"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" .
