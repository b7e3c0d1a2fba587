#!/usr/bin/env bash
# PostFuze test command (what CI runs):
#   1. install dependencies (system packages, and playwright-core from npm for the browser tests), build
#      release (tests included)
#   2. start a throwaway PostgreSQL 15 cluster on a free loopback port and export
#      POSTFUZE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:<port>/postgres
#      and s3rver (npm, tests/s3) exporting POSTFUZE_TEST_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY
#   3. ctest in build/, then build the ASan/UBSan configuration and ctest in build-asan/
# The cluster and s3rver are stopped and their directories removed on any exit. Exits non-zero if any stage fails.
#
# Extra arguments are passed to both ctest runs, e.g. `scripts/test.sh -R crypto`.
# POSTFUZE_TEST_SKIP_ASAN=1 skips the sanitizer pass (quick local runs; CI never sets it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

ctest_args=("$@")
pg_bin=/usr/lib/postgresql/15/bin
pg_dir=""
pg_started=0
summary=()
failed=0
current_stage=""
stage_start=0

log() { echo "test.sh: $*"; }

# --- stages -----------------------------------------------------------------------------------------------
# stage NAME CMD... : runs CMD, records status and elapsed seconds for the summary, returns CMD's status.
stage() {
  local name=$1 rc=0 start=$SECONDS
  shift
  echo "==== $name"
  current_stage=$name
  stage_start=$start
  "$@" || rc=$?
  current_stage=""
  local status=ok
  ((rc == 0)) || { status="FAIL($rc)"; failed=1; }
  summary+=("$(printf '  %-16s %-9s %5ds' "$name" "$status" $((SECONDS - start)))")
  return "$rc"
}

skip_stage() { summary+=("$(printf '  %-16s %-9s %5s' "$1" skipped -)"); }

print_summary() {
  ((${#summary[@]} > 0)) || return 0
  echo "==== summary"
  printf '%s\n' "${summary[@]}"
  printf '  %-16s %-9s %5ds\n' total "$( ((failed == 0)) && echo ok || echo FAIL)" "$SECONDS"
}

# --- throwaway PostgreSQL cluster -------------------------------------------------------------------------
# as_pg OUTFILE CMD... : run CMD with stdout+stderr to OUTFILE, as the `postgres` user when we are root (the
# server refuses to run as root). The redirection is made inside the subshell on purpose: a signal trap that
# fires during a function call with a redirection would otherwise run with that redirection still in place.
as_pg() {
  local out=$1
  shift
  if ((EUID == 0)); then
    (cd "$pg_dir" && exec runuser -u postgres -- "$@" >"$out" 2>&1)
  else
    (cd "$pg_dir" && exec "$@" >"$out" 2>&1)
  fi
}

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
  return 1
}

# Runs in a `||` context (errexit off), so every step checks its status explicitly.
start_postgres() {
  local port attempt
  [[ -x "$pg_bin/pg_ctl" ]] || { log "no PostgreSQL 15 under $pg_bin"; return 1; }
  pg_dir=$(mktemp -d /tmp/postfuze-pg.XXXXXX) || return 1
  if ((EUID == 0)); then
    chown postgres: "$pg_dir" || return 1
  fi
  if ! as_pg "$pg_dir/initdb.log" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --no-locale -E UTF8; then
    cat "$pg_dir/initdb.log" >&2
    log "initdb failed"
    return 1
  fi
  for ((attempt = 1; attempt <= 5; attempt++)); do
    port=$(pick_port) || { log "no free port found"; return 1; }
    pg_started=1
    if as_pg /dev/null "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
      -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200" start; then
      if "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAtqc 'select 1' >/dev/null; then
        export POSTFUZE_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
        log "PostgreSQL 15 on 127.0.0.1:$port ($pg_dir)"
        return 0
      fi
    fi
    # Most likely someone took the port between the check and the bind: stop whatever started, retry.
    as_pg /dev/null "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop
    pg_started=0
    log "PostgreSQL did not start on port $port (attempt $attempt)"
  done
  cat "$pg_dir/server.log" >&2
  return 1
}

stop_postgres() {
  if ((pg_started)); then
    as_pg /dev/null "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 60 stop ||
      log "warning: pg_ctl stop failed for $pg_dir"
    pg_started=0
  fi
  if [[ -n "$pg_dir" ]]; then
    rm -rf "$pg_dir"
    pg_dir=""
  fi
}

# --- local S3 (s3rver from npm, tests/s3) -----------------------------------------------------------------
# The object-store tests' S3 endpoint: s3rver on a free loopback port with one bucket; it checks expiry and
# access keys but not SigV4 signatures (tests/media/sigv4_test.cpp checks those against AWS's examples).
s3_dir=""
s3_pid=""
start_s3() {
  local attempt port
  s3_dir=$(mktemp -d /tmp/postfuze-s3.XXXXXX) || return 1
  for ((attempt = 1; attempt <= 5; attempt++)); do
    port=$(pick_port) || { log "no free port found"; return 1; }
    tests/s3/node_modules/.bin/s3rver -d "$s3_dir/data" -a 127.0.0.1 -p "$port" --silent \
      --configure-bucket postfuze-test >"$s3_dir/s3rver.log" 2>&1 &
    s3_pid=$!
    for ((i = 0; i < 100; i++)); do
      if ! kill -0 "$s3_pid" 2>/dev/null; then break; fi
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        export POSTFUZE_TEST_S3_ENDPOINT="http://127.0.0.1:$port" POSTFUZE_TEST_S3_BUCKET=postfuze-test \
          POSTFUZE_TEST_S3_ACCESS_KEY_ID=S3RVER POSTFUZE_TEST_S3_SECRET_ACCESS_KEY=S3RVER
        log "s3rver on 127.0.0.1:$port ($s3_dir)"
        return 0
      fi
      sleep 0.1
    done
    stop_s3_process
    log "s3rver did not start on port $port (attempt $attempt)"
  done
  cat "$s3_dir/s3rver.log" >&2
  return 1
}

stop_s3_process() {
  if [[ -n "$s3_pid" ]]; then
    kill "$s3_pid" 2>/dev/null || true
    wait "$s3_pid" 2>/dev/null || true
    s3_pid=""
  fi
}

stop_s3() {
  stop_s3_process
  if [[ -n "$s3_dir" ]]; then
    rm -rf "$s3_dir"
    s3_dir=""
  fi
}

# Long steps (builds, ctest) run in their own process group, so a SIGINT/SIGTERM sent to this script alone
# (bash would otherwise wait for the foreground child before running its trap) stops that whole step too.
child=""
run_child() {
  setsid "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

on_signal() {
  if [[ -n "$child" ]]; then
    kill -TERM -- "-$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    child=""
  fi
  exit "$1"
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$current_stage" ]]; then
    summary+=("$(printf '  %-16s %-9s %5ds' "$current_stage" "stopped" $((SECONDS - stage_start)))")
    failed=1
  fi
  stop_postgres
  stop_s3
  ((rc == 0)) || failed=1
  print_summary
  exit "$rc"
}
trap on_exit EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# --- run --------------------------------------------------------------------------------------------------
run_ctest() {
  local dir=$1
  shift
  run_child env "$@" ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2 --timeout 300 \
    ${ctest_args[@]+"${ctest_args[@]}"}
}

# npm's playwright-core drives Debian's chromium in the browser tests (never a downloaded browser).
install_browser_tooling() {
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
}

# s3rver, the local S3 for the object-store tests (tests/s3/package-lock.json).
install_s3_tooling() {
  (cd tests/s3 && npm ci --no-audit --no-fund --loglevel=error)
}

stage install bash scripts/install.sh browser || exit 1
stage "npm ci" install_browser_tooling || exit 1
stage "npm ci s3" install_s3_tooling || exit 1
stage "build release" run_child bash scripts/build.sh release || exit 1
stage postgres start_postgres || exit 1
stage s3 start_s3 || exit 1

stage "ctest release" run_ctest build || true

if [[ "${POSTFUZE_TEST_SKIP_ASAN:-0}" == 1 ]]; then
  log "POSTFUZE_TEST_SKIP_ASAN=1: skipping the sanitizer pass"
  skip_stage "build asan"
  skip_stage "ctest asan"
else
  if stage "build asan" run_child bash scripts/build.sh asan; then
    stage "ctest asan" run_ctest build-asan \
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 || true
  fi
fi

exit $failed
