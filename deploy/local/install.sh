#!/usr/bin/env bash
# Installs every pinned tool of the local stack into .tools/ (git-ignored), idempotently:
# a tool whose stamp file matches its pinned version is skipped, so a second run installs nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/deploy/local/versions.env"
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin" "$TOOLS/stamps"

installed() { [ -f "$TOOLS/stamps/$1" ] && [ "$(cat "$TOOLS/stamps/$1")" = "$2" ]; }
stamp() { echo "$2" > "$TOOLS/stamps/$1"; }

go_tool() { # name module version [ldflags]
  local name=$1 module=$2 version=$3 ldflags=${4:-}
  if installed "$name" "$version" && [ -x "$TOOLS/bin/$name" ]; then return; fi
  echo "[install] $name $version"
  GOBIN="$TOOLS/bin" GOFLAGS=-buildvcs=false go install ${ldflags:+-ldflags="$ldflags"} "$module@$version"
  stamp "$name" "$version"
}

# FerretDB is embedded in a small module of ours (deploy/local/ferretdb-server, see its main.go for why), built
# against a patched copy of FerretDB (the patches and why: deploy/local/ferretdb-server/patches/).
ferretdb() {
  local src="$ROOT/deploy/local/ferretdb-server"
  local version; version="$FERRETDB_VERSION+$(cat "$src"/*.go "$src/go.mod" "$src/go.sum" "$src"/patches/*.patch | sha256sum | cut -c1-12)"
  if installed ferretdb-server "$version" && [ -x "$TOOLS/bin/ferretdb-server" ]; then return; fi
  echo "[install] ferretdb-server (FerretDB $FERRETDB_VERSION, patched)"
  local build="$TOOLS/src/ferretdb-server" module
  rm -rf "$build" && mkdir -p "$build"
  (cd "$src" && go mod download github.com/FerretDB/FerretDB)
  module="$(cd "$src" && go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
  cp -r "$module" "$build/ferretdb" && chmod -R u+w "$build/ferretdb"
  # A repository of its own, so the patches apply relative to it (not to ours) and a later change can be diffed.
  git -C "$build/ferretdb" init -q
  for patch in "$src"/patches/*.patch; do git -C "$build/ferretdb" apply "$patch"; done
  cp "$src/go.mod" "$src/go.sum" "$build/"
  echo "replace github.com/FerretDB/FerretDB => $build/ferretdb" >> "$build/go.mod"
  (cd "$src" && GOFLAGS=-buildvcs=false go build -modfile="$build/go.mod" -trimpath -o "$TOOLS/bin/ferretdb-server" .)
  stamp ferretdb-server "$version"
}

kafka() {
  local version="$KAFKA_VERSION+$SLF4J_VERSION"
  if installed kafka "$version" && ls "$TOOLS/kafka/libs"/kafka_2.13-*.jar >/dev/null 2>&1; then return; fi
  echo "[install] kafka $KAFKA_VERSION (Maven Central)"
  rm -rf "$TOOLS/kafka" && mkdir -p "$TOOLS/kafka/libs"
  cat > "$TOOLS/kafka/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.stack</groupId><artifactId>kafka-classpath</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>$SLF4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$TOOLS/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$TOOLS/kafka/libs"
  stamp kafka "$version"
}

# The customer-side SFTP and FTP servers of the delivery tests (deploy/local/test-servers/servers.py: asyncssh and
# pyftpdlib from PyPI) in a virtual environment of their own. They run as the calling user, with a virtual user and
# folders under the test stack's folder: no root, no system user, no package of the system.
test_servers() {
  local src="$ROOT/deploy/local/test-servers" venv="$TOOLS/test-servers"
  local version; version="$(python3 -c 'import platform; print(platform.python_version())')+$(sha256sum < "$src/requirements.txt" | cut -c1-12)"
  if installed test-servers "$version" && [ -x "$venv/bin/python" ]; then return; fi
  echo "[install] test-servers (asyncssh, pyftpdlib; PyPI)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input --no-deps -r "$src/requirements.txt"
  "$venv/bin/python" -c 'import asyncssh, pyftpdlib, OpenSSL'
  stamp test-servers "$version"
}

case "${1:-all}" in
  kafka) kafka ;;
  all)
    kafka
    ferretdb
    go_tool versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION"
    go_tool mailpit github.com/axllent/mailpit "$MAILPIT_VERSION"
    go_tool fake-gcs-server github.com/fsouza/fake-gcs-server "$FAKE_GCS_VERSION"
    ;;
  test-servers) test_servers ;;
esac
