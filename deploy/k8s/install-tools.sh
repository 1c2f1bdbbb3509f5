#!/usr/bin/env bash
# Installs the two tools that render and validate the Kubernetes manifests into .tools/bin (git-ignored), from the
# Go module proxy, idempotently: a tool whose stamp matches its pinned version is skipped, so a second run installs
# nothing. Both build with the Go of this machine (1.26): kustomize v5.8.2 is the newest whose go.mod asks for no
# newer Go (v5.8.3 wants 1.27), kubeconform v0.8.0 asks for 1.26.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools"
KUSTOMIZE_VERSION=v5.8.2
KUBECONFORM_VERSION=v0.8.0

mkdir -p "$TOOLS/bin" "$TOOLS/stamps"

go_tool() { # name module version
  local name=$1 module=$2 version=$3
  if [ -x "$TOOLS/bin/$name" ] && [ "$(cat "$TOOLS/stamps/$name" 2>/dev/null)" = "$version" ]; then return; fi
  echo "[install] $name $version"
  # GOTOOLCHAIN=local: never fetch another Go; a version that needs one fails here instead.
  GOTOOLCHAIN=local GOBIN="$TOOLS/bin" GOFLAGS=-buildvcs=false go install "$module@$version"
  echo "$version" > "$TOOLS/stamps/$name"
}

go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
