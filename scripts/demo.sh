#!/usr/bin/env bash
# The README's first command: a local Redis on 6380, the sample Nest app against it, and a few requests.
#
#   bash scripts/demo.sh [--keep]      (after npm ci; or: npm run demo -- --keep)
#
# Starts redis-server on 127.0.0.1:6380 (test/scripts/topology.sh up demo; nothing kept on disk), compiles the
# sample (sample/tsconfig.json → sample/dist), starts it on 127.0.0.1:${DEMO_PORT:-3000}, curls /counter, /cache and
# /health, then stops the app and the server it started. --keep leaves both running and prints how to stop them.
# Without redis-server / redis-cli / curl it installs them as .ci/run does (apt-get, as root or through sudo);
# where it cannot (no apt-get, no root or sudo, or DEMO_NO_INSTALL=1) it prints the command to run and exits 1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument '$arg' (use --keep)" >&2; exit 2 ;;
  esac
done

PORT="${DEMO_PORT:-3000}"
REDIS_PORT=6380
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
RUN_DIR="${TMPDIR:-/tmp}/redwire-demo-app"
APP_LOG="$RUN_DIR/sample.log"
APP_PID=""
STARTED_REDIS=0

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "demo.sh: $*" >&2; exit 1; }

cleanup() {
  local status=$?
  if [ "$KEEP" = 1 ] && [ "$status" = 0 ]; then return; fi
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM "$APP_PID" 2>/dev/null || true
    # The app drains Redis and exits on SIGTERM (enableShutdownHooks); give it a few seconds.
    for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$APP_PID" 2>/dev/null || true
  fi
  if [ "$status" != 0 ] && [ -f "$APP_LOG" ]; then echo "--- last lines of $APP_LOG ---" >&2; tail -n 30 "$APP_LOG" >&2; fi
  if [ "$STARTED_REDIS" = 1 ]; then bash test/scripts/topology.sh down demo >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The tools the demo needs, installed the way .ci/run installs them; otherwise the exact command to run.
ensure_tools() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v curl >/dev/null || missing+=(curl)
  [ "${#missing[@]}" -gt 0 ] || return 0
  local can_root=0
  if [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; then can_root=1; fi
  if ! command -v apt-get >/dev/null || [ "$can_root" = 0 ] || [ "${DEMO_NO_INSTALL:-0}" = 1 ]; then
    local why="no apt-get"
    command -v apt-get >/dev/null && why="not root and no sudo"
    [ "${DEMO_NO_INSTALL:-0}" = 1 ] && why="DEMO_NO_INSTALL=1"
    echo "demo.sh: missing ${missing[*]} ($why). Install them, then run this again:" >&2
    if command -v apt-get >/dev/null; then
      echo "  as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    elif command -v brew >/dev/null; then
      echo "  brew install redis" >&2
    elif command -v dnf >/dev/null; then
      echo "  sudo dnf install -y redis curl" >&2
    else
      echo "  install Redis >= 7 (redis-server and redis-cli) and curl with your package manager" >&2
    fi
    exit 1
  fi
  local via="apt-get"
  [ "$(id -u)" = 0 ] || via="sudo apt-get"
  say "Installing ${missing[*]} ($via install)"
  # env after sudo: sudo drops the caller's environment by default.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
    die "apt-get could not install ${missing[*]}; run as root: apt-get update && apt-get install -y ${missing[*]}"
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v curl >/dev/null ||
    die "apt-get installed ${missing[*]}, but redis-server, redis-cli or curl is still not on PATH ($PATH)."
}

[ -d node_modules/@nestjs/core ] || die "dependencies are missing: run 'npm ci' first."
ensure_tools
if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  die "something already listens on 127.0.0.1:$PORT; set DEMO_PORT to a free port."
fi

say "Redis on 127.0.0.1:$REDIS_PORT"
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "already running; the demo will leave it running"
else
  bash test/scripts/topology.sh up demo
  STARTED_REDIS=1
fi

say "Compiling the sample (tsc -p sample/tsconfig.json)"
node node_modules/typescript/bin/tsc -p sample/tsconfig.json

say "Starting the sample on http://127.0.0.1:$PORT (REDIS_URL=$REDIS_URL, log: $APP_LOG)"
mkdir -p "$RUN_DIR"
PORT="$PORT" node sample/dist/sample/main.js >"$APP_LOG" 2>&1 &
APP_PID=$!
deadline=$((SECONDS + 30))
until curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; do
  kill -0 "$APP_PID" 2>/dev/null || die "the sample exited during startup."
  [ "$SECONDS" -lt "$deadline" ] || die "the sample did not answer within 30 s."
  sleep 0.2
done

show() {
  local method="$1" path="$2" body="${3:-}"
  local args=(-s -X "$method" -w '\n%{http_code}' "http://127.0.0.1:$PORT$path")
  [ -z "$body" ] || args+=(-H 'content-type: application/json' -d "$body")
  local out code
  out="$(curl "${args[@]}")"
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  printf '\n$ curl -X %s http://127.0.0.1:%s%s%s\n' "$method" "$PORT" "$path" "${body:+ -d '$body'}"
  if command -v jq >/dev/null; then printf '%s' "$out" | jq . 2>/dev/null || printf '%s\n' "$out"; else printf '%s\n' "$out"; fi
  printf 'HTTP %s\n' "$code"
}
show GET /counter
show GET /counter
show PUT /cache/greeting '{"value":"hello from redwire","ttl":60}'
show GET /cache/greeting
show GET /cached/time
show GET /cached/time
show POST /mail '{"to":"ada@example.com"}'
show GET /math/sum?n=1,2,39
show GET /health
echo

if [ "$KEEP" = 1 ]; then
  say "Left running (--keep): the sample (pid $APP_PID) and Redis on $REDIS_PORT"
  echo "stop them with: kill $APP_PID; bash test/scripts/topology.sh down demo"
else
  say "Stopping the sample and Redis"
fi
