#!/usr/bin/env bash
# Runs every test: services, a separate test database, CKAN's bundled pytest
# plugin against test.ini.  Extra arguments go to pytest (e.g. -k search -x).
source "$(dirname "$0")/lib.sh"

ensure_apt "${APT_PACKAGES[@]}" "${APT_TEST_PACKAGES[@]}"
ensure_postgres
ensure_redis
ensure_role "$TEST_DB_USER" "$TEST_DB_PASSWORD"
ensure_database "$TEST_DB_NAME" "$TEST_DB_USER"
ensure_venv test
compile_translations

# The real OpenID provider and axe-core come from npm, pinned by package-lock.json.
if [ -f "$ROOT/package-lock.json" ]; then
  lock_stamp="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)"
  if [ ! -d "$ROOT/node_modules" ] || [ "$(cat "$ROOT/node_modules/.banten-lock" 2>/dev/null)" != "$lock_stamp" ]; then
    say "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$lock_stamp" > "$ROOT/node_modules/.banten-lock"
  fi
fi

export CKAN_SQLALCHEMY_URL="postgresql://$TEST_DB_USER:$TEST_DB_PASSWORD@127.0.0.1:$PGPORT/$TEST_DB_NAME"
export CKAN_INI="$ROOT/test.ini"
# Parallel runs (BANTEN_TEST_DB=...) get their own storage and Redis database.
export CKAN_STORAGE_PATH="$ROOT/var/test-storage/$TEST_DB_NAME"
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/${BANTEN_TEST_REDIS_DB:-1}"
export BANTEN_CHROMIUM="${BANTEN_CHROMIUM:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
mkdir -p "$CKAN_STORAGE_PATH" "$ROOT/test-artifacts"

say "Test database schema"
"$CKAN" -c "$ROOT/test.ini" db init >/dev/null
"$CKAN" -c "$ROOT/test.ini" db pending-migrations --apply >/dev/null
"$CKAN" -c "$ROOT/test.ini" translation js >/dev/null

say "Lint (ruff)"
"$VENV/bin/ruff" check "$ROOT"

cd "$ROOT"
trap - ERR  # pytest's own summary is the last word
set +e
"$VENV/bin/pytest" --ckan-ini=test.ini "$@"
rc=$?
set -e
exit $rc
