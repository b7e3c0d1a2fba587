// The body of POST /posts and PATCH /posts/{id}: its shape checked in one
// pass, every bad member reported at once (422 validation_failed), before
// any account is read (contract §14.1, §15.1; D29, D30).
#pragma once

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "publish/post_builder.hpp"

namespace postfuze::api {

// `now` refuses a scheduled_at in the past or more than two years ahead.
core::Result<publish::PostRequest> parse_post_request(const boost::json::object& body, core::TimePoint now);

}  // namespace postfuze::api
