# Shared by scripts/up.sh, scripts/test.sh and scripts/down.sh. Each check stops the command
# with one line saying what is wrong and what to do.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

fail() { printf 'cellar: %s\n' "$*" >&2; exit 1; }

require_cmd() { # name, hint
  command -v "$1" >/dev/null 2>&1 || fail "$1 is missing: $2"
}

# host and port of a postgresql:// or redis:// URL (defaults when unset)
url_host() { local u="${1#*://}"; u="${u#*@}"; u="${u%%/*}"; printf '%s' "${u%%:*}"; }
url_port() { local u="${1#*://}"; u="${u#*@}"; u="${u%%/*}"; [[ "$u" == *:* ]] && printf '%s' "${u##*:}" || printf '%s' "$2"; }

require_tcp() { # what, host, port, hint
  if ! (exec 3<>"/dev/tcp/$2/$3") 2>/dev/null; then fail "$1 is not reachable at $2:$3: $4"; fi
}

require_prerequisites() {
  require_cmd java "install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)"
  local java_major
  java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n "$java_major" && "$java_major" -ge 17 ]] || fail "Java 17 or newer is needed, found ${java_major:-unknown}: install openjdk-17"
  require_cmd mvn "install Apache Maven (Debian: apt-get install maven); it fetches Kafka from Maven Central"
  require_cmd npm "install Node.js and npm (any version: the project installs its own Node 24)"
  local pg="${CELLAR_POSTGRES_URL:-${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}}"
  local redis="${REDIS_URL:-redis://127.0.0.1:6379}"
  require_tcp PostgreSQL "$(url_host "$pg")" "$(url_port "$pg" 5432)" "start it (or docker compose up -d postgres) or set CELLAR_POSTGRES_URL"
  require_tcp Redis "$(url_host "$redis")" "$(url_port "$redis" 6379)" "start it (or docker compose up -d redis) or set REDIS_URL"
}

# Installs dependencies (and with them the pinned Node 24 binary) when missing or stale.
ensure_dependencies() {
  if [[ ! -x node_modules/.bin/node || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    printf 'cellar: installing dependencies (npm ci)\n'
    npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed: see the npm output above"
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)' \
    || fail "node_modules/.bin/node is $(node -v), older than 22.12: delete node_modules and run again"
}

# The dashboard's browser test drives Debian's Chromium (playwright-core downloads no browser).
# Installed from Debian's packages when missing and this user may; otherwise one line says how.
ensure_chromium() {
  local chromium="${CELLAR_CHROMIUM:-/usr/bin/chromium}"
  [[ -x "$chromium" ]] && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    printf 'cellar: installing Chromium from Debian packages for the dashboard browser test (once)\n'
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } \
      || fail "apt-get install chromium failed: install Chromium (Debian: apt-get install chromium) or set CELLAR_CHROMIUM to a Chromium binary"
  fi
  [[ -x "$chromium" ]] || fail "Chromium is missing at $chromium: install it (Debian: apt-get install chromium) or set CELLAR_CHROMIUM"
  export CELLAR_CHROMIUM="$chromium"
}
