#!/usr/bin/env bash
# Runs a command with the test servers up: each scripts/services/<name>.sh start
# installs (once, cached under .ci-cache/) and starts its server, waits until it answers,
# and prints `export NAME=value` lines that point the tests at it. All are stopped at exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
services="${DRIFT_SERVICES:-postgres qdrant spark}"
started=()
stop_all() {
  for name in "${started[@]}"; do bash "$root/scripts/services/$name.sh" stop || true; done
}
trap stop_all EXIT
for name in $services; do
  script="$root/scripts/services/$name.sh"
  [ -f "$script" ] || continue
  echo "with-services: starting $name" >&2
  exports="$(bash "$script" start)"
  eval "$exports"
  started+=("$name")
done
"$@"
