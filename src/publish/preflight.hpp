// preflight: the per-platform rules a post must meet for one target account,
// checked when the post is created (contract §14.1, D24: every rule at
// create time, one 422 platform_requirement listing every broken rule, a post
// is never partially accepted). The rules come from the catalogue
// (ProviderSpec::publish): text limits, media, required and conditionally
// required config fields, account references. Also fit_text, the truncation
// publishers apply where the platform truncates instead of refusing.
// Pure functions of their inputs; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "accounts/social_account.hpp"
#include "core/error.hpp"
#include "providers/provider_spec.hpp"

namespace postfuze::publish {

// Stable rule codes (FieldError::code; docs/errors.md). Never rename one.
inline constexpr std::string_view kPublishingNotSupported = "publishing_not_supported";
inline constexpr std::string_view kEmptyPost = "empty_post";
inline constexpr std::string_view kMediaRequired = "media_required";
inline constexpr std::string_view kTextTooLong = "text_too_long";
inline constexpr std::string_view kMissingField = "missing_field";
inline constexpr std::string_view kInvalidValue = "invalid_value";
inline constexpr std::string_view kMediaNotSupported = "media_not_supported";
inline constexpr std::string_view kMediaTypeNotSupported = "media_type_not_supported";
inline constexpr std::string_view kMediaTooLarge = "media_too_large";
inline constexpr std::string_view kTooManyMedia = "too_many_media";
inline constexpr std::string_view kMediaMixNotSupported = "media_mix_not_supported";

struct MediaInput {
  std::string id;
  std::optional<std::string> alt_text;
  // The stored asset's facts, filled in before preflight (never stored with
  // the post): kind and verified content type, size in bytes when known.
  std::string kind;
  std::string content_type;
  std::optional<std::int64_t> size;
};

// One container as posted: position 0 is the main post (contract §15.1).
struct ContainerInput {
  std::string content;
  std::vector<MediaInput> media;
};

// Every rule `containers` and `config_slice` (the platform's canonical slice
// from resolve_config, or an empty object) break for `account` on `spec`'s
// platform; empty when the target is fine. Each FieldError carries
// account_id = account.id and platform = spec.platform, a field
// ("accounts.<account_index>", "containers.0.content",
// "config.reddit.subreddit"…) and one of the rule codes above:
// - publishing_not_supported: the platform cannot be published to yet; it is
//   then the only error reported (nothing else could make the target work);
// - media_required: the platform needs media in the main container;
// - empty_post: a published container has no text (whitespace only counts as
//   none) and no media; containers a platform ignores are not checked;
// - text_too_long: a text over a limit whose `over` is reject, counted in the
//   limit's unit, with raised_by honoured; truncating limits never refuse;
// - missing_field: a required config field is absent or "", or a
//   conditionally required one whose condition holds (the condition field
//   read with its catalogue default when absent);
// - invalid_value: an account-reference field (LinkedIn organizationId /
//   organizationUrn) names something the account may not act as;
// - media rules (catalogue publish.media), per published container:
//   media_not_supported (media on a reply where the platform takes none, or
//   a kind it does not take), media_type_not_supported, media_too_large,
//   too_many_media (over max_items where extras are refused, or over
//   max_videos), media_mix_not_supported (videos with images).
std::vector<core::FieldError> preflight(const providers::ProviderSpec& spec, const accounts::SocialAccount& account,
                                        std::size_t account_index, const boost::json::object& config_slice,
                                        std::span<const ContainerInput> containers);

// `text` for `field` ("content", "media.alt_text" or a config field such as
// "title"), cut to every limit on that field whose `over` is truncate (in the
// limit's unit, raised_by honoured), then back to the last whole grapheme so
// no emoji sequence or accented letter is split; unchanged where the
// platform has no truncating limit on the field.
std::string fit_text(const providers::ProviderSpec& spec, std::string_view field, std::string_view text,
                     const boost::json::object& config_slice);

}  // namespace postfuze::publish
