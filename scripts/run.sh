#!/usr/bin/env bash
# Brings the whole portal up: services, venv, config, database, seed, index, server.
# Usage: scripts/run.sh [--dev]     (--dev: CKAN's auto-reloading dev server, foreground)
source "$(dirname "$0")/lib.sh"

MODE="${1:-prod}"
HOST="${BANTEN_HOST:-127.0.0.1}"
PORT="${BANTEN_PORT:-5000}"
WORKERS="${BANTEN_WORKERS:-2}"
SITE_URL="${BANTEN_SITE_URL:-http://$HOST:$PORT}"
PIDFILE="$STATE/run/gunicorn.pid"

mkdir -p "$STATE"/{log,run,storage,secrets}
chmod 700 "$STATE/secrets"

ensure_apt "${APT_PACKAGES[@]}"
ensure_postgres
ensure_redis

# Secrets: generated once, kept across runs, never committed (var/ is ignored).
secret() {
  local f="$STATE/secrets/$1"
  if [ ! -s "$f" ]; then (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$f"); fi
  cat "$f"
}
DB_PASSWORD="$(secret db_password)"
SECRET_KEY="$(secret secret_key)"

ensure_role "$DB_USER" "$DB_PASSWORD"
ensure_database "$DB_NAME" "$DB_USER"
ensure_venv
compile_translations

if [ ! -f "$CONFIG" ]; then
  say "Writing $CONFIG"
  tmp="$(mktemp "$CONFIG.XXXX")"
  sed -e "s|@SECRET_KEY@|$SECRET_KEY|" \
      -e "s|@SQLALCHEMY_URL@|postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PGPORT/$DB_NAME|" \
      -e "s|@REDIS_PORT@|$REDIS_PORT|" -e "s|@SITE_URL@|$SITE_URL|" \
      -e "s|@STATE@|$STATE|g" -e "s|@ROOT@|$ROOT|g" \
      "$ROOT/config/ckan.ini.template" > "$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$CONFIG"   # atomic: a killed run never leaves half a config
fi
export CKAN_INI="$CONFIG"

say "Database schema (core and plugin migrations)"
"$CKAN" db init >/dev/null
"$CKAN" db pending-migrations --apply >/dev/null

# JavaScript strings are built from the compiled catalogues (`ckan run` does this itself; gunicorn does not).
"$CKAN" translation js >/dev/null 2>&1 || warn "could not build the JavaScript translations"

if "$CKAN" satudata --help >/dev/null 2>&1; then
  say "Seeding the Satu Data catalogue"
  "$CKAN" satudata seed
fi

say "Search index"
"$CKAN" search-index rebuild -o -q 2>&1 | grep -v "^$" || true

if [ ! -s "$STATE/secrets/admin_password" ]; then
  if "$CKAN" user show admin 2>/dev/null | grep -q "name=admin"; then
    warn "The database already has a user 'admin' (created by another checkout or an earlier run);"
    warn "its password is not in $STATE/secrets. Reset it with: $CKAN -c $CONFIG user setpass admin"
  else
    ADMIN_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')"
    "$CKAN" user add admin email=admin@bantensatudata.localhost password="$ADMIN_PASSWORD" >/dev/null
    "$CKAN" sysadmin add admin >/dev/null
    (umask 077; echo "$ADMIN_PASSWORD" > "$STATE/secrets/admin_password")
    say "Sysadmin created: login 'admin', password '$ADMIN_PASSWORD'"
    say "  (stored in $STATE/secrets/admin_password; shown only this once)"
  fi
fi

if [ "$MODE" = "--dev" ]; then
  say "Development server with auto-reload on $SITE_URL (Ctrl-C stops it)"
  exec "$CKAN" run --host "$HOST" --port "$PORT"
fi

if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  say "Restarting workers (HUP) of the running server"
  kill -HUP "$(cat "$PIDFILE")"
else
  rm -f "$PIDFILE"
  owner="$(port_owner "$PORT")"
  [ -n "$owner" ] && die "port $PORT is taken by '$owner'. Stop it, or run with BANTEN_PORT=<free port>."
  say "Starting gunicorn ($WORKERS workers)"
  "$VENV/bin/gunicorn" --chdir "$ROOT/config" --workers "$WORKERS" --bind "$HOST:$PORT" \
    --pid "$PIDFILE" --daemon --timeout 120 --graceful-timeout 20 \
    --access-logfile "$STATE/log/access.log" --error-logfile "$STATE/log/gunicorn.log" \
    --env CKAN_INI="$CONFIG" wsgi:application
fi
for _ in $(seq 1 120); do
  if curl -fs -o /dev/null "http://$HOST:$PORT/api/3/action/status_show"; then
    say "Banten Satu Data is up: $SITE_URL   (stop: make stop; logs: $STATE/log/)"
    exit 0
  fi
  sleep 0.5
done
tail -n 30 "$STATE/log/gunicorn.log" >&2 || true
die "the server did not answer on $SITE_URL within 60 s (log above)"
