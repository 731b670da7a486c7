# shellcheck shell=bash
# Standalone servers: the test trio (plain + unix socket, TLS-only, requirepass + ACL users), demo and bench.

# A plain server on <port> in <dir>; extra config lines on stdin.
plain_conf() {
  local dir="$1" port="$2" bind="${3:-127.0.0.1}"
  { redis_defaults; cat; } | write_conf "$dir" "$port" "$bind"
}

# ::1 only where the machine has IPv6 loopback ("-" makes the address optional for redis anyway).
standalone_bind() {
  if [ -r /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
    echo '127.0.0.1 -::1'
  else
    echo '127.0.0.1'
  fi
}

up_standalone() {
  local dir="$REDWIRE_TMP/standalone" port
  mkdir -p "$dir"
  ensure_tls
  [ -f "$dir/6390.conf" ] || plain_conf "$dir" 6390 "$(standalone_bind)" <<CONF
unixsocket "$dir/redis.sock"
unixsocketperm 777
CONF
  # TLS only: "port 0" closes the plain port; the pidfile/logfile names keep using 6391.
  [ -f "$dir/6391.conf" ] || {
    plain_conf "$dir" 6391 <<CONF
tls-port 6391
tls-cert-file "$TLS_DIR/server.crt"
tls-key-file "$TLS_DIR/server.key"
tls-ca-cert-file "$TLS_DIR/ca.crt"
tls-auth-clients optional
CONF
    sed -i 's/^port 6391$/port 0/' "$dir/6391.conf"
  }
  # requirepass sets the default user's password; the other users are defined inline.
  [ -f "$dir/6392.conf" ] || plain_conf "$dir" 6392 <<CONF
requirepass $ACL_DEFAULT_PW
user app on >$ACL_APP_PW ~* &* +@all
user reader on >$ACL_READER_PW ~* resetchannels -@all +@read +ping +hello +auth +client +select +info +command
CONF
  for port in 6390 6391 6392; do ensure_running "$dir" "$port"; done
  for port in 6390 6391 6392; do wait_ping "$dir" "$port"; done
  check_standalone "$dir"
}

# A successful HELLO names the server: 'redis' (Redis) or 'valkey' (Valkey 8 and later). Matches the raw
# ('server redis') and the interactive ('1# "server" => "valkey"') forms of redis-cli's output.
hello_names_server() {
  printf '%s\n' "$1" | grep -Eiq '(^|[^[:alnum:]_])server"?[^[:alnum:]]+"?(redis|valkey)"?[[:space:]]*$'
}

check_standalone() {
  local dir="$1" out
  out="$(timeout 5 redis-cli -s "$dir/redis.sock" PING 2>&1 | tr -d '\r')"
  [ "$out" = PONG ] || die "unix socket $dir/redis.sock does not answer PING ($out); $(log_hint "$dir" 6390)"
  # Without a client certificate too (tls-auth-clients optional).
  out="$(timeout 5 redis-cli -h 127.0.0.1 -p 6391 --tls --cacert "$TLS_DIR/ca.crt" PING 2>&1 | tr -d '\r')"
  [ "$out" = PONG ] || die "TLS port 6391 does not answer PING without a client certificate ($out); $(log_hint "$dir" 6391)"
  out="$(timeout 5 redis-cli -h 127.0.0.1 -p 6392 PING 2>&1 | tr -d '\r')"
  case "$out" in *NOAUTH*) ;; *) die "port 6392 answers PING without a password ($out); $(log_hint "$dir" 6392)" ;; esac
  out="$(timeout 5 redis-cli -h 127.0.0.1 -p 6392 HELLO 3 AUTH reader "$ACL_READER_PW" 2>&1 | tr -d '\r')"
  hello_names_server "$out" || die "HELLO 3 AUTH reader fails on 6392 ($out); $(log_hint "$dir" 6392)"
  out="$(REDISCLI_AUTH="$ACL_READER_PW" timeout 5 redis-cli -h 127.0.0.1 -p 6392 --user reader SET redwire:topology:probe 1 2>&1 | tr -d '\r')"
  case "$out" in *NOPERM*) ;; *) die "user reader may write on 6392 ($out); $(log_hint "$dir" 6392)" ;; esac
  out="$(REDISCLI_AUTH="$ACL_APP_PW" timeout 5 redis-cli -h 127.0.0.1 -p 6392 --user app SET redwire:topology:probe 1 2>&1 | tr -d '\r')"
  [ "$out" = OK ] || die "user app cannot write on 6392 ($out); $(log_hint "$dir" 6392)"
}

up_demo() {
  local dir="$REDWIRE_TMP/demo"
  mkdir -p "$dir"
  [ -f "$dir/6380.conf" ] || plain_conf "$dir" 6380 </dev/null
  ensure_running "$dir" 6380
  wait_ping "$dir" 6380
}

up_bench() {
  local dir="$REDWIRE_TMP/bench"
  mkdir -p "$dir"
  [ -f "$dir/6500.conf" ] || plain_conf "$dir" 6500 </dev/null
  ensure_running "$dir" 6500
  wait_ping "$dir" 6500
  up_cluster_in "$dir" 0 7500 7501 7502
}
