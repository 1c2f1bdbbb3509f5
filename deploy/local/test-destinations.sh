#!/usr/bin/env bash
# Customer-side servers for the delivery tests, on loopback: an SFTP server (password auth, confined to its folder)
# and an FTP server (explicit TLS required, passive ports on loopback) from deploy/local/test-servers/servers.py,
# fake-gcs-server and a second versitygw as a customer's S3. Everything runs as the calling user, from .tools
# (deploy/local/install.sh test-servers); the SFTP and FTP users are virtual (no system user, no root needed), and
# every file lives under the stack folder.
#   deploy/local/test-destinations.sh up | down | stop NAME | start NAME
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools"
: "${STACK_DIR:=$ROOT/.data/test}"
DIR="$STACK_DIR/destinations"
: "${SFTP_PORT:=12222}"
: "${FTP_PORT:=12121}"
: "${FTP_PASV_MIN:=31000}"
: "${FTP_PASV_MAX:=31009}"
: "${GCS_PORT:=14443}"
: "${S3_DEST_PORT:=17071}"
: "${S3_DEST_REGION:=us-west-2}"
: "${S3_DEST_ACCESS_KEY:=customeraccesskey}"
: "${S3_DEST_SECRET_KEY:=customer-secret-key-123}"
: "${SFTP_USER:=caesftp}"
: "${SFTP_PASSWORD:=sftp-test-pass}"
: "${FTP_USER:=caeftp}"
: "${FTP_PASSWORD:=ftp-test-pass}"
# What the customers' servers received: the tests read the delivered files straight from these folders.
# SFTP: / (read-only) holds upload/ (the login folder, writable) and readonly/. FTP: / (the login folder, writable)
# holds exports/ (writable) and readonly/ (list and read only). `up` empties them.
: "${SFTP_ROOT:=$DIR/sftp}"
: "${FTP_ROOT:=$DIR/ftp}"
PYTHON="$TOOLS/test-servers/bin/python"
SERVERS="$ROOT/deploy/local/test-servers/servers.py"

log() { printf '[destinations] %s\n' "$*"; }
die() { printf '[destinations] ERROR: %s\n' "$*" >&2; exit 1; }
running() { local pid; pid=$(cat "$DIR/$1.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local name=$1; shift
  if running "$name"; then return; fi
  setsid "$@" >>"$DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/$name.pid"
}

stop() {
  local pid; pid=$(cat "$DIR/$1.pid" 2>/dev/null) || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$DIR/$1.pid"
}

wait_port() {
  local name=$1 port=$2 deadline=$((SECONDS + 30))
  until tcp_open "$port"; do
    running "$name" || { tail -n 20 "$DIR/$name.log" >&2; die "$name exited during start-up"; }
    (( SECONDS < deadline )) || die "$name not listening on $port"
    sleep 0.2
  done
}

servers_installed() {
  [ -x "$PYTHON" ] || die "the SFTP/FTP test servers are not installed: bash deploy/local/install.sh test-servers"
}

# Host key (its fingerprint is what the tests pin) and the FTP server's self-signed certificate for 127.0.0.1 (the
# test stack trusts it through NODE_EXTRA_CA_CERTS, nothing else does): made once per stack folder, kept by restarts.
keys_up() {
  "$PYTHON" "$SERVERS" keys --host-key "$DIR/ssh_host_ed25519_key" --tls-cert "$DIR/ftp-tls.pem" --tls-key "$DIR/ftp-tls.key" \
    || die "could not create the test servers' host key and certificate"
}

sftp_up() { # folders, from scratch
  rm -rf "$SFTP_ROOT"
  mkdir -p "$SFTP_ROOT/upload" "$SFTP_ROOT/readonly"
}

sftp_run() {
  TEST_SERVER_PASSWORD="$SFTP_PASSWORD" start sftp "$PYTHON" "$SERVERS" sftp --port "$SFTP_PORT" --root "$SFTP_ROOT" \
    --home /upload --writable /upload --user "$SFTP_USER" --host-key "$DIR/ssh_host_ed25519_key"
  wait_port sftp "$SFTP_PORT"
}

ftp_up() { # folders, from scratch
  rm -rf "$FTP_ROOT"
  mkdir -p "$FTP_ROOT/exports" "$FTP_ROOT/readonly"
}

ftp_run() {
  TEST_SERVER_PASSWORD="$FTP_PASSWORD" start ftp "$PYTHON" "$SERVERS" ftp --port "$FTP_PORT" --root "$FTP_ROOT" \
    --read-only /readonly --user "$FTP_USER" --tls-cert "$DIR/ftp-tls.pem" --tls-key "$DIR/ftp-tls.key" \
    --passive-ports "$FTP_PASV_MIN-$FTP_PASV_MAX"
  wait_port ftp "$FTP_PORT"
}

gcs_run() {
  mkdir -p "$DIR/gcs"
  start fake-gcs "$TOOLS/bin/fake-gcs-server" -scheme http -host 127.0.0.1 -port "$GCS_PORT" -backend filesystem \
    -filesystem-root "$DIR/gcs" -external-url "http://127.0.0.1:$GCS_PORT" -public-host "127.0.0.1:$GCS_PORT" -log-level warn
  wait_port fake-gcs "$GCS_PORT"
}

# A customer's S3: a second versitygw, with its own keys and region (us-west-2, as in the reference's example).
s3_run() {
  mkdir -p "$DIR/s3/data" "$DIR/s3/meta"
  ROOT_ACCESS_KEY="$S3_DEST_ACCESS_KEY" ROOT_SECRET_KEY="$S3_DEST_SECRET_KEY" \
    start customer-s3 "$TOOLS/bin/versitygw" --port "127.0.0.1:$S3_DEST_PORT" --region "$S3_DEST_REGION" \
    posix --sidecar "$DIR/s3/meta" "$DIR/s3/data"
  wait_port customer-s3 "$S3_DEST_PORT"
}

# Ports already served by someone else (another stack's servers) would be tested instead of ours.
refuse_foreign_ports() {
  local pair name port
  for pair in sftp:$SFTP_PORT ftp:$FTP_PORT fake-gcs:$GCS_PORT customer-s3:$S3_DEST_PORT; do
    name=${pair%%:*}; port=${pair##*:}
    if ! running "$name" && tcp_open "$port"; then die "port $port (for $name) is already in use by another process; stop it and retry"; fi
  done
}

# sshd and vsftpd: the names of the SFTP and FTP servers when they were OpenSSH and vsftpd (callers still use them).
server() { case "$1" in sshd) echo sftp ;; vsftpd) echo ftp ;; *) echo "$1" ;; esac; }

case "${1:-}" in
  up)
    servers_installed; mkdir -p "$DIR"; refuse_foreign_ports; keys_up; sftp_up; ftp_up; sftp_run; ftp_run; gcs_run; s3_run
    log "SFTP :$SFTP_PORT, FTP :$FTP_PORT, GCS :$GCS_PORT, S3 :$S3_DEST_PORT" ;;
  down) for name in sftp ftp fake-gcs customer-s3; do stop "$name"; done ;;
  # Stop and start one server without touching its files (outage tests).
  stop) stop "$(server "$2")" ;;
  start) case "$(server "$2")" in sftp) sftp_run ;; ftp) ftp_run ;; fake-gcs) gcs_run ;; customer-s3) s3_run ;; *) die "no server $2" ;; esac ;;
  *) echo "usage: $0 up|down|stop NAME|start NAME (NAME: sftp, ftp, fake-gcs, customer-s3)" >&2; exit 2 ;;
esac
