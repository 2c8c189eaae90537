# Shared steps of the run and test commands.  Sourced, never executed.
# Every step is idempotent: it checks before it acts, so a second run is quick.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BANTEN_VENV:-$ROOT/.venv}"
STATE="${BANTEN_STATE_DIR:-$ROOT/var}"
PY="${BANTEN_PYTHON:-python3.11}"
PGVER="${BANTEN_PG_VERSION:-15}"
PGPORT="${BANTEN_PG_PORT:-5432}"
REDIS_PORT="${BANTEN_REDIS_PORT:-6379}"
DB_NAME="${BANTEN_DB_NAME:-bantensatudata}"
DB_USER="${BANTEN_DB_USER:-bantensatudata}"
TEST_DB_NAME="${BANTEN_TEST_DB:-bantensatudata_test}"
TEST_DB_USER="bantensatudata_test"
# The test role owns only the throw-away test database on loopback; its
# password is fixed so that test.ini stays self-contained (not a secret).
TEST_DB_PASSWORD="bantensatudata_test"
CONFIG="$ROOT/config/ckan.ini"
CKAN="$VENV/bin/ckan"

# Never stop silently: name the step that failed.
trap 'printf "\033[1;31mERROR:\033[0m step failed (%s:%s): %s\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# --- Debian packages -------------------------------------------------------
APT_PACKAGES=(postgresql-"$PGVER" redis-server libmagic1 file gettext
              git curl ca-certificates)
APT_TEST_PACKAGES=(chromium nodejs npm jq)

ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # node/npm may come from elsewhere (nodesource, the image): accept a working binary.
  local filtered=()
  for pkg in "${missing[@]}"; do
    case "$pkg" in
      nodejs) command -v node >/dev/null || filtered+=("$pkg") ;;
      npm) command -v npm >/dev/null || filtered+=("$pkg") ;;
      *) filtered+=("$pkg") ;;
    esac
  done
  [ "${#filtered[@]}" -eq 0 ] && return 0
  say "Installing Debian packages: ${filtered[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
}

# --- services ----------------------------------------------------------------
port_owner() {
  # Prints the command listening on a TCP port on loopback, or nothing.
  local port="$1"
  if command -v ss >/dev/null; then
    ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)".*/\1/p' | head -n1
  fi
}

pg_running() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$PGVER" '$1==v && $2=="main" {print $4}' | grep -q online
}

ensure_postgres() {
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PGVER" '$1==v && $2=="main"' | grep -q .; then
    say "Creating PostgreSQL $PGVER cluster"
    as_root pg_createcluster "$PGVER" main -p "$PGPORT" >/dev/null
  fi
  if ! pg_running; then
    local owner
    owner="$(port_owner "$PGPORT")"
    if [ -n "$owner" ] && [ "$owner" != "postgres" ]; then
      die "port $PGPORT is taken by '$owner'. Stop it, or set BANTEN_PG_PORT to a free port and re-run."
    fi
    say "Starting PostgreSQL $PGVER"
    # A killed previous run can leave a stale pid file; pg_ctlcluster handles it.
    as_root pg_ctlcluster "$PGVER" main start || {
      tail -n 20 "/var/log/postgresql/postgresql-$PGVER-main.log" >&2 || true
      die "PostgreSQL did not start (log above). See README, Troubleshooting."
    }
  fi
  local port
  port="$(pg_conftool -s "$PGVER" main show port 2>/dev/null || echo "$PGPORT")"
  PGPORT="$port"
}

psql_admin() {
  as_root runuser -u postgres -- psql -p "$PGPORT" -v ON_ERROR_STOP=1 -qtA "$@"
}

ensure_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  local owner
  owner="$(port_owner "$REDIS_PORT")"
  [ -n "$owner" ] && die "port $REDIS_PORT is taken by '$owner' which does not answer as Redis."
  say "Starting Redis"
  if ! as_root service redis-server start >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes >/dev/null
  fi
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "Redis did not start on port $REDIS_PORT"
}

ensure_role() {
  # ensure_role NAME PASSWORD: creates or re-keys a login role.
  local name="$1" password="$2"
  psql_admin -c "DO \$\$BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$name') THEN
        CREATE ROLE \"$name\" LOGIN PASSWORD '$password';
      ELSE
        ALTER ROLE \"$name\" WITH LOGIN PASSWORD '$password';
      END IF; END\$\$;" >/dev/null
}

ensure_database() {
  # ensure_database NAME OWNER: creates it with the extensions our search needs.
  local name="$1" owner="$2"
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    say "Creating database $name"
    psql_admin -c "CREATE DATABASE \"$name\" OWNER \"$owner\" ENCODING 'UTF8' TEMPLATE template0" >/dev/null
  fi
  # Extensions need superuser; the migrations only use them.
  psql_admin -d "$name" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent;" >/dev/null
}

# --- Python ------------------------------------------------------------------
install_stamp() {
  # Changes whenever what pip would install changes.
  cat "$ROOT/setup.py" "$ROOT/requirements.txt" 2>/dev/null | sha256sum | cut -c1-16
}

ensure_venv() {
  local extras="${1:-}"
  command -v "$PY" >/dev/null || die "$PY is required (Debian: apt-get install python3.11 python3.11-venv)"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating virtualenv $VENV"
    "$PY" -m venv "$VENV"
  fi
  local stamp_file="$VENV/.banten-install${extras:+-$extras}"
  local stamp
  stamp="$(install_stamp)"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    return 0
  fi
  say "Installing the portal into $VENV (first run takes a few minutes)"
  "$VENV/bin/pip" install -q --disable-pip-version-check -U "pip>=24" "setuptools>=75" wheel
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt"
  if [ -n "$extras" ]; then
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements-test.txt"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e "$ROOT"
  echo "$stamp" > "$stamp_file"
}

compile_translations() {
  # .mo files are build products: compiled from the committed .po at install.
  local po
  while IFS= read -r -d '' po; do
    local mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
      msgfmt --check-format -o "$mo" "$po"
    fi
  done < <(find "$ROOT" -path "$VENV" -prune -o -path "$ROOT/node_modules" -prune -o -name '*.po' -print0)
}
