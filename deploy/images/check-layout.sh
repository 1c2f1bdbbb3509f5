#!/usr/bin/env bash
# Checks the runtime layout of the image (deploy/images/Dockerfile) without a container builder: rebuilds the final
# stage in a temporary folder (dist/, package.json, production node_modules from `npm ci --omit=dev`) and proves,
# from there, with NODE_ENV=production, a clean environment and no tsconfig*.json, that
#   1. dist/ has no unresolved `@cae/*` require (tsc-alias ran) and no dev dependency is reachable;
#   2. the entrypoint refuses an unknown or missing service with its usage and exit code 2;
#   3. every service's app module loads with production dependencies only;
#   4. every service (and migrate, once built) starts through the entrypoint, loads its whole main module and
#      validates its configuration (given an invalid setting on purpose, so nothing connects anywhere).
# Needs a build first (make build). Usage: deploy/images/check-layout.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SERVICES=(api-gateway query writer delivery jobs)

fail() { printf '[check-layout] FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf '[check-layout] ok: %s\n' "$*"; }

[ -f "$ROOT/dist/tools/runtime/start.js" ] || fail "dist/tools/runtime/start.js is missing: run 'make build' first"

APP=$(mktemp -d "${TMPDIR:-/tmp}/cae-image-layout.XXXXXX")
trap 'rm -rf "$APP"' EXIT
cp -R "$ROOT/dist" "$APP/dist"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$APP/"
# As in the image's prod-deps stage; from the npm cache this takes seconds.
(cd "$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null) ||
  fail "npm ci --omit=dev failed"
rm -f "$APP/package-lock.json"

# in_image CMD...: runs CMD in the folder as the container would: only PATH, a HOME with nothing in it (no global
# node_modules), NODE_ENV=production; no NODE_OPTIONS or NODE_PATH from the caller.
in_image() { (cd "$APP" && env -i PATH="$PATH" HOME="$APP" NODE_ENV=production "$@"); }

# 1. Nothing left to resolve at run time.
[ -z "$(find "$APP" -name 'tsconfig*.json' -not -path "$APP/node_modules/*")" ] ||
  fail "a tsconfig*.json is in the image folder"
if unresolved=$(grep -rlE "require\(['\"]@cae/" "$APP/dist" --include='*.js'); then
  fail "dist/ still requires @cae/* aliases (was it built without tsc-alias?):"$'\n'"$unresolved"
fi
for dev in typescript tsc-alias tsconfig-paths ts-node jest; do
  if in_image node -e "require.resolve('$dev')" 2>/dev/null; then
    fail "dev dependency '$dev' is reachable from the image folder (a node_modules above $APP?)"
  fi
done
ok "no @cae/* require in dist/, no tsconfig, no dev dependency reachable"

# 2. The entrypoint's usage error.
for args in bogus ""; do
  code=0
  # shellcheck disable=SC2086 # $args is empty or one word: no argument at all is the case checked
  out=$(in_image node dist/tools/runtime/start.js $args 2>&1) || code=$?
  [ "$code" = 2 ] || fail "start.js ${args:-(no argument)} exited $code, expected 2; output: $out"
  grep -q '^usage: start.js <api-gateway|query|writer|delivery|jobs|migrate>' <<<"$out" ||
    fail "start.js ${args:-(no argument)} printed no usage: $out"
done
ok "start.js refuses an unknown or missing service (exit 2, usage)"

# refuses_config TARGET VAR=VALUE: start.js TARGET loads the whole target (every module it imports) and stops at
# its configuration check, which VAR=VALUE fails: exit 1 with `invalid configuration` naming VAR. Nothing connects.
refuses_config() {
  local target=$1 setting=$2 code=0 out
  out=$(in_image "$setting" timeout 30 node dist/tools/runtime/start.js "$target" 2>&1) || code=$?
  if [ "$code" != 1 ] || ! grep -q 'invalid configuration' <<<"$out" || ! grep -q "${setting%%=*}" <<<"$out"; then
    fail "$target: with $setting, start.js $target should load it and refuse its configuration (exit 1)," \
      "got exit $code:"$'\n'"$out"
  fi
}

for svc in "${SERVICES[@]}"; do
  # 3. The app module and everything it imports, with production dependencies only.
  out=$(in_image node -e "require('./dist/apps/$svc/src/app.module.js')" 2>&1) ||
    fail "$svc: dist/apps/$svc/src/app.module.js does not load in the image layout:"$'\n'"$out"
  # 4. The whole service through the entrypoint, up to its configuration check.
  refuses_config "$svc" PORT=0
  ok "$svc: app module loads; start.js $svc loads the service and validates its configuration"
done

# The migrations (tools/migrate/migrate.ts), once they are part of the build, the same way.
if [ -f "$APP/dist/tools/migrate/migrate.js" ]; then
  refuses_config migrate MONGODB_URI=not-a-uri
  ok "migrate: start.js migrate loads the migrations and validates its configuration"
else
  printf '[check-layout] note: dist/tools/migrate/migrate.js is not built yet; start.js migrate will say so\n'
fi
ok "image layout"
