// media_sign: prints a signed PUT and GET URL of the disk store for the
// media benchmark (bench/media_bench.sh), exactly as a server started with
// the same POSTFUZE_ENCRYPTION_KEYS and public URL would mint them.
//
//   media_sign DATA_DIR KEYS_SPEC PUBLIC_URL OBJECT_KEY CONTENT_TYPE MAX_BYTES TTL_SECONDS
#include <iostream>
#include <string>

#include "core/clock.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "media/disk_store.hpp"

int main(int argc, char** argv) {
  using namespace postfuze;
  if (argc != 8) {
    std::cerr << "usage: media_sign DATA_DIR KEYS_SPEC PUBLIC_URL OBJECT_KEY CONTENT_TYPE MAX_BYTES TTL_SECONDS\n";
    return 2;
  }
  auto ring = crypto::KeyRing::parse(argv[2]);
  if (!ring) {
    std::cerr << ring.error().detail << "\n";
    return 2;
  }
  core::SystemClock clock;
  crypto::SecureRandom random;
  // The server's own store (it only signs here).
  media::DiskStore store(std::filesystem::path(argv[1]) / "media", argv[3],
                         media::UrlSigner(ring->derive("media-url")), clock, random);
  const auto expires = clock.now() + std::chrono::seconds(std::stoll(argv[7]));
  auto put = store.presign_put(argv[4], argv[5], std::stoll(argv[6]), expires);
  auto get = store.presign_get(argv[4], expires);
  if (!put || !get) {
    std::cerr << "cannot sign: " << (put ? get.error().detail : put.error().detail) << "\n";
    return 1;
  }
  std::cout << put->url << "\n" << get->url << "\n";
  return 0;
}
