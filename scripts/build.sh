#!/usr/bin/env bash
# Configure and build PostFuze with Ninja.
#
#   scripts/build.sh [release]   -> build/        (Release, tests + benchmarks)
#   scripts/build.sh debug       -> build-debug/  (Debug)
#   scripts/build.sh asan        -> build-asan/   (Debug + ASan/UBSan, no benchmarks)
#
# The server binary is <build dir>/postfuze. Extra arguments after the mode go to the cmake configure step,
# e.g. scripts/build.sh release -DPOSTFUZE_BUILD_BENCH=OFF. BUILD_JOBS overrides the parallelism.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

mode=${1:-release}
(($# > 0)) && shift

case "$mode" in
  release)
    dir=build
    flags=(-DCMAKE_BUILD_TYPE=Release -DPOSTFUZE_BUILD_TESTS=ON)
    ;;
  debug)
    dir=build-debug
    flags=(-DCMAKE_BUILD_TYPE=Debug)
    ;;
  asan)
    dir=build-asan
    flags=(-DCMAKE_BUILD_TYPE=Debug -DPOSTFUZE_SANITIZE=ON -DPOSTFUZE_BUILD_BENCH=OFF)
    ;;
  -h|--help)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "build.sh: unknown mode '$mode' (release|debug|asan)" >&2
    exit 2
    ;;
esac

jobs=${BUILD_JOBS:-$(nproc)}

# A build dir configured with another generator (e.g. a hand-run `cmake -B build` with Makefiles) cannot be
# switched to Ninja in place; it only holds build outputs, so start it afresh.
if [[ -f "$dir/CMakeCache.txt" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  echo "build.sh: $dir/ was configured with another generator; recreating it"
  rm -rf "$dir"
fi

echo "build.sh: configure $mode -> $dir/"
mkdir -p "$dir"
if ! cmake -S . -B "$dir" -G Ninja "${flags[@]}" "$@" >"$dir/configure.log" 2>&1; then
  cat "$dir/configure.log" >&2
  echo "build.sh: configure failed (log: $dir/configure.log)" >&2
  exit 1
fi
if grep -q 'CMake Warning\|CMake Deprecation Warning' "$dir/configure.log"; then
  cat "$dir/configure.log"
fi

echo "build.sh: build $mode (-j$jobs)"
cmake --build "$dir" -j"$jobs"
echo "build.sh: ok $dir/postfuze"
