# Sourced by the service scripts: what each of them does the same way. Expects `state`
# (the folder holding the server's pid and log) and `log` to be set by the script.

# Stops the server whose pid is in $state/pid, if it runs. `quiet`: say nothing.
stop() {
  local pid
  pid="$(cat "$state/pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  rm -f "$state/pid"
  [ "${1:-}" = quiet ] || log "stopped"
}

# Waits up to 15 s for `curl $curl_flags $url` to succeed; fails with the server's log when
# the server ($state/pid, logging to $state/server.log) exits first. Usage:
#   wait_for_server NAME URL CURL_FLAGS && <print the export line>
wait_for_server() {
  local name="$1" url="$2" flags="$3"
  for _ in $(seq 1 150); do
    # shellcheck disable=SC2086 # the flags are words
    if curl $flags -o /dev/null "$url" 2>/dev/null; then
      log "$name answers at $url (pid $(cat "$state/pid"))"
      return 0
    fi
    if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then log "$name exited; log follows"; cat "$state/server.log" >&2; exit 1; fi
    sleep 0.1
  done
  log "$name did not answer at $url in 15 s"; exit 1
}

# The scripts' entry: `start` or `stop`.
service_main() {
  case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
  esac
}
