// Google Business Profile publisher (platforms.md §9, api-contract.md §25.11):
// one local post per target, POST {api}/accounts/{a}/locations/{l}/localPosts
// with a LocalPost (summary, topicType STANDARD/EVENT/OFFER, languageCode,
// callToAction, event, offer); containers 1+ have no surface (ReplyMode
// ignored). Images go in LocalPost.media as PHOTO sourceUrl (Google
// downloads MediaItem::url; a refused download is Google's 400, permanent).
// find() lists the location's local posts. Stateless; safe from any thread.
#pragma once

#include <string>

#include "core/result.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& google_business_publisher();

// The location a post goes to, "accounts/{a}/locations/{l}" (§25.11): config
// locationName; else config accountId (bare or "accounts/…") with the
// account's location; else the connected login's account with it. A
// validation error when none of them gives a whole name.
core::Result<std::string> google_location_name(const PublishAccount& account, const boost::json::object& config);

// The LocalPost body for `summary` from the target's config slice, defaults
// applied (topicType STANDARD, languageCode en-US); event dates "YYYY-MM-DD"
// and times "HH:MM" become Google Date / TimeOfDay objects. A validation
// error for a bad topic, action, date or time, or EVENT/OFFER without
// event.title.
core::Result<boost::json::object> google_local_post(std::string_view summary, const boost::json::object& config);

}  // namespace postfuze::publishers
