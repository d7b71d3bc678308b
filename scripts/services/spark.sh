#!/usr/bin/env bash
# Local Spark Connect server with Delta Lake for the integration tests and benchmarks.
#   bash scripts/services/spark.sh start   # prints: export SPARK_REMOTE=sc://127.0.0.1:15002
#   bash scripts/services/spark.sh stop
#   bash scripts/services/spark.sh jars    # prints the spark-submit words that add the Delta jars
# pyspark 4.1.2 comes from the shared venv (scripts/python-env.sh); the Delta jars
# (io.delta:delta-spark_4.1_2.13:4.3.1 + delta-storage) are copied once with Maven into
# .ci-cache/spark/jars, falling back to spark-submit --packages with the Ivy cache under
# .ci-cache/spark/ivy. Bound to 127.0.0.1; warehouse in a temporary directory.
# Env: DRIFT_SPARK_PORT (default 15002), DRIFT_SPARK_TOKEN (optional bearer token),
#      DRIFT_SPARK_STATE (state dir, default .ci-cache/spark/run-<port>),
#      DRIFT_SPARK_CONF (extra "--conf k=v" words, e.g. to force reattach).
# Only `export` lines go to stdout; everything else goes to stderr or the log file.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.ci-cache/spark"
port="${DRIFT_SPARK_PORT:-15002}"
state="${DRIFT_SPARK_STATE:-$cache/run-$port}"
delta_version=4.3.1
delta_artifact=delta-spark_4.1_2.13
log() { echo "spark.sh: $*" >&2; }

remote() {
  if [ -n "${DRIFT_SPARK_TOKEN:-}" ]; then
    echo "sc://127.0.0.1:$port/;token=$DRIFT_SPARK_TOKEN;use_ssl=false"
  else
    echo "sc://127.0.0.1:$port"
  fi
}

# Sends AnalyzePlan{spark_version} over plain HTTP/2 with Node's built-in http2 module
# (no dependencies) and prints the server's Spark version; exits non-zero until it answers.
probe() {
  node - "$port" "${DRIFT_SPARK_TOKEN:-}" <<'JS'
const http2 = require('node:http2');
const crypto = require('node:crypto');
const [port, token] = process.argv.slice(2);
const str = (field, s) => { const b = Buffer.from(s); return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]); };
const msg = (field, body) => Buffer.concat([Buffer.from([(field << 3) | 2, body.length]), body]);
// AnalyzePlanRequest: session_id=1, user_context=2{user_id=1}, spark_version=10{}
const req = Buffer.concat([str(1, crypto.randomUUID()), msg(2, str(1, 'drift-probe')), msg(10, Buffer.alloc(0))]);
const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, req.length]), req]);
const session = http2.connect(`http://127.0.0.1:${port}`);
const fail = (e) => { console.error(String(e)); process.exit(1); };
session.on('error', fail);
setTimeout(() => fail('timeout'), 10000).unref();
const headers = { ':method': 'POST', ':path': '/spark.connect.SparkConnectService/AnalyzePlan', 'content-type': 'application/grpc', te: 'trailers' };
if (token) headers.authorization = `Bearer ${token}`;
const stream = session.request(headers);
const chunks = [];
stream.on('data', (c) => chunks.push(c));
stream.on('trailers', (t) => {
  if (t['grpc-status'] !== '0') fail(`grpc-status ${t['grpc-status']} ${t['grpc-message'] ?? ''}`);
  const body = Buffer.concat(chunks).subarray(5);
  // AnalyzePlanResponse.spark_version = 8 { version = 1 }: print the printable run.
  const m = /\d+\.\d+\.\d+(-[\w.]+)?/.exec(body.toString('latin1'));
  console.log(m ? m[0] : 'unknown');
  session.close();
});
stream.on('error', fail);
stream.end(frame);
JS
}

delta_jars() {
  local jars="$cache/jars"
  if ls "$jars"/"$delta_artifact"-"$delta_version".jar "$jars"/delta-storage-"$delta_version".jar >/dev/null 2>&1; then
    echo "--jars $(ls "$jars"/*.jar | paste -sd, -)"
    return
  fi
  mkdir -p "$jars"
  if command -v mvn >/dev/null 2>&1; then
    local ok=1
    for a in "io.delta:$delta_artifact:$delta_version" "io.delta:delta-storage:$delta_version"; do
      mvn -q -B -Dmaven.repo.local="$cache/m2" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$a" -DoutputDirectory="$jars" >&2 || ok=0
    done
    if [ "$ok" = 1 ]; then
      echo "--jars $(ls "$jars"/*.jar | paste -sd, -)"
      return
    fi
    log "Maven could not copy the Delta jars; falling back to --packages (Ivy)"
  fi
  echo "--packages io.delta:$delta_artifact:$delta_version --conf spark.jars.ivy=$cache/ivy"
}

start() {
  if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null && probe >/dev/null 2>&1; then
    log "already running on port $port"
    echo "export SPARK_REMOTE=$(remote)"
    return
  fi
  local python spark_home jars_args
  python="$(bash "$root/scripts/python-env.sh")"
  spark_home="$("$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
  command -v java >/dev/null || { log "java (17+) is not on PATH: apt-get install openjdk-17-jre-headless"; exit 1; }
  jars_args="$(delta_jars)"
  rm -rf "$state"
  mkdir -p "$state"
  local work
  work="$(mktemp -d -t drift-spark-XXXXXX)"
  echo "$work" > "$state/work"
  local token_conf=()
  [ -n "${DRIFT_SPARK_TOKEN:-}" ] && token_conf=(--conf "spark.connect.authenticate.token=$DRIFT_SPARK_TOKEN")
  # spark-submit reads SPARK_REMOTE and refuses to start a server when it is set (as it is
  # when a test starts a second server beside the one with-services.sh started).
  # shellcheck disable=SC2086
  (cd "$work" && unset SPARK_REMOTE && SPARK_HOME="$spark_home" PYSPARK_PYTHON="$python" exec setsid \
    "$spark_home/bin/spark-submit" \
      --class org.apache.spark.sql.connect.service.SparkConnectServer \
      --name "Drift test Spark Connect server" \
      --master "local[2]" \
      --driver-memory 3g \
      $jars_args \
      --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
      --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf spark.connect.grpc.binding.port="$port" \
      --conf spark.sql.warehouse.dir="$work/warehouse" \
      --conf spark.ui.enabled=false \
      --conf spark.sql.shuffle.partitions=2 \
      --conf spark.default.parallelism=2 \
      --conf spark.databricks.delta.snapshotPartitions=2 \
      --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$work" \
      "${token_conf[@]}" ${DRIFT_SPARK_CONF:-} \
      >"$state/server.log" 2>&1) &
  echo $! > "$state/pid"
  log "starting Spark Connect on 127.0.0.1:$port (log: $state/server.log)"
  local deadline=$((SECONDS + 600)) version
  until version="$(probe 2>/dev/null)"; do
    if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      log "the server exited; last lines of $state/server.log:"
      tail -n 40 "$state/server.log" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "no answer after 10 minutes; see $state/server.log"
      stop
      exit 1
    fi
    sleep 2
  done
  log "Spark $version answers on port $port"
  echo "export SPARK_REMOTE=$(remote)"
}

stop() {
  [ -f "$state/pid" ] || return 0
  local pid
  pid="$(cat "$state/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    # setsid made the server a process-group leader: stop exactly that group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  if [ -f "$state/work" ]; then rm -rf "$(cat "$state/work")"; fi
  rm -f "$state/pid"
  log "stopped (port $port)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  probe) probe ;;
  jars) delta_jars ;;
  *) echo "usage: $0 start|stop|probe|jars" >&2; exit 2 ;;
esac
