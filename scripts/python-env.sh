#!/usr/bin/env bash
# Creates (once) the Python environment the tests and benchmarks use: pyspark for the
# Spark Connect server, and the `deltalake` package (delta-rs) as a real Delta writer
# and as the benchmark peer. Prints the venv's python path. Idempotent and cached.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${DRIFT_VENV:-$root/.ci-cache/venv}"
requirements="$root/scripts/python-requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
