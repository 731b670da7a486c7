#!/usr/bin/env bash
# Local Redis topologies for redwire's tests, chaos suites, benchmarks and the README demo.
# Ports and names: docs/PORTS.md and test/support/topology.ts (keep all three in sync).
#
#   bash test/scripts/topology.sh up [name...]        start (idempotent) and wait until healthy; no name = the
#                                                      three test topologies (standalone sentinel cluster)
#   bash test/scripts/topology.sh down [name...]      stop and delete; no name = every topology
#   bash test/scripts/topology.sh status              one line per server
#   bash test/scripts/topology.sh start-server <port> restart one server (e.g. after a test SIGKILLed it) from its
#                                                      own config file, so sentinel/cluster nodes rejoin
#   bash test/scripts/topology.sh stop-server <port>  stop one server (SIGTERM, SIGKILL after a deadline)
#
# Names: standalone sentinel cluster chaos-sentinel chaos-cluster bench demo.
# Every server binds loopback only, keeps nothing on disk and lives in ${TMPDIR:-/tmp}/redwire/<name>/ (config file,
# pidfile, logfile, cluster/sentinel state). Each server is started from a config file written there, which
# Sentinel rewrites (CONFIG REWRITE / sentinel state) and which start-server reuses.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

usage() {
  sed -n '4,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd="${1:-}"
[ -n "$cmd" ] || usage
shift

# One topology.sh at a time changes servers (two engineers running `up cluster` at once would both create it).
case "$cmd" in
  up | down | start-server | stop-server)
    if command -v flock >/dev/null; then
      mkdir -p "$REDWIRE_TMP"
      exec 9>"$REDWIRE_TMP/.topology.lock"
      flock -w 300 9 || die "another topology.sh has held $REDWIRE_TMP/.topology.lock for 5 minutes"
    fi
    ;;
esac

case "$cmd" in
  up)
    require_tools
    names=("$@")
    [ "${#names[@]}" -gt 0 ] || names=(standalone sentinel cluster)
    for name in "${names[@]}"; do check_name "$name"; done
    for name in "${names[@]}"; do
      started=$SECONDS
      "up_${name//-/_}"
      log "$name is up ($((SECONDS - started))s)"
    done
    ;;
  down)
    names=("$@")
    [ "${#names[@]}" -gt 0 ] || names=("${ALL_TOPOLOGIES[@]}")
    for name in "${names[@]}"; do check_name "$name"; done
    for name in "${names[@]}"; do down_topology "$name"; done
    # The TLS material is shared; drop it (and the base folder) once no topology is left.
    if [ "$#" -eq 0 ]; then rm -rf "$REDWIRE_TMP/tls" "$REDWIRE_TMP/.topology.lock"; rmdir "$REDWIRE_TMP" 2>/dev/null || true; fi
    ;;
  status)
    status_all
    ;;
  start-server)
    [ "$#" -eq 1 ] || usage
    start_server_port "$1"
    ;;
  stop-server)
    [ "$#" -eq 1 ] || usage
    stop_server_port "$1"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    echo "topology.sh: unknown command '$cmd'" >&2
    usage
    ;;
esac
