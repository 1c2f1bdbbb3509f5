#!/usr/bin/env bash
# Times the README's first curl against a running `make up` stack: POST, then poll the job every 50 ms until it
# ends; prints the seconds from POST to the end. Usage: bash test/bench/first-curl.sh [runs]
set -euo pipefail
: "${PORT:=3000}"
: "${DEMO_API_KEY:=demo-key-local-only}"
RUNS="${1:-3}"
BODY='{"name":"activities_batch_march25","exportType":"csv","showHeader":true,"selected_timeframe_start":"2019-03-24T00:00:00.000Z","selected_timeframe_end":"2019-03-25T23:59:59.999Z","selected_message_type":"batch","selected_action_name":"message-sent"}'
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  job=$(curl -sf -u "$DEMO_API_KEY:" -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$PORT/v2/contactactivityexport" \
    | sed -n 's/.*"jobId":"\([^"]*\)".*/\1/p')
  [ -n "$job" ] || { echo "POST refused" >&2; exit 1; }
  while :; do
    view=$(curl -sf -u "$DEMO_API_KEY:" "http://127.0.0.1:$PORT/v2/jobs/$job")
    case "$view" in *'"status":"done"'*|*'"status":"failed"'*) break ;; esac
    sleep 0.05
  done
  end=$(date +%s%N)
  status=$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$view" | head -1)
  records=$(sed -n 's/.*"completedItems":\([0-9]*\).*/\1/p' <<<"$view")
  echo "run $run: $status, $records records, $(( (end - start) / 1000000 )) ms from POST to the end"
done
