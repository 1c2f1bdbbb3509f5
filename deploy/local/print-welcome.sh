#!/usr/bin/env bash
# Printed by `make up`: where the API is, the demo key, and a request that works against the demo data.
: "${PORT:=3000}"
: "${DEMO_API_KEY:=demo-key-local-only}"
cat <<TEXT

  Contact activity export is running.
  API:          http://127.0.0.1:$PORT
  Demo API key: $DEMO_API_KEY   (account "demo", local development only)

  Start an export (batch message-sent activities of March 24-25, 2019, CSV):

    curl -s -u $DEMO_API_KEY: -H 'Content-Type: application/json' \\
      -d '{"name":"activities_batch_march25","exportType":"csv","showHeader":true,"selected_timeframe_start":"2019-03-24T00:00:00.000Z","selected_timeframe_end":"2019-03-25T23:59:59.999Z","selected_message_type":"batch","selected_action_name":"message-sent"}' \\
      http://127.0.0.1:$PORT/v2/contactactivityexport

  Then poll the job and download its file (the job lists each file's url):

    curl -s -u $DEMO_API_KEY: http://127.0.0.1:$PORT/v2/jobs/<jobId>
    curl -s -u $DEMO_API_KEY: -O -J http://127.0.0.1:$PORT/v2/jobs/<jobId>/files/activities_batch_march25.csv

  Stop everything with: make down
TEXT
