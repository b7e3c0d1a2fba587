#!/usr/bin/env bash
# The OAuth connect flow under load: auth-url throughput beside nginx's static 302, and a burst of
# callbacks against a slow platform. Figures only; never pass/fail.
#
# Starts, on loopback and in a temp dir removed at exit:
#   - build/postfuze-platform-sim (the platforms' OAuth side; its /_sim/overrides feed the server)
#   - build/postfuze serve with a fresh SQLite store, POSTFUZE_APP_URL=http://app.test:8080, the
#     simulator as every platform, and the first API key it prints; a BYOK Pinterest app is registered
#   - nginx (own prefix/config, worker_processes = nproc, access_log off) whose one location answers
#     `return 302 https://www.pinterest.com/oauth/?…` with the same query as a real auth_url
# then
#   1. wrk (bench/connect_auth_url.lua: POST + JSON body + Authorization) against nginx's 302 and against
#      POST /api/v1/social-networks/pinterest/auth-url, same request bytes, same -t/-c/-d:
#      req/s, p50/p99 and the ratio to nginx;
#   2. with the simulator's Pinterest on auto_approve and 200 ms on the token and API calls (each
#      callback makes two platform calls: code exchange, then identity), prepares N callback URLs and
#      fires all N callbacks at once (bench/connect_callbacks.py): wall time, callbacks/s,
#      p50/p95/p99/max, how many answered 303 status=connected, failures by error, and the server's RSS.
#      All N log in as the same simulated user, so all N upsert the same account row.
#
# Environment: BENCH_DURATION (default 10s), BENCH_THREADS (2), BENCH_CONNECTIONS (64) for wrk;
# BENCH_CALLBACKS (1000), BENCH_PLATFORM_DELAY_MS (200), BENCH_PREPARE_CONCURRENCY (16) for the burst;
# BUILD_DIR (take postfuze and postfuze-platform-sim from there and build nothing), BENCH_SKIP_BUILD=1 (use
# the existing build/postfuze and build/postfuze-platform-sim), BENCH_VERBOSE=1 (print wrk's full output).
# Start-up is shared with the other benches (bench/lib.sh).
set -euo pipefail

bench_name=connect_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-10s}
[[ "$duration" =~ ^[0-9]+$ ]] && duration="${duration}s"
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-64}
callbacks=${BENCH_CALLBACKS:-1000}
delay_ms=${BENCH_PLATFORM_DELAY_MS:-200}
prepare_concurrency=${BENCH_PREPARE_CONCURRENCY:-16}
lua="$root/bench/connect_auth_url.lua"
app_url="http://app.test:8080"
redirect_uri="$app_url/connected"
tenant_id="user_42"
platform=pinterest
export CONNECT_BENCH_BODY="{\"redirect_uri\":\"$redirect_uri\",\"tenant_id\":\"$tenant_id\"}"

# --- prerequisites ----------------------------------------------------------------------------------------
bash scripts/install.sh bench >&2
bench_binaries build
bench_tmp postfuze-connect-bench
workers=$(nproc)

# --- platform simulator -----------------------------------------------------------------------------------
start_sim

# --- postfuze ---------------------------------------------------------------------------------------------
start_postfuze POSTFUZE_APP_URL="$app_url" POSTFUZE_PROVIDER_OVERRIDES="$tmp/overrides.json"

# BYOK Pinterest app, and one sample auth-url (its query becomes nginx's Location).
code=$(call network POST "$pf_url/api/v1/social-networks" \
  "{\"platform\":\"$platform\",\"client_id\":\"cid\",\"client_secret\":\"sec\"}" "$auth")
[[ "$code" == 200 || "$code" == 201 ]] || expect network 201 "$code"
expect auth-url 200 "$(call auth-url POST "$pf_url/api/v1/social-networks/$platform/auth-url" "$CONNECT_BENCH_BODY" "$auth")"
auth_url=$(json_get "$tmp/auth-url.body" '["auth_url"]')
[[ "$auth_url" == *\?* ]] || { log "auth-url returned no query: $auth_url"; exit 1; }
nginx_location="https://www.pinterest.com/oauth/?${auth_url#*\?}"
if printf '%s' "$nginx_location" | grep -q '["$\\[:space:]]'; then
  log "the sample auth_url holds characters nginx's config would need escaped: $auth_url"
  exit 1
fi

# --- nginx: the static 302 --------------------------------------------------------------------------------

start_nginx "return 302 \"$nginx_location\";" || exit 1
log "nginx pid $nginx_pid on 127.0.0.1:$nginx_port ($workers workers)"

# Answer sizes (headers + body), to show the two sides are comparable.
size_of() {
  curl -sS -o /dev/null -w '%{size_header}+%{size_download}' --max-time 5 -X POST \
    -H 'Content-Type: application/json' -H "$auth" --data-binary "$CONNECT_BENCH_BODY" "$1" |
    awk -F+ '{ printf "%d B (headers %d, body %d)", $1 + $2, $1, $2 }'
}
nginx_size=$(size_of "http://127.0.0.1:$nginx_port/")
pf_size=$(size_of "$pf_url/api/v1/social-networks/$platform/auth-url")

# --- 1. auth-url vs nginx ---------------------------------------------------------------------------------
# run_wrk NAME URL: a 1s warm-up, then the measured run; output kept in $tmp/wrk-NAME.txt.
run_wrk() {
  local name=$1 url=$2 pid
  wrk -t"$threads" -c"$connections" -d1s -s "$lua" -H "$auth" "$url" >/dev/null 2>&1 || true
  log "wrk -t$threads -c$connections -d$duration --latency -s bench/connect_auth_url.lua $url"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$lua" -H "$auth" "$url" >"$tmp/wrk-$name.txt" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait "$pid" || log "wrk exited with $? for $url"
  [[ "${BENCH_VERBOSE:-0}" == 1 ]] && cat "$tmp/wrk-$name.txt" >&2
  return 0
}

rps_of() { awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk-$1.txt"; }
pct_of() { awk -v p="$2%" '$1 == p { print $2 }' "$tmp/wrk-$1.txt"; }
non2xx_of() { awk '/Non-2xx or 3xx responses:/ { print $NF; f = 1 } END { if (!f) print 0 }' "$tmp/wrk-$1.txt"; }
errors_of() {
  awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10; f = 1 } END { if (!f) print 0 }' "$tmp/wrk-$1.txt"
}

run_wrk nginx "http://127.0.0.1:$nginx_port/"
run_wrk auth-url "$pf_url/api/v1/social-networks/$platform/auth-url"

nginx_rps=$(rps_of nginx)
pf_rps=$(rps_of auth-url)
ratio=$(awk -v a="${pf_rps:-0}" -v b="${nginx_rps:-0}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')

echo
echo "== auth-url beside nginx's static 302 =="
echo "wrk -t$threads -c$connections -d$duration, $(nproc) cores shared by wrk, nginx and postfuze," \
  "$(nginx -v 2>&1 | sed 's/.*\///') ($workers workers)"
echo "same request both sides: POST, JSON body $(printf '%s' "$CONNECT_BENCH_BODY" | wc -c) B, Authorization + Content-Type"
echo "answers: nginx 302 $nginx_size; postfuze 200 $pf_size"
printf '%-48s %10s %9s %9s %9s %9s %7s\n' target "req/s" "p50" "p99" "vs nginx" "non-2/3xx" "errors"
for row in "nginx|nginx return 302 (static)" "auth-url|postfuze POST .../$platform/auth-url"; do
  name=${row%%|*}
  label=${row#*|}
  rps=$(rps_of "$name")
  r=$(awk -v a="${rps:-0}" -v b="${nginx_rps:-0}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
  printf '%-48s %10s %9s %9s %9s %9s %7s\n' "$label" "${rps:--}" "$(pct_of "$name" 50)" "$(pct_of "$name" 99)" \
    "$r" "$(non2xx_of "$name")" "$(errors_of "$name")"
done

# --- 2. callbacks against a slow platform -----------------------------------------------------------------
expect sim-app 201 "$(call sim-app POST "$sim_url/_sim/apps" \
  "{\"platform\":\"$platform\",\"client_id\":\"cid\",\"client_secret\":\"sec\",\"redirect_uri\":\"$pf_url/api/v1/connect/callback\"}")"
expect sim-scenario 200 "$(call sim-scenario POST "$sim_url/_sim/scenario" \
  "{\"platform\":\"$platform\",\"consent\":\"auto_approve\",\"token_delay_ms\":$delay_ms,\"api_delay_ms\":$delay_ms}")"
expect sim-stats-before 200 "$(call sim-stats-before GET "$sim_url/_sim/stats")"
rss_before=$(rss_of "$pf_pid")

echo
echo "== $callbacks callbacks at once, platform latency ${delay_ms} ms per call (code exchange + identity) =="
echo "all $callbacks log in as the same simulated $platform user, so all $callbacks upsert ONE account row"
cb_rc=0
python3 "$root/bench/connect_callbacks.py" --server "$pf_url" --key "$key" --platform "$platform" \
  --count "$callbacks" --redirect-uri "$redirect_uri" --tenant-id "$tenant_id" \
  --prepare-concurrency "$prepare_concurrency" --json-out "$tmp/callbacks.json" || cb_rc=$?
rss_after=$(rss_of "$pf_pid")
hwm_after=$(hwm_of "$pf_pid")

expect sim-stats 200 "$(call sim-stats GET "$sim_url/_sim/stats")"
platform_calls=$(python3 - "$tmp/sim-stats-before.body" "$tmp/sim-stats.body" "$platform" <<'EOF'
import json, sys
before, after, p = json.load(open(sys.argv[1]))[sys.argv[3]], json.load(open(sys.argv[2]))[sys.argv[3]], sys.argv[3]
d = {k: after[k] - before.get(k, 0) for k in after}
print(f"authorize {d['authorize']}, token {d['token']}, identity {d['identity']}, rejected {d['rejected']}")
EOF
) || platform_calls="-"
store_rows=$(python3 - "$tmp/data/pf.db" "$platform" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
accounts = db.execute("SELECT count(*) FROM social_accounts WHERE platform = ?", (sys.argv[2],)).fetchone()[0]
nonces = db.execute("SELECT count(*) FROM connect_state_nonces").fetchone()[0]
print(f"{accounts} {sys.argv[2]} account row(s), {nonces} state nonces spent")
EOF
) || store_rows="-"
echo "  simulator saw    $platform_calls"
echo "  store after      $store_rows"
echo "  server RSS       before the burst $rss_before, after $rss_after (peak VmHWM $hwm_after)"

# The server must have survived the load.
pf_died=0
if ! kill -0 "$pf_pid" 2>/dev/null; then
  pf_died=1
  log "postfuze serve died during the benchmark:"
  tail -n 50 "$tmp/server.log" >&2
fi
# Warnings and errors, less the expected one about the generated key file.
server_warnings

# --- summary ----------------------------------------------------------------------------------------------
cb() { [[ -s "$tmp/callbacks.json" ]] && json_get "$tmp/callbacks.json" "[\"$1\"]" || echo "-"; }
echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) shared cores, everything on loopback) =="
printf '  %-34s %s req/s, p50 %s, p99 %s\n' "nginx static 302" "${nginx_rps:--}" "$(pct_of nginx 50)" "$(pct_of nginx 99)"
printf '  %-34s %s req/s, p50 %s, p99 %s  (%s nginx)\n' "postfuze auth-url" "${pf_rps:--}" \
  "$(pct_of auth-url 50)" "$(pct_of auth-url 99)" "$ratio"
printf '  %-34s %s s wall, %s callbacks/s, p50 %s ms, p99 %s ms, max %s ms\n' \
  "$callbacks callbacks @ 2x${delay_ms} ms" "$(cb wall_s)" "$(cb callbacks_per_s)" "$(cb p50_ms)" "$(cb p99_ms)" "$(cb max_ms)"
printf '  %-34s %s / %s (one account row, updated %s times)\n' "303 status=connected" "$(cb connected)" "$callbacks" "$(cb connected)"
printf '  %-34s %s\n' "server RSS after" "$rss_after"

((cb_rc == 0)) || exit "$cb_rc"
exit $pf_died
