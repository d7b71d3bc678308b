#!/usr/bin/env bash
# A Google Cloud Storage emulator for the integration tests: gcp-storage-emulator (PyPI),
# in memory, on a free port of 127.0.0.1, in its own venv under .ci-cache/ (installed once).
#
#   bash scripts/services/gcs.sh start   # prints: export STORAGE_EMULATOR_HOST=http://127.0.0.1:PORT
#   bash scripts/services/gcs.sh stop
#
# STORAGE_EMULATOR_HOST is the variable @google-cloud/storage itself reads.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.ci-cache/venv-gcs"
version="gcp-storage-emulator==2026.7.19"
state="$root/.ci-cache/run/gcs-$(printf '%s' "$root" | sha256sum | cut -c1-8)"
# shellcheck source=service-lib.sh
source "$root/scripts/services/service-lib.sh"
log() { echo "gcs.sh: $*" >&2; }

start() {
  if [ -n "${STORAGE_EMULATOR_HOST:-}" ]; then
    log "STORAGE_EMULATOR_HOST is set: using that server"
    echo "export STORAGE_EMULATOR_HOST=$STORAGE_EMULATOR_HOST"
    return
  fi
  if [ ! -x "$venv/bin/gcp-storage-emulator" ] || [ "$(cat "$venv/.version" 2>/dev/null)" != "$version" ]; then
    log "installing $version into $venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$version" >&2
    echo "$version" > "$venv/.version"
  fi
  stop quiet
  mkdir -p "$state"
  local port
  port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  # python -m, not the script: its #! names the checkout that made the shared venv
  nohup "$venv/bin/python" -m gcp_storage_emulator start --host 127.0.0.1 --port "$port" --in-memory > "$state/server.log" 2>&1 < /dev/null &
  echo $! > "$state/pid"
  wait_for_server "the GCS emulator" "http://127.0.0.1:$port/storage/v1/b" -fsS
  echo "export STORAGE_EMULATOR_HOST=http://127.0.0.1:$port"
}

service_main "$@"
