#!/usr/bin/env bash
# CI: the organisation and scope tests on a PostgreSQL database whose default collation is not C
# (ICU "zh", as a Chinese deployment would create it). Under C every btree index serves a prefix
# LIKE, so a query that only works fast there (the unit subtree, kaohe.org.models.in_subtree) looks
# fine; here tests/integration/test_org_subtree.py checks that its plan still uses the index.
#
# pytest-django would create the test database from template1 (C here), so this script creates
# it itself with the collation and lets pytest reuse it (--reuse-db, one process: no worker suffix).
# KAOHE_PG_SERVER overrides the server (default postgres://root@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER="${KAOHE_PG_SERVER:-postgres://root@127.0.0.1:5432}"
NAME="kaohe_collation_$$"
TEST_DB="test_$NAME"
TESTS=(
  tests/unit/org/test_logic.py tests/unit/test_scope_paths.py tests/unit/test_excel_reader.py
  tests/integration/test_org_subtree.py tests/integration/test_org_services.py
  tests/integration/test_org_admin.py tests/integration/test_excel_import.py
  tests/integration/test_audit_scope.py tests/integration/test_permissions.py
)

python3 dev.py test -n 0 --collect-only -q "${TESTS[@]}" >/dev/null  # sets up .venv

db() {  # db create|drop: the test database, with an ICU zh default collation
  .venv/bin/python - "$1" "$SERVER" "$TEST_DB" <<'PY'
import sys

import psycopg

action, server, name = sys.argv[1:]
with psycopg.connect(f"{server}/postgres", connect_timeout=10, autocommit=True) as c:
    c.execute(f'drop database if exists "{name}" with (force)')
    if action == "create":
        c.execute(
            f'create database "{name}" template template0 encoding \'UTF8\' '
            "locale_provider icu icu_locale 'zh' locale 'C.UTF-8'"
        )
        row = c.execute(
            "select datlocprovider, daticulocale from pg_database where datname = %s", (name,)
        ).fetchone()
        assert row == ("i", "zh"), row
        print(f"{name}: default collation ICU {row[1]}")
PY
}
trap 'db drop || true' EXIT
db create
DATABASE_URL="$SERVER/$NAME" python3 dev.py test -n 0 --reuse-db "${TESTS[@]}"
