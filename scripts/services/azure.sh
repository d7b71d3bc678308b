#!/usr/bin/env bash
# An Azure Blob Storage emulator for the integration tests: Azurite (npm, Microsoft's), blob
# service only, in memory, on a free port of 127.0.0.1. Installed once under .ci-cache/
# (azurite 3.35.0: later versions need Node 22).
#
#   bash scripts/services/azure.sh start   # prints: export AZURE_STORAGE_CONNECTION_STRING=…
#   bash scripts/services/azure.sh stop
#
# The connection string is Azurite's well-known development account (devstoreaccount1),
# the variable @azure/storage-blob and Drift read. Azurite serves the Blob API, not the
# DFS endpoint: abfss:// URIs are read through the Blob API, as ADLS Gen2 accounts allow.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.ci-cache/azurite"
version="3.35.0"
state="$root/.ci-cache/run/azure-$(printf '%s' "$root" | sha256sum | cut -c1-8)"
account="devstoreaccount1"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# shellcheck source=service-lib.sh
source "$root/scripts/services/service-lib.sh"
log() { echo "azure.sh: $*" >&2; }

start() {
  if [ -n "${AZURE_STORAGE_CONNECTION_STRING:-}" ]; then
    log "AZURE_STORAGE_CONNECTION_STRING is set: using that server"
    echo "export AZURE_STORAGE_CONNECTION_STRING='$AZURE_STORAGE_CONNECTION_STRING'"
    return
  fi
  if [ ! -x "$cache/node_modules/.bin/azurite-blob" ] || [ "$(cat "$cache/.version" 2>/dev/null)" != "$version" ]; then
    log "installing azurite $version into $cache"
    rm -rf "$cache" && mkdir -p "$cache"
    echo '{"name":"azurite-cache","private":true}' > "$cache/package.json"
    (cd "$cache" && npm install --no-audit --no-fund --silent "azurite@$version" >&2)
    echo "$version" > "$cache/.version"
  fi
  stop quiet
  mkdir -p "$state"
  local port
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  # Run from the state folder: Azurite writes nothing with --inMemoryPersistence, but its cwd is its home.
  # `cd … ;` not `cd … &&`: `a && b &` would background a subshell that keeps this script's
  # stdout open, and a caller reading it (execFileSync) would wait for Azurite to exit.
  (cd "$state" || exit 1
    nohup "$cache/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
      --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry > "$state/server.log" 2>&1 < /dev/null &
    echo $! > "$state/pid")
  wait_for_server Azurite "http://127.0.0.1:$port/$account?comp=list" -s
  echo "export AZURE_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/$account;'"
}

service_main "$@"
