#!/usr/bin/env bash
# Media storage benchmark: upload and download throughput through the disk store's signed /media-files/ URLs
# (curl over loopback, real 500 MB of random bytes by default), and the server's memory while it streams
# them: VmRSS sampled every 100 ms and VmHWM (peak) before, after the upload and after the download. The
# server must stay flat and well under 100 MB whatever the file size (docs/decisions.md "Media storage").
#
#   bash bench/media_bench.sh [MEGABYTES]        (default 500; BUILD_DIR=<release build dir>, default build/)
#
# URLs are minted by build/bench/media_sign with the same key as the server (a fixed bench key).
set -euo pipefail
bench_name=media_bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

megabytes=${1:-500}
bench_binaries build
signer="$(dirname "$bin")/bench/media_sign"
[[ -x "$signer" ]] || { log "$signer is missing (build the media_sign target)"; exit 1; }
bench_tmp media-bench

keys="bench:$(head -c 32 /dev/urandom | base64 -w0)"
log "writing ${megabytes} MB of random bytes"
head -c "$((megabytes * 1024 * 1024))" /dev/urandom >"$tmp/in.bin"
want=$(sha256sum "$tmp/in.bin" | cut -d' ' -f1)

start_postfuze POSTFUZE_ENCRYPTION_KEYS="$keys"
base_hwm=$(hwm_of "$pf_pid")

# sample_rss: the largest VmRSS seen (KiB) while the current transfer runs, into $tmp/rss.max.
sample_rss() {
  local max=0 v
  while kill -0 "$pf_pid" 2>/dev/null && [[ ! -e "$tmp/stop-sampling" ]]; do
    v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pf_pid/status" 2>/dev/null || echo 0)
    ((v > max)) && max=$v
    echo "$max" >"$tmp/rss.max"
    sleep 0.1
  done
}
# transfer NAME CURL-ARGS...: runs curl while sampling the server's RSS; prints "<speed B/s> <max RSS KiB>".
transfer() {
  local name=$1 speed
  shift
  rm -f "$tmp/stop-sampling" "$tmp/rss.max"
  sample_rss &
  local sampler=$!
  speed=$(curl -sS --fail -o "$tmp/$name.out" -w '%{speed_upload} %{speed_download}' "$@")
  touch "$tmp/stop-sampling"
  wait "$sampler" || true
  echo "$speed $(cat "$tmp/rss.max")"
}

mapfile -t urls < <("$signer" "$tmp/data" "$keys" "$pf_url" bench/video/original video/mp4 \
  "$((megabytes * 1024 * 1024))" 3600)
log "PUT ${megabytes} MB"
read -r up_speed _ up_rss < <(transfer put -T "$tmp/in.bin" -H "Content-Type: video/mp4" "${urls[0]}")
hwm_after_put=$(hwm_of "$pf_pid")
log "GET ${megabytes} MB"
read -r _ down_speed down_rss < <(transfer get "${urls[1]}")
hwm_after_get=$(hwm_of "$pf_pid")
got=$(sha256sum "$tmp/get.out" | cut -d' ' -f1)
[[ "$got" == "$want" ]] || { log "downloaded bytes differ from the upload"; exit 1; }
stored=$(sha256sum "$tmp/data/media/objects/bench/video/original" | cut -d' ' -f1)
[[ "$stored" == "$want" ]] || { log "stored bytes differ from the upload"; exit 1; }

# A declared length over the signed cap is refused before any byte is read.
mapfile -t small < <("$signer" "$tmp/data" "$keys" "$pf_url" bench/small/original video/mp4 1024 3600)
refused=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: video/mp4" \
  -H "Content-Length: 1000000000" -H "Expect: 100-continue" --data-binary @/dev/null "${small[0]}" || true)

server_warnings
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
cat <<REPORT
media_bench: ${megabytes} MB of random bytes through the disk store (${build_type} build, loopback, curl)
  upload   (signed PUT, streamed to disk, fsync + rename)   $(mb "$up_speed") MB/s   server peak RSS during it $(mib "$up_rss")
  download (signed GET, 64 KiB pieces)                     $(mb "$down_speed") MB/s   server peak RSS during it $(mib "$down_rss")
  server VmHWM: at start ${base_hwm}, after upload ${hwm_after_put}, after download ${hwm_after_get}
  bytes identical after the round trip (SHA-256); 1 GB declared on a 1 KiB URL answered ${refused}
REPORT
