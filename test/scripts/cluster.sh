# shellcheck shell=bash
# Redis Cluster topologies. A fresh folder gets `redis-cli --cluster create`; an existing one keeps its
# nodes-<port>.conf, so restarted nodes rejoin and "up" only verifies.

up_cluster() { up_cluster_in "$REDWIRE_TMP/cluster" 1 7000 7001 7002 7003 7004 7005; }
up_chaos_cluster() { up_cluster_in "$REDWIRE_TMP/chaos-cluster" 1 7200 7201 7202 7203 7204 7205; }

# up_cluster_in <dir> <replicas per primary> <port...>
up_cluster_in() {
  local dir="$1" replicas="$2" port
  shift 2
  local ports=("$@")
  mkdir -p "$dir"
  for port in "${ports[@]}"; do
    [ -f "$dir/$port.conf" ] || plain_conf "$dir" "$port" <<CONF
cluster-enabled yes
cluster-config-file "nodes-$port.conf"
cluster-node-timeout 2000
cluster-announce-ip 127.0.0.1
CONF
  done
  for port in "${ports[@]}"; do ensure_running "$dir" "$port"; done
  for port in "${ports[@]}"; do wait_ping "$dir" "$port"; done

  local fresh=0 known slots
  for port in "${ports[@]}"; do
    known="$(rcli "$port" CLUSTER INFO | tr -d '\r' | awk -F: '$1 == "cluster_known_nodes" { print $2 }')"
    slots="$(rcli "$port" CLUSTER INFO | tr -d '\r' | awk -F: '$1 == "cluster_slots_assigned" { print $2 }')"
    if [ "$known" = 1 ] && [ "$slots" = 0 ]; then fresh=$((fresh + 1)); fi
  done
  if [ "$fresh" = "${#ports[@]}" ]; then
    local addrs=()
    for port in "${ports[@]}"; do addrs+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas "$replicas" --cluster-yes >"$dir/cluster-create.log" 2>&1 ||
      die "redis-cli --cluster create failed; see $dir/cluster-create.log: $(tail -n 5 "$dir/cluster-create.log")"
  elif [ "$fresh" != 0 ]; then
    die "cluster in $dir is half created ($fresh of ${#ports[@]} nodes know no other node); reset it with: bash test/scripts/topology.sh down $(basename "$dir") && bash test/scripts/topology.sh up $(basename "$dir")"
  fi
  if ! wait_until "$HEALTH_DEADLINE" cluster_healthy "$replicas" "${ports[@]}"; then
    die "cluster in $dir is not healthy after ${HEALTH_DEADLINE}s: $PROBLEM; see the logs $dir/*.log"
  fi
}

cluster_healthy() {
  local replicas="$1"
  shift
  local ports=("$@") port info state known role masters=0 slaves=0
  local want_masters=$((${#ports[@]} / (replicas + 1)))
  for port in "${ports[@]}"; do
    info="$(rcli "$port" CLUSTER INFO 2>/dev/null | tr -d '\r')"
    state="$(awk -F: '$1 == "cluster_state" { print $2 }' <<<"$info")"
    known="$(awk -F: '$1 == "cluster_known_nodes" { print $2 }' <<<"$info")"
    if [ "$state" != ok ]; then PROBLEM="node $port reports cluster_state:$state"; return 1; fi
    if [ "$known" != "${#ports[@]}" ]; then PROBLEM="node $port knows $known nodes, expected ${#ports[@]}"; return 1; fi
    role="$(info_field "$port" replication role)"
    if [ "$role" = master ]; then
      masters=$((masters + 1))
    else
      slaves=$((slaves + 1))
      if [ "$(info_field "$port" replication master_link_status)" != up ]; then
        PROBLEM="replica $port has no replication link to its primary (yet)"
        return 1
      fi
    fi
  done
  if [ "$masters" != "$want_masters" ]; then PROBLEM="$masters primaries, expected $want_masters"; return 1; fi
  # Every primary serves slots, and nobody is flagged failing.
  local nodes
  nodes="$(rcli "${ports[0]}" CLUSTER NODES 2>/dev/null | tr -d '\r')"
  if grep -q 'fail' <<<"$(awk '{ print $3 }' <<<"$nodes")"; then PROBLEM="CLUSTER NODES still flags a node as failing"; return 1; fi
  local serving
  serving="$(awk '$3 ~ /master/ && NF >= 9' <<<"$nodes" | wc -l)"
  if [ "$serving" != "$want_masters" ]; then PROBLEM="$serving primaries serve slots, expected $want_masters"; return 1; fi
}
