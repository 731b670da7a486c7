#!/usr/bin/env bash
# The README's first command: a local Redis on 6380, the sample Nest app against it, and a few requests.
#
#   bash scripts/demo.sh [--keep]      (after npm ci; or: npm run demo -- --keep)
#
# Starts redis-server on 127.0.0.1:6380 (test/scripts/topology.sh up demo; nothing kept on disk), compiles the
# sample (sample/tsconfig.json → sample/dist), starts it on 127.0.0.1:${DEMO_PORT:-3000}, curls /counter, /cache and
# /health, then stops the app and the server it started. --keep leaves both running and prints how to stop them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

[ -d node_modules/@nestjs/core ] || die "dependencies are missing: run 'npm ci' first."
command -v redis-server >/dev/null || die "redis-server is not installed (e.g. apt-get install redis-server, brew install redis)."
command -v curl >/dev/null || die "curl is not installed."
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
show GET /health
echo

if [ "$KEEP" = 1 ]; then
  say "Left running (--keep): the sample (pid $APP_PID) and Redis on $REDIS_PORT"
  echo "stop them with: kill $APP_PID; bash test/scripts/topology.sh down demo"
else
  say "Stopping the sample and Redis"
fi
