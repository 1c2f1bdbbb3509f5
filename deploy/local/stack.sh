#!/usr/bin/env bash
# The local stack without Docker: Kafka (KRaft, one node), FerretDB, versitygw, mailpit and the five services,
# each a background process with a pid file and a log under $STACK_DIR. Every port comes from the environment,
# so the test suite runs its own stack beside a developer's `make up` stack.
#   deploy/local/stack.sh up | down | status      (REPLICAS=2 runs two instances of every service)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools"

: "${STACK_NAME:=dev}"
: "${STACK_DIR:=$ROOT/.data/$STACK_NAME}"
: "${KAFKA_PORT:=9092}"
: "${KAFKA_CONTROLLER_PORT:=9093}"
: "${MONGO_PORT:=27017}"
: "${S3_PORT:=7070}"
: "${SMTP_PORT:=1025}"
: "${MAILPIT_HTTP_PORT:=8025}"
: "${PORT:=3000}"
: "${QUERY_PORT:=3101}"
: "${WRITER_PORT:=3102}"
: "${DELIVERY_PORT:=3103}"
: "${JOBS_PORT:=3104}"
: "${S3_ACCESS_KEY_ID:=devaccesskey}"
: "${S3_SECRET_ACCESS_KEY:=devsecretkey123}"
: "${DEMO_API_KEY:=demo-key-local-only}"
# A local stack stays local, whatever a request asks: destinations only on this machine (the allow-list), S3 and
# GCS destinations served by local servers, and no probe of the cloud metadata address.
: "${DESTINATION_PUBLIC_HOSTS:=false}"
: "${DESTINATION_HOST_ALLOWLIST:=127.0.0.0/8}"
: "${LOCAL_GCS_PORT:=4443}"
SERVICES=(api-gateway query writer delivery jobs)
# Replicas of every service (several replicas are what production runs; the fault campaign runs two). Replica N > 1
# of a service is the instance NAME.N, with its ports moved by 50 * (N - 1).
: "${REPLICAS:=1}"
instances() {
  local name=$1 n
  echo "$name"
  for ((n = 2; n <= REPLICAS; n++)); do echo "$name.$n"; done
}

log() { printf '[stack:%s] %s\n' "$STACK_NAME" "$*"; }
die() { printf '[stack:%s] ERROR: %s\n' "$STACK_NAME" "$*" >&2; exit 1; }

pidfile() { echo "$STACK_DIR/run/$1.pid"; }
running() { local pid; pid=$(cat "$(pidfile "$1")" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; }

# start NAME COMMAND...: runs the command in its own process group, logging to $STACK_DIR/logs/NAME.log.
start() {
  local name=$1; shift
  if running "$name"; then log "$name already running"; return; fi
  mkdir -p "$STACK_DIR/run" "$STACK_DIR/logs"
  setsid "$@" >>"$STACK_DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$name")"
}

stop() {
  local name=$1 pid
  pid=$(cat "$(pidfile "$name")" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$name")"
}

# wait_until NAME TIMEOUT_S CHECK...: polls the check until it passes; fails with the log tail otherwise.
wait_until() {
  local name=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then tail -n 30 "$STACK_DIR/logs/$name.log" >&2 || true; die "$name exited during start-up"; fi
    # A service refusing its configuration restarts forever: say why at once instead of waiting out the timeout.
    if grep -q 'invalid configuration' "$STACK_DIR/logs/$name.log" 2>/dev/null; then
      grep -m1 'invalid configuration' "$STACK_DIR/logs/$name.log" >&2; stop "$name"; die "$name refuses its configuration"
    fi
    if (( SECONDS > deadline )); then tail -n 30 "$STACK_DIR/logs/$name.log" >&2 || true; die "$name not ready after ${timeout}s"; fi
    sleep 0.3
  done
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

start_kafka() {
  local dir="$STACK_DIR/kafka" libs="$TOOLS/kafka/libs/*"
  mkdir -p "$dir/data" "$STACK_DIR/logs"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
message.max.bytes=8388608
replica.fetch.max.bytes=8388608
PROPS
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id=$(java -cp "$libs" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$libs" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" --ignore-formatted \
      >>"$STACK_DIR/logs/kafka-format.log" 2>&1 || die "formatting Kafka storage failed (see $STACK_DIR/logs/kafka-format.log)"
  fi
  start kafka java -Xms256m -Xmx512m -XX:+UseG1GC -Dlog4j.configuration= -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$libs" kafka.Kafka "$dir/server.properties"
}

# FerretDB decodes every document it reads into short-lived objects: with Go's default GOGC=100 a fifth of its CPU
# went to the garbage collector in a profile of a scan; GOGC=400 made a 200,000-document scan 12% faster. The soft
# GOMEMLIMIT makes the collector work harder again before the heap reaches 1 GiB.
start_ferretdb() {
  mkdir -p "$STACK_DIR/ferretdb/sqlite"
  GOGC="${FERRETDB_GOGC:-400}" GOMEMLIMIT="${FERRETDB_GOMEMLIMIT:-1GiB}" start ferretdb "$TOOLS/bin/ferretdb-server" -sqlite-url="file:$STACK_DIR/ferretdb/sqlite/" \
    -listen-addr="127.0.0.1:$MONGO_PORT" -log-level=warn
}

start_versitygw() {
  mkdir -p "$STACK_DIR/s3/data" "$STACK_DIR/s3/meta"
  ROOT_ACCESS_KEY="$S3_ACCESS_KEY_ID" ROOT_SECRET_KEY="$S3_SECRET_ACCESS_KEY" \
    start versitygw "$TOOLS/bin/versitygw" --port "127.0.0.1:$S3_PORT" posix --sidecar "$STACK_DIR/s3/meta" "$STACK_DIR/s3/data"
}

# GCS destinations of `make up`: fake-gcs-server on loopback, unless the caller points GCS_ENDPOINT elsewhere
# (the test stack uses the one of test-destinations.sh).
start_local_gcs() {
  [ -z "${GCS_ENDPOINT:-}" ] || return 0
  mkdir -p "$STACK_DIR/gcs"
  start fake-gcs "$TOOLS/bin/fake-gcs-server" -scheme http -host 127.0.0.1 -port "$LOCAL_GCS_PORT" -backend filesystem \
    -filesystem-root "$STACK_DIR/gcs" -external-url "http://127.0.0.1:$LOCAL_GCS_PORT" -public-host "127.0.0.1:$LOCAL_GCS_PORT" -log-level warn
}

start_mailpit() {
  mkdir -p "$STACK_DIR/mailpit"
  start mailpit "$TOOLS/bin/mailpit" --smtp "127.0.0.1:$SMTP_PORT" --listen "127.0.0.1:$MAILPIT_HTTP_PORT" \
    --database "$STACK_DIR/mailpit/mail.db" --max 0 --disable-version-check --smtp-auth-accept-any --smtp-auth-allow-insecure
}

service_env() {
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  export MONGODB_URI="mongodb://127.0.0.1:$MONGO_PORT/cordial"
  export S3_ENDPOINT="http://127.0.0.1:$S3_PORT" S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY
  export WRITER_TMP_DIR="$STACK_DIR/writer-tmp"
  # FerretDB 1.x sorts a whole result in its own memory (GiBs for a large export): the query service sorts instead,
  # in bounded memory with sorted runs on disk, and the database only streams (see docs/performance.md).
  export QUERY_SORT="${QUERY_SORT:-service}" QUERY_SORT_DIR="$STACK_DIR/query-sort"
  mkdir -p "$QUERY_SORT_DIR"
  export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
  # Seals destination credentials at rest: one random key per stack, kept beside its data.
  if [ -z "${CREDENTIALS_KEY:-}" ]; then
    [ -s "$STACK_DIR/credentials.key" ] || (umask 077; node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))" > "$STACK_DIR/credentials.key")
    CREDENTIALS_KEY=$(cat "$STACK_DIR/credentials.key")
  fi
  export CREDENTIALS_KEY
  export DESTINATION_PUBLIC_HOSTS DESTINATION_HOST_ALLOWLIST
  # S3 destinations go to this stack's own versitygw (whose platform buckets every destination is refused), GCS
  # destinations to the local fake-gcs-server: never to AWS or Google.
  if [ -z "${S3_DESTINATION_ENDPOINT:-}" ]; then
    export S3_DESTINATION_ENDPOINT="http://127.0.0.1:$S3_PORT" S3_DESTINATION_FORCE_PATH_STYLE=true
  fi
  if [ -z "${GCS_ENDPOINT:-}" ]; then export GCS_ENDPOINT="http://127.0.0.1:$LOCAL_GCS_PORT" GCS_PROJECT_ID=local; fi
  export METADATA_SERVER_DETECTION=none
  # The test stack trusts its own FTP server's self-signed certificate (for requireTls), nothing else.
  if [ "${TRUST_TEST_DESTINATIONS:-0}" = 1 ] && [ -f "$STACK_DIR/destinations/ftp-tls.pem" ]; then
    export NODE_EXTRA_CA_CERTS="$STACK_DIR/destinations/ftp-tls.pem"
  fi
  # The AWS SDK version is pinned; its notice that later releases will need Node 22 is noise here.
  export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
}

# service_port INSTANCE: the port of a service instance (NAME or NAME.N).
service_port() {
  local base=${1%%.*} replica=1 port
  [[ $1 == *.* ]] && replica=${1##*.}
  case $base in
    api-gateway) port=$PORT ;; query) port=$QUERY_PORT ;; writer) port=$WRITER_PORT ;;
    delivery) port=$DELIVERY_PORT ;; jobs) port=$JOBS_PORT ;;
  esac
  echo $((port + 50 * (replica - 1)))
}

# Every service gets a fixed JavaScript heap (as a Kubernetes memory limit would impose): memory stays bounded, and
# a leak would show as a crash in the tests and benchmarks instead of a slowly growing process.
: "${SERVICE_HEAP_MIB:=160}"
export SERVICE_HEAP_MIB

# Each service runs under a restart loop, as a Kubernetes Deployment would restart a crashed pod: a service that
# exits (e.g. the database was away while it started) comes back by itself. Stopping or killing the process group
# ends the loop too. SERVICE_CPU_PROFILE_DIR (benchmarks) makes each service write a V8 CPU profile there on exit.
start_service() {
  local name=$1 base=${1%%.*}
  [ -f "$ROOT/dist/apps/$base/src/main.js" ] || die "dist/apps/$base is missing: run 'npm run build' first"
  ( cd "$ROOT" && PORT="$(service_port "$name")" start "$name" bash -c '
      trap "kill -TERM \$child 2>/dev/null; wait \$child; exit 0" TERM INT
      while :; do
        node --enable-source-maps --max-old-space-size="$SERVICE_HEAP_MIB" \
          ${SERVICE_CPU_PROFILE_DIR:+--cpu-prof --cpu-prof-dir="$SERVICE_CPU_PROFILE_DIR/$0"} "dist/apps/$0/src/main.js" & child=$!
        wait $child; code=$?
        echo "{\"level\":\"warn\",\"message\":\"$0 exited with status $code; restarting in 2 s\"}"
        sleep 2
      done' "$base" )
}

# A port already open but not held by this stack belongs to someone else (another stack, a leftover process):
# starting anyway would make this stack's readiness checks answer from the other one.
refuse_foreign_ports() {
  local name port instance
  for pair in kafka:$KAFKA_PORT ferretdb:$MONGO_PORT versitygw:$S3_PORT mailpit:$MAILPIT_HTTP_PORT api-gateway:$PORT \
      query:$QUERY_PORT writer:$WRITER_PORT delivery:$DELIVERY_PORT jobs:$JOBS_PORT; do
    name=${pair%%:*}; port=${pair##*:}
    if ! running "$name" && tcp_open "$port"; then
      die "port $port (for $name) is already in use by another process; stop it (another stack? 'make down', or the test stack's deploy/local/stack.sh down with its STACK_DIR) and retry"
    fi
  done
  for name in "${SERVICES[@]}"; do
    for instance in $(instances "$name" | tail -n +2); do
      port=$(service_port "$instance")
      if ! running "$instance" && tcp_open "$port"; then die "port $port (for $instance) is already in use by another process"; fi
    done
  done
}

# The indexes, created by the migration as in production (the services only check them at start-up).
migrate() {
  ( cd "$ROOT" && node dist/tools/migrate/migrate.js ) | sed 's/^/[migrate] /'
  [ "${PIPESTATUS[0]}" = 0 ] || die "the index migration failed"
}

up() {
  [ -x "$TOOLS/bin/ferretdb-server" ] || die "tools are not installed: run deploy/local/install.sh"
  refuse_foreign_ports
  start_kafka; start_ferretdb; start_versitygw; start_mailpit; start_local_gcs
  wait_until kafka 90 tcp_open "$KAFKA_PORT"
  wait_until ferretdb 30 tcp_open "$MONGO_PORT"
  wait_until versitygw 30 tcp_open "$S3_PORT"
  wait_until mailpit 30 http_ok "http://127.0.0.1:$MAILPIT_HTTP_PORT/api/v1/messages"
  service_env
  migrate
  if [ "${SEED_DEMO:-1}" = 1 ]; then
    ( cd "$ROOT" && DEMO_API_KEY="$DEMO_API_KEY" node dist/tools/seed/seed-demo.js ) || die "seeding the demo account failed"
  fi
  # The gateway creates the topics; the others start once it is ready so none subscribes to a missing topic.
  start_service api-gateway
  wait_until api-gateway 120 http_ok "http://127.0.0.1:$PORT/health/ready"
  local all=() name
  for name in query writer delivery jobs; do mapfile -t -O "${#all[@]}" all < <(instances "$name"); done
  mapfile -t -O "${#all[@]}" all < <(instances api-gateway | tail -n +2)
  for name in "${all[@]}"; do start_service "$name"; done
  for name in "${all[@]}"; do wait_until "$name" 120 http_ok "http://127.0.0.1:$(service_port "$name")/health/ready"; done
  log "ready: API http://127.0.0.1:$PORT, $REPLICAS replica(s) of every service (logs in $STACK_DIR/logs)"
}

# Every service instance this stack started, whatever REPLICAS says now.
started_instances() {
  local file
  for file in "$STACK_DIR"/run/*.pid; do
    [ -e "$file" ] || continue
    file=$(basename "$file" .pid)
    case ${file%%.*} in api-gateway|query|writer|delivery|jobs) echo "$file" ;; esac
  done
}

down() {
  for name in $(started_instances); do stop "$name"; done
  for name in fake-gcs mailpit versitygw ferretdb kafka; do stop "$name"; done
  log "stopped"
}

status() {
  for name in kafka ferretdb versitygw mailpit fake-gcs $(started_instances); do
    if running "$name"; then echo "$name: running (pid $(cat "$(pidfile "$name")"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  migrate) service_env; migrate ;;
  down) down ;;
  status) status ;;
  start-service) service_env; start_service "$2"; wait_until "$2" 120 http_ok "http://127.0.0.1:$(service_port "$2")/health/ready" ;;
  stop-service) stop "$2" ;;
  # Fault injection: SIGKILL a process (service or server) with no chance to clean up.
  kill) pid=$(cat "$(pidfile "$2")" 2>/dev/null) && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; rm -f "$(pidfile "$2")"; } ;;
  # Fault injection: freeze a process (SIGSTOP: no heartbeats, no I/O, like a long GC pause or a stalled node), thaw it.
  pause) pid=$(cat "$(pidfile "$2")") && kill -STOP -- "-$pid" ;;
  resume) pid=$(cat "$(pidfile "$2")") && kill -CONT -- "-$pid" ;;
  start-kafka) start_kafka; wait_until kafka 90 tcp_open "$KAFKA_PORT" ;;
  start-ferretdb) start_ferretdb; wait_until ferretdb 30 tcp_open "$MONGO_PORT" ;;
  # The environment every service of this stack gets (secrets left out), to check what a stack is pointed at.
  service-env) service_env; env | grep -E '^(KAFKA_BROKERS|MONGODB_URI|S3_ENDPOINT|S3_DESTINATION_[A-Z_]+|GCS_[A-Z_]+|METADATA_SERVER_DETECTION|DESTINATION_[A-Z_]+|NODE_EXTRA_CA_CERTS)=' | sort ;;
  *) echo "usage: $0 up|down|status|start-service NAME|stop-service NAME|kill NAME|pause NAME|resume NAME|start-kafka|start-ferretdb|service-env (NAME: a service, or NAME.N for its replica N)" >&2; exit 2 ;;
esac
