#!/usr/bin/env bash
# Renders every kustomization of deploy/k8s into .data/k8s/rendered/ and fails unless all of them are valid:
#   1. kustomize build (a broken kustomization, patch or reference fails here);
#   2. kubeconform -strict against the schemas shipped in schemas/ only (never a download): every resource of a
#      known kind, no unknown field, no duplicate key; a kind without a schema is an error too;
#   3. check-manifests.mjs: what a schema cannot say (probes, limits and heap, non-root, ports and variables that
#      the code declares, topics and consumer groups of the code, KEDA reading the services' brokers, ...).
# Needs the tools of install-tools.sh (make k8s-tools) and node_modules (the `yaml` package).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
KUSTOMIZE="$ROOT/.tools/bin/kustomize"
KUBECONFORM="$ROOT/.tools/bin/kubeconform"
OUT="$ROOT/.data/k8s/rendered"

for tool in "$KUSTOMIZE" "$KUBECONFORM"; do
  [ -x "$tool" ] || { echo "validate.sh: $tool is missing: run deploy/k8s/install-tools.sh (make k8s-tools)" >&2; exit 1; }
done

# name of the render -> kustomization folder (relative to deploy/k8s)
RENDERS=(
  base=base
  migrate=migrate
  dev=overlays/dev
  dev-migrate=overlays/dev/migrate
  prod=overlays/prod
  prod-migrate=overlays/prod/migrate
)

rm -rf "$OUT"
mkdir -p "$OUT"
for render in "${RENDERS[@]}"; do
  name="${render%%=*}" dir="${render#*=}"
  if ! "$KUSTOMIZE" build "$HERE/$dir" > "$OUT/$name.yaml"; then
    echo "validate.sh: kustomize build deploy/k8s/$dir failed" >&2
    exit 1
  fi
  echo "rendered deploy/k8s/$dir -> .data/k8s/rendered/$name.yaml ($(grep -c '^kind:' "$OUT/$name.yaml") resources)"
done

# The secret example is validated as written: it must stay applicable after filling in the values.
"$KUBECONFORM" -strict -summary -output text \
  -schema-location "$HERE/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  "$OUT"/*.yaml "$HERE/secret.example.yaml"

node "$HERE/check-manifests.mjs" "$OUT" "$HERE/secret.example.yaml"
