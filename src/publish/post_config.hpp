// post_config: the per-platform `config` of POST /posts resolved into one
// canonical slice per platform (contract §16, §25; docs/decisions.md D32).
//
// Settings come as `config.<platform>` or as a top-level `<platform>` key of
// the body. When a platform appears in both, the `config` slice wins whole:
// nothing of the top-level one is merged in (§16 "the nested value wins").
// Inside a slice, each field of the catalogue's schema is read under its
// canonical name, then its aliases in catalogue order, then inside the
// schema's `nested` objects (YouTube's youtubeConfiguration); the first
// spelling found is the one used, and it is echoed under the canonical name.
// Unknown fields are dropped (§16), except the schema's `forbidden` keys
// (Bluesky's service/pds/serviceUrl), which are refused. JSON null reads as
// "not given". Defaults are not filled in: the stored config says what the
// caller asked for, and publishers apply the catalogue's defaults when they
// publish, so a default that changes later is not frozen into old posts.
// Pure function of its inputs; safe to call from any thread.
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "providers/catalog.hpp"

namespace postfuze::publish {

// `body` is the POST /posts JSON. Success: platform id → canonical slice, for
// exactly the platforms the body names (an empty object when every field it
// gave was unknown). Failure: a validation error (422) with one FieldError
// per problem, `field` as the caller spelled it ("config.x.longForm",
// "x.long_form", "config.youtube.youtubeConfiguration.tags.1") and `code`
// invalid_type (wrong JSON type, or `config`/a slice not an object),
// invalid_value (not one of the allowed values, below an integer's minimum)
// or forbidden.
core::Result<boost::json::object> resolve_config(const boost::json::object& body, const providers::Catalog& catalog);

}  // namespace postfuze::publish
