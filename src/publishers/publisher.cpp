#include "publishers/publisher.hpp"

#include "publishers/bluesky_publisher.hpp"
#include "publishers/facebook_publisher.hpp"
#include "publishers/google_business_publisher.hpp"
#include "publishers/instagram_publisher.hpp"
#include "publishers/linkedin_publisher.hpp"
#include "publishers/pinterest_publisher.hpp"
#include "publishers/reddit_publisher.hpp"
#include "publishers/threads_publisher.hpp"
#include "publishers/tiktok_publisher.hpp"
#include "publishers/x_publisher.hpp"
#include "publishers/youtube_publisher.hpp"

namespace postfuze::publishers {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::created: return "created";
    case Outcome::transient: return "transient";
    case Outcome::rate_limited: return "rate_limited";
    case Outcome::auth: return "auth";
    case Outcome::permanent: return "permanent";
    case Outcome::ambiguous: return "ambiguous";
  }
  return "permanent";
}

const Publisher* publisher_for(std::string_view platform) {
  // One row per platform with a Publisher class.
  struct Entry {
    std::string_view platform;
    const Publisher& (*get)();
  };
  static constexpr Entry kPublishers[] = {
      {"x", x_publisher},
      {"threads", threads_publisher},
      {"reddit", reddit_publisher},
      {"bluesky", bluesky_publisher},
      {"linkedin", linkedin_publisher},
      {"facebook", facebook_publisher},
      {"google_business", google_business_publisher},
      {"youtube", youtube_publisher},
      {"tiktok", tiktok_publisher},
      {"instagram", instagram_publisher},
      {"pinterest", pinterest_publisher},
  };
  for (const auto& e : kPublishers)
    if (e.platform == platform) return &e.get();
  return nullptr;
}

}  // namespace postfuze::publishers
