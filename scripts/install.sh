#!/usr/bin/env bash
# Install the system packages PostFuze needs (Debian 12). Idempotent: only missing packages are installed,
# and apt-get is not touched at all when everything is already present.
#
#   scripts/install.sh          build, test and run dependencies (nodejs and npm included: the test script
#                               installs s3rver, the tests' local S3, from tests/s3/package-lock.json)
#   scripts/install.sh bench    ... plus the benchmark extras (wrk, nginx-light)
#   scripts/install.sh browser  ... plus the real-browser test tooling (chromium); the test
#                               script then installs npm's playwright-core from tests/browser/package-lock.json
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-all-dev libboost-url1.81-dev libboost-json1.81-dev
  libssl-dev libsqlite3-dev libpq-dev postgresql libicu-dev
  libmagic-dev ffmpeg  # media: type sniffing (libmagic), probing and cover frames (ffprobe, ffmpeg)
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  ca-certificates curl
  python3  # tests/webhooks/receiver.py, the independent webhook receiver
)
# Node.js and npm: the tests' local S3 (s3rver, tests/s3) and the browser tests' playwright-core. From Debian
# unless some Node.js with npm is already installed (a NodeSource nodejs bundles npm and conflicts with
# Debian's npm package).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

for group in "$@"; do
  case "$group" in
    bench) packages+=(wrk nginx-light) ;;
    browser) packages+=(chromium) ;;
    -h|--help)
      echo "usage: $0 [bench] [browser]"
      exit 0
      ;;
    *)
      echo "install.sh: unknown group '$group' (known: bench, browser)" >&2
      exit 2
      ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install.sh: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install.sh: missing ${missing[*]} and not root (no sudo available)" >&2
    exit 1
  fi
fi

echo "install.sh: missing ${missing[*]}"
echo "install.sh: apt-get update"
"${sudo[@]}" apt-get update -qq
echo "install.sh: apt-get install ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install.sh: done"
