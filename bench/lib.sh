# Shared start-up for the shell benchmarks (http_bench.sh, connect_bench.sh, publish_bench.sh).
# Source it after setting `bench_name` (the log prefix):
#
#   bench_name=my_bench
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It sets `root` (the checkout) and cd's there, installs the EXIT/INT/TERM traps that stop every process
# in `pids` (newest first, by PID, never by name) and remove `tmp`, and provides:
#
#   bench_binaries [build]   bin / sim_bin / build_type from BUILD_DIR (default <root>/build). With "build",
#                            runs scripts/build.sh release first, unless BUILD_DIR is set, or
#                            BENCH_SKIP_BUILD=1 and both binaries exist.
#   bench_tmp PREFIX         the temp dir (removed at exit) in `tmp`
#   start_sim                build/postfuze-platform-sim on 127.0.0.1:<free>: sim_pid, sim_port, sim_url,
#                            and $tmp/overrides.json (its /_sim/overrides, for POSTFUZE_PROVIDER_OVERRIDES)
#   start_postfuze [VAR=VALUE...]
#                            postfuze serve on a fresh SQLite store in $tmp/data, listening on a free port,
#                            POSTFUZE_LOG_LEVEL=warn and POSTFUZE_RATE_LIMIT_MULTIPLIER=1000000 unless given:
#                            pf_pid, pf_port, pf_url, key (the first API key), auth ("Authorization: Bearer …"),
#                            pf_env (the environment it ran with, for CLI calls on the same store)
#   stop_pid PID, pick_port, wait_http URL PID [CURL ARGS...], json_get FILE EXPR,
#   call NAME METHOD URL [BODY] [HEADER...], expect NAME CODE ACTUAL, rss_of PID, hwm_of PID, server_warnings
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

log() { echo "${bench_name:-bench}: $*" >&2; }

# --- processes we start; only these are stopped ----------------------------------------------------------
tmp=""
pids=()

stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 5s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${pids[i]}"
  done
  [[ -n "$tmp" ]] && rm -rf "$tmp"
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers ----------------------------------------------------------------------------------------------
port_free() { ! ss -Htln "sport = :$1" | grep -q .; }

pick_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 40000))
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  log "no free port found"
  return 1
}

# wait_http URL PID [CURL ARGS...]: wait up to 15s for URL to answer 2xx/3xx (no redirects followed) while
# PID is alive.
wait_http() {
  local url=$1 pid=$2 i
  shift 2
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# json_get FILE EXPR: print a value from a JSON file (EXPR indexes `d`, e.g. '["auth_url"]').
json_get() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval("d" + sys.argv[2]))' "$1" "$2"; }

# call NAME METHOD URL [BODY] [HEADER...]: curl with a JSON body; answer in $tmp/NAME.body, status on stdout.
call() {
  local name=$1 method=$2 url=$3 body=${4:-}
  shift 3
  (($# > 0)) && shift
  local args=(-sS -o "$tmp/$name.body" -w '%{http_code}' --max-time 10 -X "$method")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local h
  for h in "$@"; do args+=(-H "$h"); done
  curl "${args[@]}" "$url" || echo 000
}

# expect NAME CODE ACTUAL: stop with the answer's body unless ACTUAL is CODE.
expect() {
  if [[ "$3" != "$2" ]]; then
    log "$1 answered $3 (expected $2):"
    head -c 1000 "$tmp/$1.body" >&2 2>/dev/null || true
    echo >&2
    exit 1
  fi
}

rss_of() { awk '/^VmRSS:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "-"; }
hwm_of() { awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "-"; }

# server_warnings: the server log's warn/error lines, less the expected one about the generated key file, in
# $tmp/server-warnings.log; logs the first five.
server_warnings() {
  grep '"level":"\(warn\|error\)"' "$tmp/server.log" 2>/dev/null |
    grep -v '"msg":"POSTFUZE_ENCRYPTION_KEYS is not set' >"$tmp/server-warnings.log" || true
  if [[ -s "$tmp/server-warnings.log" ]]; then
    log "server warnings/errors (first 5 of $(wc -l <"$tmp/server-warnings.log")):"
    head -n5 "$tmp/server-warnings.log" >&2
  fi
}

# --- binaries ---------------------------------------------------------------------------------------------
bench_binaries() {
  local want_build=${1:-}
  build_dir=${BUILD_DIR:-$root/build}
  build_dir=$(cd "$build_dir" 2>/dev/null && pwd || echo "$build_dir")
  bin="$build_dir/postfuze"
  sim_bin="$build_dir/postfuze-platform-sim"
  if [[ "$want_build" == build && -z "${BUILD_DIR:-}" ]] &&
    [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -x "$bin" || ! -x "$sim_bin" ]]; then
    bash scripts/build.sh release >&2
  elif [[ "$want_build" == build ]]; then
    log "using existing binaries in $build_dir (BUILD_DIR or BENCH_SKIP_BUILD=1)"
  fi
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
  build_type=${build_type:-unknown}
}

bench_tmp() {
  tmp=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 755 "$tmp"
}

# --- platform simulator -----------------------------------------------------------------------------------
start_sim() {
  local i
  [[ -x "$sim_bin" ]] || { log "$sim_bin is missing (build postfuze-platform-sim, or set BUILD_DIR)"; exit 1; }
  : >"$tmp/sim.out"  # exists before the child opens it, for the sed below
  "$sim_bin" --listen 127.0.0.1 --port 0 >"$tmp/sim.out" 2>"$tmp/sim.log" &
  sim_pid=$!
  pids+=("$sim_pid")
  sim_port=""
  for ((i = 0; i < 150; i++)); do
    if ! kill -0 "$sim_pid" 2>/dev/null; then
      log "postfuze-platform-sim exited early:"
      cat "$tmp/sim.out" "$tmp/sim.log" >&2
      exit 1
    fi
    sim_port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$tmp/sim.out" | head -n1)
    [[ -n "$sim_port" ]] && break
    sleep 0.1
  done
  [[ -n "$sim_port" ]] || { log "postfuze-platform-sim printed no port within 15s"; exit 1; }
  sim_url="http://127.0.0.1:$sim_port"
  expect sim-overrides 200 "$(call sim-overrides GET "$sim_url/_sim/overrides")"
  cp "$tmp/sim-overrides.body" "$tmp/overrides.json"
  log "platform simulator pid $sim_pid on 127.0.0.1:$sim_port"
}

# --- postfuze ---------------------------------------------------------------------------------------------
start_postfuze() {
  local i kv
  [[ -x "$bin" ]] || { log "$bin is missing (build postfuze, or set BUILD_DIR)"; exit 1; }
  pf_env=(
    POSTFUZE_DATA_DIR="$tmp/data"
    POSTFUZE_DATABASE_URL="sqlite:$tmp/data/pf.db"
    POSTFUZE_LISTEN=127.0.0.1:0
    POSTFUZE_LOG_LEVEL=warn
    # The contract's per-org limits would turn the run into 429s.
    POSTFUZE_RATE_LIMIT_MULTIPLIER=1000000
  )
  for kv in "$@"; do pf_env+=("$kv"); done  # later entries win in env(1)
  mkdir -p "$tmp/data"

  env "${pf_env[@]}" "$bin" serve >"$tmp/server.out" 2>"$tmp/server.log" &
  pf_pid=$!
  pids+=("$pf_pid")

  # The port: from the {"msg":"listening",...,"port":N} log line if logged (info level, so usually not with
  # POSTFUZE_LOG_LEVEL=warn), else from the socket the server process listens on. The key: the first API
  # key, which a fresh store prints once on stdout.
  pf_port=""
  key=""
  for ((i = 0; i < 300; i++)); do
    if ! kill -0 "$pf_pid" 2>/dev/null; then
      log "postfuze serve exited early:"
      cat "$tmp/server.log" "$tmp/server.out" >&2
      exit 1
    fi
    if [[ -z "$pf_port" ]]; then
      pf_port=$(grep '"msg":"listening"' "$tmp/server.log" 2>/dev/null | head -n1 |
        sed -n 's/.*"port":\([0-9][0-9]*\).*/\1/p' || true)
    fi
    if [[ -z "$pf_port" ]]; then
      pf_port=$(ss -Htlnp 2>/dev/null | grep -F "pid=$pf_pid," | head -n1 |
        awk '{ n = split($4, a, ":"); print a[n] }' || true)
    fi
    key=$(grep -o 'sk_\(live\|test\)_[A-Za-z0-9_-]*' "$tmp/server.out" 2>/dev/null | head -n1 || true)
    [[ -n "$pf_port" && -n "$key" ]] && break
    sleep 0.1
  done
  if [[ -z "$pf_port" ]]; then
    log "postfuze serve did not report a listening port within 30s:"
    cat "$tmp/server.log" >&2
    exit 1
  fi
  pf_url="http://127.0.0.1:$pf_port"
  if [[ -z "$key" ]]; then
    # Not printed (e.g. an older binary): make one with the CLI on the same store.
    key=$(env "${pf_env[@]}" "$bin" api-key create --org bench 2>"$tmp/api-key.err") || {
      log "no first key on stdout and postfuze api-key create failed:"
      cat "$tmp/api-key.err" >&2
      exit 1
    }
    key=$(printf '%s' "$key" | tr -d '[:space:]')
  fi
  if ! wait_http "$pf_url/api/v1/health" "$pf_pid"; then
    log "postfuze $pf_url/api/v1/health did not answer 200:"
    curl -sS -i --max-time 2 "$pf_url/api/v1/health" >&2 || true
    cat "$tmp/server.log" >&2
    exit 1
  fi
  # shellcheck disable=SC2034  # used by the scripts that source this file
  auth="Authorization: Bearer $key"
  log "postfuze pid $pf_pid on 127.0.0.1:$pf_port"
}

# nginx on a free loopback port answering every request with `$1` (an nginx
# directive, e.g. 'return 200 "ok";'): the baseline the benches compare with.
# Sets nginx_pid and nginx_port; needs $workers and $tmp.
start_nginx() {
  local answer="$1" attempt port pid user_line=""
  # Workers would otherwise switch to www-data; as root keep them root (they only answer one line).
  ((EUID == 0)) && user_line="user root;"
  mkdir -p "$tmp/nginx"
  for ((attempt = 1; attempt <= 3; attempt++)); do
    port=$(pick_port)
    cat >"$tmp/nginx/nginx.conf" <<EOF
$user_line
worker_processes $workers;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events {
  worker_connections 4096;
}
http {
  access_log off;
  default_type text/plain;
  # Keep connections for the whole run, as the PostFuze server does.
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    location / {
      $answer
    }
  }
}
EOF
    nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
    pid=$!
    pids+=("$pid")
    if wait_http "http://127.0.0.1:$port/" "$pid"; then
      nginx_pid=$pid
      nginx_port=$port
      return 0
    fi
    stop_pid "$pid"
    log "nginx did not come up on port $port (attempt $attempt):"
    cat "$tmp/nginx/error.log" >&2 || true
  done
  return 1
}
