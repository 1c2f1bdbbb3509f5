#!/usr/bin/env bash
# Customer-side servers for the delivery tests, on loopback: OpenSSH (chrooted internal-sftp user, password auth),
# vsftpd (passive ports on loopback), fake-gcs-server and a second versitygw as a customer's S3. Creates two system users; needs root.
#   deploy/local/test-destinations.sh up | down
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools"
: "${STACK_DIR:=$ROOT/.data/test}"
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
# Chroot folders must be owned by root all the way up, so they live under /srv, not under the project.
: "${SFTP_ROOT:=/srv/cae-test-sftp}"
: "${FTP_ROOT:=/srv/cae-test-ftp}"
DIR="$STACK_DIR/destinations"

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

ensure_user() { # user password home shell
  id -u "$1" >/dev/null 2>&1 || useradd -M -d "$3" -s "$4" "$1"
  echo "$1:$2" | chpasswd
}

sftp_up() { # users, folders and configuration, from scratch # users, folders and configuration, from scratch
  [ -x /usr/sbin/sshd ] || die "openssh-server is not installed (deploy/local/install.sh test-servers)"
  ensure_user "$SFTP_USER" "$SFTP_PASSWORD" /upload /usr/sbin/nologin
  rm -rf "$SFTP_ROOT"
  install -d -o root -g root -m 755 "$SFTP_ROOT" "$SFTP_ROOT/readonly"
  install -d -o "$SFTP_USER" -m 755 "$SFTP_ROOT/upload"
  [ -f "$DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$DIR/ssh_host_ed25519_key"
  cat > "$DIR/sshd_config" <<CONF
Port $SFTP_PORT
ListenAddress 127.0.0.1
HostKey $DIR/ssh_host_ed25519_key
PidFile $DIR/sshd.own.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $SFTP_USER
MaxStartups 50:30:100
# umask 0: files get exactly the mode the client asks for (as on the server the issue was seen on), so the tests
# see what the delivery service requests.
Subsystem sftp internal-sftp -u 0000
Match User $SFTP_USER
  ChrootDirectory $SFTP_ROOT
  ForceCommand internal-sftp -u 0000
  AllowTcpForwarding no
  PermitTTY no
CONF
}

sftp_run() {
  mkdir -p /run/sshd
  start sshd /usr/sbin/sshd -D -e -f "$DIR/sshd_config"
  wait_port sshd "$SFTP_PORT"
}

ftp_up() { # users, folders and configuration, from scratch
  [ -x /usr/sbin/vsftpd ] || die "vsftpd is not installed (deploy/local/install.sh test-servers)"
  # A self-signed certificate for 127.0.0.1: the test stack trusts it (NODE_EXTRA_CA_CERTS), nothing else does.
  [ -f "$DIR/ftp-tls.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout "$DIR/ftp-tls.key" -out "$DIR/ftp-tls.pem" 2>/dev/null \
    || die "could not create the FTP server's certificate (openssl)"
  grep -qx /bin/bash /etc/shells || echo /bin/bash >> /etc/shells
  ensure_user "$FTP_USER" "$FTP_PASSWORD" "$FTP_ROOT" /bin/bash
  rm -rf "$FTP_ROOT"
  install -d -o "$FTP_USER" -m 755 "$FTP_ROOT" "$FTP_ROOT/exports"
  install -d -o root -g root -m 755 "$FTP_ROOT/readonly"
  cat > "$DIR/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$FTP_PORT
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
# The user's home is shared by every stack on the machine; each stack's server roots its users in its own folder.
local_root=$FTP_ROOT
allow_writeable_chroot=YES
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$FTP_PASV_MIN
pasv_max_port=$FTP_PASV_MAX
pam_service_name=vsftpd
secure_chroot_dir=/var/run/vsftpd/empty
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
max_per_ip=50
userlist_enable=YES
userlist_deny=NO
userlist_file=$DIR/vsftpd.users
# Explicit TLS, and nothing without it: every FTP delivery that succeeds in the tests went over TLS.
ssl_enable=YES
rsa_cert_file=$DIR/ftp-tls.pem
rsa_private_key_file=$DIR/ftp-tls.key
allow_anon_ssl=NO
force_local_logins_ssl=YES
force_local_data_ssl=YES
ssl_ciphers=HIGH
CONF
  echo "$FTP_USER" > "$DIR/vsftpd.users"
  chown root:root "$DIR/vsftpd.conf"
}

ftp_run() {
  mkdir -p /var/run/vsftpd/empty
  start vsftpd /usr/sbin/vsftpd "$DIR/vsftpd.conf"
  wait_port vsftpd "$FTP_PORT"
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
  for pair in sshd:$SFTP_PORT vsftpd:$FTP_PORT fake-gcs:$GCS_PORT customer-s3:$S3_DEST_PORT; do
    name=${pair%%:*}; port=${pair##*:}
    if ! running "$name" && tcp_open "$port"; then die "port $port (for $name) is already in use by another process; stop it and retry"; fi
  done
}

case "${1:-}" in
  up)
    mkdir -p "$DIR"; refuse_foreign_ports; sftp_up; ftp_up; sftp_run; ftp_run; gcs_run; s3_run
    log "SFTP :$SFTP_PORT, FTP :$FTP_PORT, GCS :$GCS_PORT, S3 :$S3_DEST_PORT" ;;
  down) for name in sshd vsftpd fake-gcs customer-s3; do stop "$name"; done ;;
  # Stop and start one server without touching its files (outage tests).
  stop) stop "$2" ;;
  start) case "$2" in sshd) sftp_run ;; vsftpd) ftp_run ;; fake-gcs) gcs_run ;; customer-s3) s3_run ;; esac ;;
  *) echo "usage: $0 up|down|stop NAME|start NAME" >&2; exit 2 ;;
esac
