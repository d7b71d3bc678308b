#!/usr/bin/env bash
# Qdrant for the integration tests.
#
#   bash scripts/services/qdrant.sh start   # prints: export QDRANT_URL=http://127.0.0.1:PORT
#   bash scripts/services/qdrant.sh stop
#
# No registry this machine reaches ships a Qdrant server, so unless QDRANT_URL already
# points at a real Qdrant (then it is used as it is, with QDRANT_API_KEY if set), this
# starts the test stand-in from tooling/qdrant-stand-in (Node, in memory, the part of
# Qdrant's REST API the sink uses) on a free port of 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="$root/.ci-cache/run/qdrant-$(printf '%s' "$root" | sha256sum | cut -c1-8)"
# shellcheck source=service-lib.sh
source "$root/scripts/services/service-lib.sh"
log() { echo "qdrant.sh: $*" >&2; }

start() {
  if [ -n "${QDRANT_URL:-}" ]; then
    log "QDRANT_URL is set: using that server"
    echo "export QDRANT_URL=$QDRANT_URL"
    return
  fi
  stop quiet
  mkdir -p "$state"
  local out="$state/stand-in.log"
  : > "$out"
  # It keeps every point in one JS heap: room for the bench's 1M-point memory phase.
  nohup node --max-old-space-size=8192 "$root/tooling/qdrant-stand-in/src/cli.mjs" --host 127.0.0.1 --port 0 > "$out" 2>&1 < /dev/null &
  echo $! > "$state/pid"
  local url=""
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^listening //p' "$out" | head -1)"
    [ -n "$url" ] && break
    if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then log "the stand-in exited; log follows"; cat "$out" >&2; exit 1; fi
    sleep 0.1
  done
  [ -n "$url" ] || { log "the stand-in did not start in 10 s"; exit 1; }
  curl -fsS "$url/healthz" >/dev/null 2>&1 || node -e "fetch('$url/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" ||
    { log "the stand-in does not answer at $url"; exit 1; }
  log "Qdrant stand-in on $url (pid $(cat "$state/pid"))"
  echo "export QDRANT_URL=$url"
}

service_main "$@"
