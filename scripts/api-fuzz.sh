#!/usr/bin/env bash
# Fuzz the JSON API with schemathesis against a demo server (DESIGN §6): no server error and no
# response outside its declared schema, as an office user and as a reviewer. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${KAOHE_FUZZ_PORT:-8099}"
export KAOHE_VAR_DIR
KAOHE_VAR_DIR="$(mktemp -d)"
.venv/bin/kaohe demo --no-input >/dev/null
token() {
  .venv/bin/kaohe manage shell -c "
from django.contrib.auth import get_user_model
from kaohe.accounts.services import create_api_token
print(create_api_token(actor=None, user=get_user_model().objects.get(username='$1'), name='fuzz')[1])" | tail -1
}
OFFICE=$(token office)
REVIEWER=$(token reviewer)
.venv/bin/kaohe demo --serve --no-input --port "$PORT" >"$KAOHE_VAR_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$KAOHE_VAR_DIR"' EXIT
for _ in $(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/openapi.json" && break; sleep 1; done
for who in OFFICE REVIEWER; do
  echo "--- as ${who,,}"
  .venv/bin/st run "http://127.0.0.1:$PORT/api/openapi.json" -H "Authorization: Bearer ${!who}" \
    --checks not_a_server_error,response_schema_conformance --max-examples 15 --workers 2 --seed 2026 \
    | tail -4
done
