#!/usr/bin/env bash
# Publishing figures: one post fanned out to 100 X accounts against a slow platform, and how many posts a
# second POST /api/v1/posts accepts. Figures only; never pass/fail. Builds nothing.
#
# Starts, on loopback and in a temp dir removed at exit (bench/lib.sh):
#   - $BUILD_DIR/postfuze-platform-sim (every platform; its /_sim/overrides feed the server)
#   - $BUILD_DIR/postfuze serve with a fresh SQLite store, POSTFUZE_APP_URL=http://app.test:8080, the
#     simulator as every platform, POSTFUZE_RATE_LIMIT_MULTIPLIER=1000000 and the default
#     POSTFUZE_PUBLISH_POLL_MS (1000; a created post wakes the worker at once, so the poll never delays
#     a new post), and the first API key it prints
# then bench/publish_bench.py (Python standard library only):
#   1. registers a BYOK X app at both ends and connects BENCH_ACCOUNTS distinct X accounts through the
#      OAuth flow (the simulator's `user` knob set to bench-x-NNN before each login);
#   2. sets the simulator's X publish_delay_ms to BENCH_PUBLISH_DELAY_MS and, BENCH_REPEATS times, sends
#      one post to every account: POST answer time, first and last tweet created at the simulator, and
#      when GET /posts/{id} (polled every 10 ms) says published; median/min/max;
#   3. POST /api/v1/posts with BENCH_CONCURRENCY in flight: BENCH_DRAFTS single-account drafts
#      (is_draft: true, nothing queued), then BENCH_IMMEDIATE single-account posts to ONE account that
#      publish at once (publish_delay_ms 0): req/s, p50/p90/p99/max, and the CPU each process used.
#
# Environment: BUILD_DIR (default build/; must hold postfuze and postfuze-platform-sim, e.g. from
# scripts/build.sh release), BENCH_ACCOUNTS (100), BENCH_REPEATS (5), BENCH_PUBLISH_DELAY_MS (200),
# BENCH_POLL_MS (10), BENCH_DRAFTS (2000), BENCH_IMMEDIATE (2000; 0 skips), BENCH_CONCURRENCY (32),
# BENCH_SETTLE_S (3: wait before reading the queue after the immediate run), BENCH_JSON_OUT (also write the
# figures as JSON to this file).
set -euo pipefail

bench_name=publish_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

app_url="http://app.test:8080"

bench_binaries
for b in "$bin" "$sim_bin"; do
  [[ -x "$b" ]] || { log "$b is missing: build it (scripts/build.sh release) or point BUILD_DIR at a build"; exit 1; }
done
command -v python3 >/dev/null || { log "python3 is needed"; exit 1; }
bench_tmp postfuze-publish-bench

start_sim
start_postfuze POSTFUZE_APP_URL="$app_url" POSTFUZE_PROVIDER_OVERRIDES="$tmp/overrides.json"

# The catalogue's cap on X creates in flight per app: the fan-out cannot beat ceil(N / cap) x delay.
per_app=$(python3 -c 'import json, sys
print(next(p for p in json.load(open(sys.argv[1]))["providers"] if p["platform"] == "x")["publish"]["per_app_concurrency"])' \
  src/providers/providers.json 2>/dev/null || echo 8)

echo "publish_bench $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) cores shared by the server, the simulator and the" \
  "client, all on loopback; $build_type build in $build_dir; SQLite store; POSTFUZE_PUBLISH_POLL_MS default"
rss_before=$(rss_of "$pf_pid")
rc=0
python3 "$root/bench/publish_bench.py" --server "$pf_url" --sim "$sim_url" --key "$key" \
  --redirect-uri "$app_url/connected" --accounts "${BENCH_ACCOUNTS:-100}" --repeats "${BENCH_REPEATS:-5}" \
  --delay-ms "${BENCH_PUBLISH_DELAY_MS:-200}" --per-app "$per_app" --poll-ms "${BENCH_POLL_MS:-10}" \
  --drafts "${BENCH_DRAFTS:-2000}" --immediate "${BENCH_IMMEDIATE:-2000}" --concurrency "${BENCH_CONCURRENCY:-32}" \
  --timeout "${BENCH_TIMEOUT_S:-60}" --settle-s "${BENCH_SETTLE_S:-3}" --server-pid "$pf_pid" --sim-pid "$sim_pid" --db "$tmp/data/pf.db" \
  --json-out "${BENCH_JSON_OUT:-$tmp/publish.json}" || rc=$?
echo "server RSS: $rss_before at start, $(rss_of "$pf_pid") now (peak VmHWM $(hwm_of "$pf_pid"))"

if ! kill -0 "$pf_pid" 2>/dev/null; then
  log "postfuze serve died during the benchmark:"
  tail -n 50 "$tmp/server.log" >&2
  rc=1
else
  # A graceful stop with publish work still queued (the immediate run) is part of what is exercised.
  kill -TERM "$pf_pid"
  pf_rc=0
  wait "$pf_pid" 2>/dev/null || pf_rc=$?
  if ((pf_rc != 0)); then
    log "postfuze serve exited with status $pf_rc on SIGTERM (server log tail):"
    tail -n 20 "$tmp/server.log" >&2
    rc=1
  fi
fi
server_warnings
exit "$rc"
