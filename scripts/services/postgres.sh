#!/usr/bin/env bash
# PostgreSQL with pgvector for the integration tests.
#
#   bash scripts/services/postgres.sh start   # prints: export DATABASE_URL=postgres://…
#   bash scripts/services/postgres.sh stop
#
# Which PostgreSQL: Debian 12 ships PostgreSQL 15 but no pgvector package, and pgvector's
# C source is on no registry this machine reaches. The PyPI wheel `pgserver` bundles a
# complete PostgreSQL 16.2 built with pgvector 0.6.2 (HNSW, binary COPY) for manylinux
# x86_64. We only unpack its `pginstall/` tree (no Python import, any Python version) and
# run its initdb/pg_ctl on a throw-away data directory, bound to 127.0.0.1 on a free port.
# As root, the server runs as the `postgres` user (created if missing); PostgreSQL refuses root.
# If DATABASE_URL is already set, that server is used and nothing is started.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.ci-cache/pgserver-0.1.4"
state="$root/.ci-cache/run/postgres-$(printf '%s' "$root" | sha256sum | cut -c1-8)"
log() { echo "postgres.sh: $*" >&2; }

install() {
  if [ -x "$cache/pgserver/pginstall/bin/postgres" ]; then return; fi
  local download
  download="$(mktemp -d)"
  log "downloading pgserver 0.1.4 (PostgreSQL 16.2 + pgvector 0.6.2) from PyPI"
  local pip=(python3 -m pip)
  # A Python without pip: the project's venv (scripts/python-env.sh) has one.
  "${pip[@]}" --version >/dev/null 2>&1 || pip=("$(bash "$root/scripts/python-env.sh")" -m pip)
  "${pip[@]}" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.11 --platform manylinux2014_x86_64 -d "$download" pgserver==0.1.4 >&2
  rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
  python3 - "$download"/pgserver-*.whl "$cache.tmp" <<'PY'
import sys, zipfile, os
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    for info in archive.infolist():
        # The binaries find their libraries through RPATH $ORIGIN/../../../pgserver.libs.
        if not info.filename.startswith(('pgserver/pginstall/', 'pgserver.libs/')) or info.is_dir():
            continue
        path = os.path.join(target, info.filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with archive.open(info) as source, open(path, 'wb') as out:
            out.write(source.read())
        mode = (info.external_attr >> 16) & 0o777
        os.chmod(path, mode or 0o644)
PY
  chmod -R a+rX "$cache.tmp"
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
  rm -rf "$download"
}

run_as() {
  if [ "$(id -u)" = "0" ]; then
    if ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home --shell /usr/sbin/nologin postgres >&2; fi
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

start() {
  if [ -n "${DATABASE_URL:-}" ]; then
    log "DATABASE_URL is set: using that server"
    echo "export DATABASE_URL=$DATABASE_URL"
    return
  fi
  install
  stop_server quiet || true
  local data port bin
  bin="$cache/pgserver/pginstall/bin"
  data="$(mktemp -d /tmp/drift-postgres.XXXXXX)"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  [ "$(id -u)" = "0" ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres >&2; chown postgres "$data"; }
  chmod 700 "$data"
  run_as "'$bin/initdb' -D '$data/db' -U postgres --auth=trust -E UTF8 --locale=C" >/dev/null 2>&1 ||
    { log "initdb failed"; exit 1; }
  # DRIFT_PG_MAINTENANCE_WORK_MEM=default leaves PostgreSQL's own 64 MB (as most servers have:
  # the bench compares HNSW builds there); the tests' servers get 512 MB
  local memory="${DRIFT_PG_MAINTENANCE_WORK_MEM:-512MB}" memory_flag=""
  [ "$memory" = "default" ] || memory_flag="-c maintenance_work_mem=$memory"
  run_as "'$bin/pg_ctl' -D '$data/db' -l '$data/server.log' -w -t 60 -o \"-p $port -k '$data' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50 $memory_flag\" start" >&2 ||
    { log "server did not start; log follows"; cat "$data/server.log" >&2; exit 1; }
  mkdir -p "$state"
  printf '%s\n' "$data" > "$state/data-dir"
  log "PostgreSQL 16 + pgvector on 127.0.0.1:$port (data $data)"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop_server() {
  local data
  data="$(cat "$state/data-dir" 2>/dev/null || true)"
  [ -n "$data" ] || return 0
  if [ -d "$data/db" ]; then
    run_as "'$cache/pgserver/pginstall/bin/pg_ctl' -D '$data/db' -m fast -w stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$data" "$state/data-dir"
  [ "${1:-}" = quiet ] || log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop_server ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
