# shellcheck shell=bash
# Sentinel-managed primary + 2 replicas + 3 sentinels. Tests fail over and SIGKILL these servers, so "up" on an
# existing topology accepts whichever node Sentinel made primary and only restarts what is down, from the configs
# that Redis (CONFIG REWRITE by Sentinel) and Sentinel (its state) keep rewriting.

SENTINEL_MASTER_NAME='redwire-primary'

up_sentinel() { up_sentinel_in "$REDWIRE_TMP/sentinel" 6400 6401 6402 26400 26401 26402; }
up_chaos_sentinel() { up_sentinel_in "$REDWIRE_TMP/chaos-sentinel" 6450 6451 6452 26450 26451 26452; }

# up_sentinel_in <dir> <redis port x3> <sentinel port x3>; the first redis port is the initial primary.
up_sentinel_in() {
  local dir="$1" port
  local redis_ports=("$2" "$3" "$4") sentinel_ports=("$5" "$6" "$7")
  local first="${redis_ports[0]}"
  mkdir -p "$dir"
  for port in "${redis_ports[@]}"; do
    [ -f "$dir/$port.conf" ] && continue
    {
      echo "replica-announce-ip 127.0.0.1"
      [ "$port" = "$first" ] || echo "replicaof 127.0.0.1 $first"
    } | plain_conf "$dir" "$port"
  done
  for port in "${sentinel_ports[@]}"; do
    [ -f "$dir/$port.conf" ] && continue
    write_conf "$dir" "$port" <<CONF
sentinel resolve-hostnames no
sentinel announce-ip 127.0.0.1
sentinel monitor $SENTINEL_MASTER_NAME 127.0.0.1 $first 2
sentinel down-after-milliseconds $SENTINEL_MASTER_NAME 2000
sentinel failover-timeout $SENTINEL_MASTER_NAME 10000
sentinel parallel-syncs $SENTINEL_MASTER_NAME 1
CONF
  done
  for port in "${redis_ports[@]}" "${sentinel_ports[@]}"; do ensure_running "$dir" "$port"; done
  for port in "${redis_ports[@]}" "${sentinel_ports[@]}"; do wait_ping "$dir" "$port"; done
  if ! wait_until "$HEALTH_DEADLINE" sentinel_healthy "${redis_ports[@]}" "${sentinel_ports[@]}"; then
    die "sentinel topology in $dir is not healthy after ${HEALTH_DEADLINE}s: $PROBLEM; see the logs $dir/*.log"
  fi
}

# Values of the field <name> in a flat RESP reply printed one item per line (SENTINEL REPLICAS / SENTINELS / MASTER).
field_values() { awk -v f="$1" 'prev == f { print } { prev = $0 }'; }

# Count of entries whose flags show no trouble.
healthy_entries() { tr -d '\r' | field_values flags | grep -Ecv 's_down|o_down|disconnected' || true; }

sentinel_healthy() {
  local redis_ports=("$1" "$2" "$3") sentinel_ports=("$4" "$5" "$6")
  local sp port master='' addr flags n role
  for sp in "${sentinel_ports[@]}"; do
    addr="$(rcli "$sp" SENTINEL GET-MASTER-ADDR-BY-NAME "$SENTINEL_MASTER_NAME" 2>/dev/null | tr -d '\r' | tail -n1)"
    if [ -z "$addr" ]; then PROBLEM="sentinel $sp does not know $SENTINEL_MASTER_NAME"; return 1; fi
    if [ -z "$master" ]; then master="$addr"; fi
    if [ "$addr" != "$master" ]; then PROBLEM="sentinels disagree on the primary ($master vs $addr at $sp)"; return 1; fi
    flags="$(rcli "$sp" SENTINEL MASTER "$SENTINEL_MASTER_NAME" 2>/dev/null | tr -d '\r' | field_values flags)"
    if [ "$flags" != master ]; then PROBLEM="sentinel $sp sees the primary as '$flags'"; return 1; fi
    n="$(rcli "$sp" SENTINEL SENTINELS "$SENTINEL_MASTER_NAME" 2>/dev/null | healthy_entries)"
    if [ "$n" != 2 ]; then PROBLEM="sentinel $sp knows $n healthy other sentinels, expected 2"; return 1; fi
    n="$(rcli "$sp" SENTINEL REPLICAS "$SENTINEL_MASTER_NAME" 2>/dev/null | healthy_entries)"
    if [ "$n" != 2 ]; then PROBLEM="sentinel $sp knows $n healthy replicas, expected 2"; return 1; fi
  done
  for port in "${redis_ports[@]}"; do
    role="$(info_field "$port" replication role)"
    if [ "$port" = "$master" ]; then
      if [ "$role" != master ]; then PROBLEM="sentinels name $master the primary but it is '$role'"; return 1; fi
    else
      if [ "$role" != slave ] || [ "$(info_field "$port" replication master_port)" != "$master" ] ||
        [ "$(info_field "$port" replication master_link_status)" != up ]; then
        PROBLEM="$port does not replicate from the primary $master (yet)"
        return 1
      fi
    fi
  done
  case " ${redis_ports[*]} " in *" $master "*) ;; *)
    PROBLEM="sentinels name $master the primary, which is not one of ${redis_ports[*]}"
    return 1
    ;;
  esac
}
