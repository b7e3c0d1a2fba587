#!/usr/bin/env bash
# Fails when production code (src/) reads the wall clock, sleeps, or uses a
# non-cryptographic random source directly. Time comes from core::Clock and
# randomness from core::Random, so tests can control both (style convention 4).
# The only allowed readers are the real implementations themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
check() {
  local pattern=$1 why=$2
  local hits
  hits=$(grep -rnE "$pattern" src --include='*.cpp' --include='*.hpp' \
           | grep -v '^src/core/clock.cpp:' || true)
  if [ -n "$hits" ]; then
    printf 'check_style: %s\n%s\n\n' "$why" "$hits"
    status=1
  fi
}

check 'system_clock::now|steady_clock::now|high_resolution_clock::now|\btime\(nullptr\)|gettimeofday' \
      'read time through core::Clock, not the system clock'
check 'sleep_for|sleep_until|\busleep\(|\bsleep\(' \
      'never sleep in production code; wait on a timer or a condition'
check '\brand\(|\bsrand\(|std::mt19937|random_device' \
      'use core::Random (crypto::SecureRandom in production)'
check 'if \(platform ==|platform == "' \
      'platform differences belong in the provider catalogue (src/providers)'

[ $status -eq 0 ] && echo "check_style: ok"
exit $status
