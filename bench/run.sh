#!/usr/bin/env bash
# redwire's benchmark suite (issue 7): `npm run bench [-- --quick]` from the repo root, or `bash bench/run.sh`.
# Installs the peers (npm ci in bench/), snapshots redwire's build into bench/.redwire (building dist/ first if it is
# missing; --build compiles lib/ straight into the snapshot), starts the bench servers (6500 and cluster 7500-7502,
# docs/PORTS.md) unless they already run, runs every workload for every client and stops what it started.
# Other arguments go to bench/src/main.mjs: --quick, --rounds N, --duration MS, --only 1,3,8, --variants a,b,
# --results FILE, --smoke (CI: one 50 ms round, exit 1 if redwire fails a workload), --no-pin (see below). `--write-results` writes
# bench/RESULTS.md (do that on a full run). CPU profile of one measurement: node bench/src/profile.mjs 3 redwire
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
log() { echo "[bench] $*" >&2; }

build=0
nopin=0
args=()
for a in "$@"; do
  case "$a" in
    --build) build=1 ;;
    --no-pin) nopin=1 ;;
    --write-results) args+=(--results "$BENCH_DIR/RESULTS.md") ;;
    *) args+=("$a") ;;
  esac
done

command -v redis-server >/dev/null || { log "redis-server is not installed (apt-get install redis-server)"; exit 1; }
command -v redis-benchmark >/dev/null || log "redis-benchmark not found: the server-limit line will say so"

if [ ! -d "$BENCH_DIR/node_modules/ioredis" ] || [ ! -d "$BENCH_DIR/node_modules/@redis/client" ]; then
  log "installing the peer clients (npm ci --prefix bench)"
  npm ci --prefix "$BENCH_DIR" --no-audit --no-fund >&2
fi

# A private snapshot of redwire's build: others may rebuild dist/ (rm -rf) while the benchmark runs. A dist/ that
# lacks the client API (stale) is not used: lib/ is compiled into the snapshot instead.
SNAP="$BENCH_DIR/.redwire"
rm -rf "$SNAP"
if [ "$build" = 0 ] && [ ! -f "$ROOT/dist/esm/index.js" ]; then
  log "dist/ is missing: npm run build"
  (cd "$ROOT" && npm run build) >&2 || log "npm run build failed"
fi
complete() { REDWIRE_DIST="$1" node -e "import('$BENCH_DIR/src/clients/redwire.mjs').then((m) => m.loadRedwire()).then((r) => process.exit(r.RedisClient && r.ClusterClient && r.RespDecoder ? 0 : 1), () => process.exit(1))"; }
if [ "$build" = 0 ] && [ -f "$ROOT/dist/esm/index.js" ] && cp -r "$ROOT/dist/esm" "$SNAP" && echo '{"type":"module"}' >"$SNAP/package.json" && complete "$SNAP"; then
  log "redwire from dist/ (snapshot in bench/.redwire)"
else
  [ "$build" = 1 ] || log "dist/ lacks RedisClient/ClusterClient/RespDecoder (stale build?)"
  log "compiling lib/ into bench/.redwire"
  rm -rf "$SNAP"
  (cd "$ROOT" && npx tsc -p tsconfig.build.esm.json --outDir "$SNAP" --declaration false) >&2 || log "tsc reported errors (emitted anyway)"
fi
[ -f "$SNAP/index.js" ] || { log "no redwire build in $SNAP"; exit 1; }
echo '{"type":"module"}' >"$SNAP/package.json"
export REDWIRE_DIST="$SNAP"

up() { (echo PING | timeout 2 redis-cli -p "$1" 2>/dev/null | grep -q PONG); }
all_up() { up 6500 && up 7500 && up 7501 && up 7502; }

started_servers=0
cleanup() {
  if [ "$started_servers" = 1 ]; then
    log "stopping the bench servers it started"
    bash "$ROOT/test/scripts/topology.sh" down bench >&2 || true
  fi
}
trap cleanup EXIT INT TERM

if ! all_up; then
  [ -f "$ROOT/test/scripts/topology.sh" ] || { log "test/scripts/topology.sh is missing: cannot start the bench servers"; exit 1; }
  log "starting the bench servers (topology.sh up bench)"
  started_servers=1
  bash "$ROOT/test/scripts/topology.sh" up bench >&2
fi
# The cluster must be serving every slot before the cluster workload starts.
for _ in $(seq 1 50); do
  redis-cli -p 7500 CLUSTER INFO 2>/dev/null | grep -q 'cluster_state:ok' && break
  sleep 0.2
done

# Fixed CPUs (--no-pin to skip): the servers on the last CPU, every client process on CPU 0. On this VM each vCPU's
# speed drifts on its own (another tenant on its host core: measured 1.8k vs 3.1k loops/s on the two vCPUs at one
# moment, the other way round later), and the kernel keeps a process on the vCPU it started on, so unpinned clients
# were compared on different-speed CPUs. Pinned, every client runs on the same vCPU and interleaving evens out drift.
pin=()
ncpu="$(nproc 2>/dev/null || echo 1)"
if [ "$nopin" = 0 ] && [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
  last=$((ncpu - 1))
  for port in 6500 7500 7501 7502; do
    pid="$(redis-cli -p "$port" INFO server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
    [ -n "$pid" ] && taskset -a -cp "$last" "$pid" >/dev/null
  done
  pin=(taskset -c 0)
  log "pinned: servers on CPU $last, clients on CPU 0"
fi

"${pin[@]}" node "$BENCH_DIR/src/main.mjs" "${args[@]}"
