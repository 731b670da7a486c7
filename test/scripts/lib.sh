# shellcheck shell=bash
# Helpers for topology.sh: where things live, how to talk to each port, start/stop/health checks.
# Sourced, not executed.

REDWIRE_TMP="${TMPDIR:-/tmp}"
REDWIRE_TMP="${REDWIRE_TMP%/}/redwire"
TLS_DIR="$REDWIRE_TMP/tls"
ALL_TOPOLOGIES=(standalone sentinel cluster chaos-sentinel chaos-cluster bench demo)

# Test-only credentials; the same values are in test/support/topology.ts.
ACL_DEFAULT_PW='redwire-default-pw'
ACL_APP_PW='redwire-app-pw'
ACL_READER_PW='redwire-reader-pw'

# Deadlines (seconds)
PING_DEADLINE="${REDWIRE_PING_DEADLINE:-20}"
HEALTH_DEADLINE="${REDWIRE_HEALTH_DEADLINE:-90}"
STOP_DEADLINE=10

log() { printf '[topology] %s\n' "$*"; }
die() {
  printf 'topology.sh: %s\n' "$*" >&2
  exit 1
}

require_tools() {
  command -v redis-server >/dev/null || die "redis-server is not installed (Debian/Ubuntu: apt-get install -y redis-server)"
  command -v redis-cli >/dev/null || die "redis-cli is not installed (Debian/Ubuntu: apt-get install -y redis-tools)"
}

check_name() {
  case "$1" in
    standalone | sentinel | cluster | chaos-sentinel | chaos-cluster | bench | demo) ;;
    *) die "unknown topology '$1' (known: ${ALL_TOPOLOGIES[*]})" ;;
  esac
}

# Ports of a topology, in start order.
ports_of() {
  case "$1" in
    standalone) echo 6390 6391 6392 ;;
    sentinel) echo 6400 6401 6402 26400 26401 26402 ;;
    cluster) echo 7000 7001 7002 7003 7004 7005 ;;
    chaos-sentinel) echo 6450 6451 6452 26450 26451 26452 ;;
    chaos-cluster) echo 7200 7201 7202 7203 7204 7205 ;;
    bench) echo 6500 7500 7501 7502 ;;
    demo) echo 6380 ;;
  esac
}

topology_of_port() {
  local name port
  for name in "${ALL_TOPOLOGIES[@]}"; do
    for port in $(ports_of "$name"); do
      if [ "$port" = "$1" ]; then
        echo "$name"
        return 0
      fi
    done
  done
  return 1
}

# redis-cli against one of our ports, with the TLS / auth options that port needs and a hard time limit.
rcli() {
  local port="$1"
  shift
  case "$port" in
    6391)
      timeout 5 redis-cli -h 127.0.0.1 -p "$port" --tls --cacert "$TLS_DIR/ca.crt" \
        --cert "$TLS_DIR/client.crt" --key "$TLS_DIR/client.key" "$@"
      ;;
    6392) REDISCLI_AUTH="$ACL_DEFAULT_PW" timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" ;;
    *) timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" ;;
  esac
}

ping_ok() { [ "$(rcli "$1" PING 2>/dev/null | tr -d '\r')" = PONG ]; }

# info_field <port> <section> <field>
info_field() { rcli "$1" INFO "$2" 2>/dev/null | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'; }

# Repeats "$@" until it succeeds or <seconds> pass. The check may set PROBLEM to explain why it is not there yet.
PROBLEM=''
wait_until() {
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds))
  while true; do
    PROBLEM=''
    if "$@"; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

is_sentinel_conf() { grep -q '^sentinel monitor' "$1" 2>/dev/null; }

# Writes the parts every server config shares. Extra lines come on stdin.
write_conf() {
  local dir="$1" port="$2" bind="${3:-127.0.0.1}"
  {
    echo "port $port"
    echo "bind $bind"
    echo "protected-mode no"
    echo "daemonize yes"
    echo "pidfile \"$dir/$port.pid\""
    echo "logfile \"$dir/$port.log\""
    echo "dir \"$dir\""
    cat
  } >"$dir/$port.conf"
}

redis_defaults() {
  echo 'save ""'
  echo "appendonly no"
  echo "enable-debug-command yes"
}

log_hint() {
  local dir="$1" port="$2"
  local file="$dir/$port.log"
  printf 'see %s' "$file"
  if [ -f "$file" ]; then printf '; its last lines:\n%s' "$(tail -n 15 "$file")"; fi
}

# fd 9 is topology.sh's lock: the daemon must not inherit it, or it would hold the lock for its whole life.
start_from_conf() {
  local dir="$1" port="$2" conf="$1/$2.conf" out
  [ -f "$conf" ] || die "no config file $conf for port $port"
  # A cluster node also needs port+10000 (cluster bus); say who holds it instead of a cryptic log line.
  if grep -q '^cluster-enabled yes' "$conf" && command -v ss >/dev/null; then
    local bus=$((port + 10000)) holder
    holder="$(ss -ltnpH "sport = :$bus" 2>/dev/null | head -n1)"
    [ -z "$holder" ] || die "cluster bus port $bus (port $port + 10000) is already taken: $holder; docs/PORTS.md reserves it for this cluster node"
  fi
  if is_sentinel_conf "$conf"; then
    out="$(redis-server "$conf" --sentinel 2>&1 9>&-)" || die "redis-sentinel on port $port failed to start: $out; $(log_hint "$dir" "$port")"
  else
    out="$(redis-server "$conf" 2>&1 9>&-)" || die "redis-server on port $port failed to start: $out; $(log_hint "$dir" "$port")"
  fi
}

# Starts the server of <port> from its config unless something already answers there, then waits for PING.
ensure_running() {
  local dir="$1" port="$2"
  ping_ok "$port" && return 0
  start_from_conf "$dir" "$port"
}

wait_ping() {
  local dir="$1" port="$2"
  wait_until "$PING_DEADLINE" ping_ok "$port" ||
    die "port $port did not answer PING within ${PING_DEADLINE}s; $(log_hint "$dir" "$port")"
}

# --- stopping -------------------------------------------------------------------------------------------------

is_redis_pid() {
  local pid="$1" comm
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || ps -o comm= -p "$pid" 2>/dev/null || true)"
  # Valkey runs as valkey-server / valkey-sentinel when not started through its redis-* compatibility links.
  case "$comm" in redis-* | valkey-*) return 0 ;; *) return 1 ;; esac
}

# Pid of the redis process serving <port>: pidfile first, then asking the server itself, then ss.
pid_of_port() {
  local dir="$1" port="$2" pid=''
  if [ -f "$dir/$port.pid" ]; then
    pid="$(tr -dc '0-9' <"$dir/$port.pid")"
    if is_redis_pid "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  pid="$(info_field "$port" server process_id)"
  if is_redis_pid "$pid"; then
    echo "$pid"
    return 0
  fi
  if command -v ss >/dev/null; then
    pid="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)"
    if is_redis_pid "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  return 1
}

# stop_ports <dir> <port...>: SIGTERM all, wait together, SIGKILL what is left.
stop_ports() {
  local dir="$1"
  shift
  local port pid pids=()
  for port in "$@"; do
    if pid="$(pid_of_port "$dir" "$port")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  local deadline=$((SECONDS + STOP_DEADLINE))
  while [ "$SECONDS" -lt "$deadline" ]; do
    local alive=0
    for pid in "${pids[@]}"; do
      if is_redis_pid "$pid"; then alive=1; fi
    done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if is_redis_pid "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do
    while is_redis_pid "$pid"; do sleep 0.05; done
  done
}

down_topology() {
  local name="$1" dir="$REDWIRE_TMP/$1"
  # shellcheck disable=SC2046
  stop_ports "$dir" $(ports_of "$name")
  rm -rf "$dir"
  log "$name is down"
}

topology_dir_of_port() {
  local name
  name="$(topology_of_port "$1")" || die "port $1 belongs to no topology (see docs/PORTS.md)"
  echo "$REDWIRE_TMP/$name"
}

start_server_port() {
  local port="$1" dir
  dir="$(topology_dir_of_port "$port")"
  [ -f "$dir/$port.conf" ] ||
    die "port $port has no config in $dir; start its topology first: bash test/scripts/topology.sh up $(topology_of_port "$port")"
  if ping_ok "$port"; then
    log "port $port is already running"
    return 0
  fi
  start_from_conf "$dir" "$port"
  wait_ping "$dir" "$port"
  log "port $port started"
}

stop_server_port() {
  local port="$1" dir
  dir="$(topology_dir_of_port "$port")"
  stop_ports "$dir" "$port"
  log "port $port stopped"
}

status_all() {
  local name port dir role
  for name in "${ALL_TOPOLOGIES[@]}"; do
    dir="$REDWIRE_TMP/$name"
    for port in $(ports_of "$name"); do
      if ping_ok "$port"; then
        role="$(info_field "$port" replication role)"
        [ -n "$role" ] || role="$(info_field "$port" server redis_mode)"
        [ -n "$role" ] || role="$(info_field "$port" server server_mode)"
        printf '%-15s %-6s up    %s\n' "$name" "$port" "$role"
      elif [ -d "$dir" ]; then
        printf '%-15s %-6s DOWN\n' "$name" "$port"
      fi
    done
  done
}

# shellcheck source=tls.sh
source "${BASH_SOURCE[0]%/*}/tls.sh"
# shellcheck source=standalone.sh
source "${BASH_SOURCE[0]%/*}/standalone.sh"
# shellcheck source=sentinel.sh
source "${BASH_SOURCE[0]%/*}/sentinel.sh"
# shellcheck source=cluster.sh
source "${BASH_SOURCE[0]%/*}/cluster.sh"
