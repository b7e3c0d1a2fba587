// The post and target objects as the API returns them and webhook events
// carry them (contract §14.2, D23). Internal bookkeeping (leases, intents,
// the platform's reply refs) never leaves the server.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "publish/post.hpp"

namespace postfuze::publish {

boost::json::object to_json(const Post& post);
boost::json::object target_to_json(const PostTarget& target);
// Strong ETag of the post's editable state: changes on every client edit.
std::string etag(const Post& post);

}  // namespace postfuze::publish
