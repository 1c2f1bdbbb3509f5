#!/usr/bin/env bash
# Installs Debian's `chromium` for the Jobs page suite (test/e2e/jobs-page.e2e-spec.ts drives it with playwright-core;
# `npx playwright install` cannot download browsers here). Idempotent: nothing is done when /usr/bin/chromium exists.
# Needs root, or sudo without a password, for apt-get.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "[install-chromium] no /usr/bin/chromium and no apt-get: install Chromium so that /usr/bin/chromium exists" >&2
  exit 1
fi

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

echo "[install-chromium] apt-get install chromium"
run_as_root apt-get update -q
# With its recommended packages: they bring the fonts the page (and docs/jobs-page.png) is drawn with.
run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
/usr/bin/chromium --version
