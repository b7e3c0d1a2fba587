#!/usr/bin/env bash
# HTTP throughput of PostFuze against an nginx static ceiling on the same machine.
#
# Starts, on loopback free ports and in a temp dir removed at exit:
#   - nginx (own prefix/config, `return 200 "ok"`, worker_processes = nproc, access_log off)
#   - build/postfuze serve with a fresh SQLite store, and the first API key it prints
# then runs wrk against
#   nginx /                       the ceiling
#   postfuze /api/v1/health       no auth, no store
#   postfuze GET /api/v1/api-keys authenticated, reads the store
# and prints req/s, p99 latency and req/s relative to nginx. Figures only; never pass/fail.
#
# Environment: BENCH_DURATION (default 10s), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
# BUILD_DIR (take build/postfuze from there and build nothing), BENCH_SKIP_BUILD=1 (use the existing
# build/postfuze), BENCH_VERBOSE=1 (print wrk's full output). Start-up is shared with the other benches
# (bench/lib.sh).
set -euo pipefail

bench_name=http_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-10s}
[[ "$duration" =~ ^[0-9]+$ ]] && duration="${duration}s"
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-64}

# --- prerequisites ----------------------------------------------------------------------------------------
bash scripts/install.sh bench >&2
bench_binaries build
bench_tmp postfuze-bench
workers=$(nproc)

# --- nginx ------------------------------------------------------------------------------------------------

start_nginx 'return 200 "ok";' || exit 1
log "nginx pid $nginx_pid on 127.0.0.1:$nginx_port ($workers workers)"

# --- postfuze ---------------------------------------------------------------------------------------------
start_postfuze
code=$(curl -sS -o "$tmp/api-keys.body" -w '%{http_code}' --max-time 5 -H "$auth" "$pf_url/api/v1/api-keys" || true)
if [[ "$code" != 200 ]]; then
  log "warning: GET /api/v1/api-keys with the new key answered $code (continuing; see non-2xx column):"
  head -c 500 "$tmp/api-keys.body" >&2 || true
  echo >&2
fi

# --- load -------------------------------------------------------------------------------------------------
# run_wrk NAME URL [HEADER]: a 1s warm-up, then the measured run; output kept in $tmp/wrk-NAME.txt.
run_wrk() {
  local name=$1 url=$2 hdr=() pid
  [[ -n "${3:-}" ]] && hdr=(-H "$3")
  wrk -t"$threads" -c"$connections" -d1s ${hdr[@]+"${hdr[@]}"} "$url" >/dev/null 2>&1 || true
  log "wrk -t$threads -c$connections -d$duration --latency $url"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency ${hdr[@]+"${hdr[@]}"} "$url" >"$tmp/wrk-$name.txt" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait "$pid" || log "wrk exited with $? for $url"
  [[ "${BENCH_VERBOSE:-0}" == 1 ]] && cat "$tmp/wrk-$name.txt" >&2
  return 0
}

rps_of() { awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk-$1.txt"; }
p99_of() { awk '$1 == "99%" { print $2 }' "$tmp/wrk-$1.txt"; }
non2xx_of() { awk '/Non-2xx or 3xx responses:/ { print $NF; f = 1 } END { if (!f) print 0 }' "$tmp/wrk-$1.txt"; }
errors_of() {
  awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10; f = 1 } END { if (!f) print 0 }' "$tmp/wrk-$1.txt"
}

run_wrk nginx "http://127.0.0.1:$nginx_port/"
run_wrk health "$pf_url/api/v1/health"
run_wrk api-keys "$pf_url/api/v1/api-keys" "$auth"

# The server must have survived the load.
pf_died=0
if ! kill -0 "$pf_pid" 2>/dev/null; then
  pf_died=1
  log "postfuze serve died during the benchmark:"
  tail -n 50 "$tmp/server.log" >&2
fi

# --- report -----------------------------------------------------------------------------------------------
base=$(rps_of nginx)
echo
echo "wrk -t$threads -c$connections -d$duration, $(nproc) cores, $(nginx -v 2>&1 | sed 's/.*\///') ($workers workers)"
printf '%-34s %12s %10s %9s %9s %7s\n' target "req/s" "p99" "vs nginx" "non-2xx" "errors"
for row in "nginx|nginx /" "health|postfuze /api/v1/health" "api-keys|postfuze GET /api/v1/api-keys"; do
  name=${row%%|*}
  label=${row#*|}
  rps=$(rps_of "$name")
  ratio=$(awk -v a="${rps:-0}" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
  printf '%-34s %12s %10s %9s %9s %7s\n' "$label" "${rps:--}" "$(p99_of "$name")" "$ratio" \
    "$(non2xx_of "$name")" "$(errors_of "$name")"
done

exit $pf_died
