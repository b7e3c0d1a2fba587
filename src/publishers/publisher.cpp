#include "publishers/publisher.hpp"

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

}  // namespace postfuze::publishers
