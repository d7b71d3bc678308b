#!/usr/bin/env bash
# An S3 emulator for the integration tests: moto in server mode (PyPI moto[server]).
#
#   bash scripts/services/s3.sh start   # prints: export DRIFT_S3_ENDPOINT=http://127.0.0.1:PORT
#                                       #         export DRIFT_S3_AUTH_ENDPOINT=http://127.0.0.1:PORT2
#   bash scripts/services/s3.sh stop
#
# Two servers on free ports of 127.0.0.1: DRIFT_S3_ENDPOINT accepts any credentials (tests
# write tables into it with deltalake), DRIFT_S3_AUTH_ENDPOINT checks them like AWS does
# (moto's IAM enforcement from the first request), so a wrong key is refused with a real
# 403. moto lives in its own venv under .ci-cache/, installed once.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.ci-cache/venv-moto"
requirements="$root/scripts/services/s3-requirements.txt"
# One state folder per checkout: worktrees share .ci-cache.
state="$root/.ci-cache/run/s3-$(printf '%s' "$root" | sha256sum | cut -c1-8)"
log() { echo "s3.sh: $*" >&2; }

install() {
  local want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -x "$venv/bin/moto_server" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; then return; fi
  log "installing moto[server] into $venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$venv/.requirements.sha256"
}

free_port() {
  "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_one NAME [ENV=VALUE...]: starts moto_server, prints its URL once it answers.
start_one() {
  local name="$1"; shift
  local port out
  port="$(free_port)"
  out="$state/$name.log"
  # python -m, not the moto_server script: its #! names the checkout that made the shared venv
  env "$@" nohup "$venv/bin/python" -m moto.server -H 127.0.0.1 -p "$port" > "$out" 2>&1 < /dev/null &
  echo $! > "$state/$name.pid"
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
      echo "http://127.0.0.1:$port"
      return
    fi
    if ! kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then log "moto ($name) exited; log follows"; cat "$out" >&2; exit 1; fi
    sleep 0.1
  done
  log "moto ($name) did not answer on port $port in 15 s"; exit 1
}

start() {
  if [ -n "${DRIFT_S3_ENDPOINT:-}" ] && [ -n "${DRIFT_S3_AUTH_ENDPOINT:-}" ]; then
    log "DRIFT_S3_ENDPOINT is set: using that server"
    echo "export DRIFT_S3_ENDPOINT=$DRIFT_S3_ENDPOINT"
    echo "export DRIFT_S3_AUTH_ENDPOINT=$DRIFT_S3_AUTH_ENDPOINT"
    return
  fi
  install
  stop quiet
  mkdir -p "$state"
  local open auth
  open="$(start_one open)"
  auth="$(start_one auth INITIAL_NO_AUTH_ACTION_COUNT=0)"
  log "moto on $open (any credentials) and $auth (credentials checked)"
  echo "export DRIFT_S3_ENDPOINT=$open"
  echo "export DRIFT_S3_AUTH_ENDPOINT=$auth"
}

stop() {
  local pid name
  for name in open auth; do
    pid="$(cat "$state/$name.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$state/$name.pid"
  done
  [ "${1:-}" = quiet ] || log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
