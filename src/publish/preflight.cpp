#include "publish/preflight.hpp"

#include <algorithm>

#include "publish/text_length.hpp"

namespace postfuze::publish {

namespace {

namespace json = boost::json;
using providers::ConfigField;
using providers::TextLimit;

// The limit's maximum for this post: raised_max when its boolean is true.
std::size_t effective_max(const TextLimit& limit, const json::object& slice) {
  if (limit.raised_by.empty()) return limit.max;
  const json::value* raised = slice.if_contains(limit.raised_by);
  return raised != nullptr && raised->is_bool() && raised->get_bool() ? limit.raised_max : limit.max;
}

// `cut` (a prefix of `text`) shortened to end on a grapheme boundary, so a
// byte or code-point limit never leaves half an emoji sequence or a letter
// without its accent.
std::string whole_graphemes(std::string_view text, std::string cut) {
  if (cut.size() == text.size()) return cut;
  const std::size_t n = text_length(cut, providers::TextUnit::graphemes);
  std::string whole = truncate_text(text, n, providers::TextUnit::graphemes);
  if (whole.size() <= cut.size()) return whole;
  return truncate_text(text, n - 1, providers::TextUnit::graphemes);  // the last one was split
}

std::string_view unit_words(providers::TextUnit unit) {
  switch (unit) {
    case providers::TextUnit::code_points: return "characters";
    case providers::TextUnit::graphemes: return "graphemes (user-perceived characters)";
    case providers::TextUnit::utf8_bytes: return "bytes of UTF-8";
  }
  return "characters";
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

// The value at a dotted path through objects of the slice, or nullptr.
const json::value* at_path(const json::object& slice, std::string_view path) {
  const json::object* level = &slice;
  while (true) {
    const std::size_t dot = path.find('.');
    const json::value* v = level->if_contains(path.substr(0, dot));
    if (v == nullptr || dot == std::string_view::npos) return v;
    if (!v->is_object()) return nullptr;
    level = &v->get_object();
    path.remove_prefix(dot + 1);
  }
}

class Checker {
 public:
  Checker(const providers::ProviderSpec& spec, const accounts::SocialAccount& account, const json::object& slice)
      : spec_(spec), account_(account), slice_(slice), config_("config." + spec.platform) {}

  std::vector<core::FieldError> errors;

  void add(std::string field, std::string message, std::string_view code) {
    errors.push_back(core::FieldError{std::move(field), std::move(message), std::string(code), account_.id, spec_.platform});
  }

  // Media rules on every published container (contract §25 per platform).
  void check_media(std::span<const ContainerInput> containers, std::size_t published) {
    const providers::MediaRules& rules = spec_.publish.media;
    for (std::size_t i = 0; i < published && i < containers.size(); ++i) {
      const auto& media = containers[i].media;
      if (media.empty()) continue;
      const std::string at = "containers." + std::to_string(i) + ".media";
      if (rules.kinds.empty() || (i > 0 && !rules.replies)) {
        add(at, i == 0 ? spec_.platform + " posts cannot carry media."
                       : spec_.platform + " replies and comments cannot carry media; put media in the main container.",
            kMediaNotSupported);
        continue;
      }
      // "First used" platforms drop the extras: only the first is checked.
      const std::size_t used = rules.ignore_extra_items ? std::min<std::size_t>(media.size(), rules.max_items) : media.size();
      if (used > static_cast<std::size_t>(rules.max_items))
        add(at, spec_.platform + " takes at most " + std::to_string(rules.max_items) + " media item" +
                    (rules.max_items == 1 ? "" : "s") + " per post; got " + std::to_string(media.size()) + ".",
            kTooManyMedia);
      std::size_t videos = 0, stills = 0;
      for (std::size_t j = 0; j < used; ++j) {
        const MediaInput& m = media[j];
        if (m.kind.empty()) continue;  // facts unknown: nothing to check
        (m.kind == "video" ? videos : stills) += 1;
        const std::string item = at + "." + std::to_string(j);
        const providers::MediaKindRule* rule = rules.find(m.kind);
        if (rule == nullptr) {
          add(item, spec_.platform + " does not take " + m.kind + " media.", kMediaNotSupported);
          continue;
        }
        if (!rule->types.empty() && std::find(rule->types.begin(), rule->types.end(), m.content_type) == rule->types.end())
          add(item, spec_.platform + " does not take " + m.content_type + "; it takes " + join(rule->types) + ".",
              kMediaTypeNotSupported);
        if (m.size && *m.size > rule->max_bytes)
          add(item, spec_.platform + " takes " + m.kind + " files of at most " + std::to_string(rule->max_bytes) +
                        " bytes; this one has " + std::to_string(*m.size) + ".",
              kMediaTooLarge);
      }
      if (videos > static_cast<std::size_t>(rules.max_videos))
        add(at, spec_.platform + " takes at most " + std::to_string(rules.max_videos) + " video" +
                    (rules.max_videos == 1 ? "" : "s") + " per post.",
            kTooManyMedia);
      if (videos > 0 && stills > 0 && !rules.mix_kinds)
        add(at, spec_.platform + " cannot mix videos with images in one post.", kMediaMixNotSupported);
    }
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  void check_containers(std::span<const ContainerInput> containers, std::size_t published) {
    if (containers.empty()) {
      add("containers", "A post needs a main container.", kEmptyPost);
      return;
    }
    const ContainerInput& main = containers.front();
    if (spec_.publish.media_required && main.media.empty())
      add("containers.0.media", spec_.platform + " needs at least one media item in the main container.", kMediaRequired);
    else if (blank(main.content) && main.media.empty())
      add("containers.0", "The main container has neither text nor media.", kEmptyPost);
    for (std::size_t i = 1; i < published; ++i)
      if (blank(containers[i].content) && containers[i].media.empty())
        add("containers." + std::to_string(i),
            "Container " + std::to_string(i) + " has neither text nor media; " + spec_.platform +
                " publishes it as a reply.",
            kEmptyPost);
  }

  void check_limits(std::span<const ContainerInput> containers, std::size_t published) {
    for (const TextLimit& limit : spec_.publish.limits) {
      if (limit.over != providers::OverLimit::reject) continue;
      const std::size_t max = effective_max(limit, slice_);
      const auto check = [&](std::string field, std::string_view text) {
        const std::size_t n = text_length(text, limit.unit);
        if (n <= max) return;
        std::string message = spec_.platform + " allows at most " + std::to_string(max) + " " +
                              std::string(unit_words(limit.unit)) + " here; this text has " + std::to_string(n) + ".";
        if (!limit.raised_by.empty() && max == limit.max)
          message += " With " + limit.raised_by + ": true the limit is " + std::to_string(limit.raised_max) + ".";
        add(std::move(field), std::move(message), kTextTooLong);
      };
      for (std::size_t i = 0; i < published && i < containers.size(); ++i) {
        const std::string at = "containers." + std::to_string(i);
        if (limit.field == "content") check(at + ".content", containers[i].content);
        if (limit.field == "media.alt_text")
          for (std::size_t j = 0; j < containers[i].media.size(); ++j)
            if (containers[i].media[j].alt_text)
              check(at + ".media." + std::to_string(j) + ".alt_text", *containers[i].media[j].alt_text);
      }
      if (limit.field == "content" || limit.field == "media.alt_text") continue;
      if (const json::value* v = slice_.if_contains(limit.field); v != nullptr && v->is_string())
        check(config_ + "." + limit.field, v->get_string());
    }
  }

  // Required, conditionally required and account-reference fields, at every
  // level (`object`: the slice's object at `path`, nullptr when absent).
  void check_fields(const std::vector<ConfigField>& fields, const json::object* object, const std::string& path) {
    for (const ConfigField& f : fields) {
      const std::string at = path + "." + f.name;
      const json::value* v = object != nullptr ? object->if_contains(f.name) : nullptr;
      const bool missing = v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty());
      if (missing && f.required) add(at, at.substr(config_.size() + 1) + " is required.", kMissingField);
      if (missing && f.required_when && condition_holds(*f.required_when))
        add(at, at.substr(config_.size() + 1) + " is required when " + f.required_when->field + " is " +
                    condition_value(*f.required_when) + ".",
            kMissingField);
      if (!missing && f.account_ref && v->is_string() && !may_act_as(*f.account_ref, v->get_string()))
        add(at, "is not an account this " + spec_.platform + " account may post as.", kInvalidValue);
      if (f.type == providers::ConfigType::object)
        check_fields(f.fields, v != nullptr && v->is_object() ? &v->get_object() : nullptr, at);
    }
  }

  const std::string& config_path() const { return config_; }

 private:
  // The condition's field as given, else its catalogue default.
  std::string condition_value(const providers::ConfigCondition& c) const {
    if (const json::value* v = at_path(slice_, c.field); v != nullptr && v->is_string()) return std::string(v->get_string());
    const ConfigField* f = spec_.publish.config.find_path(c.field);
    if (f != nullptr && f->default_value.is_string()) return std::string(f->default_value.get_string());
    return {};
  }

  bool condition_holds(const providers::ConfigCondition& c) const {
    const std::string value = condition_value(c);
    return std::find(c.in.begin(), c.in.end(), value) != c.in.end();
  }

  // The account itself when it is of the referenced type, or one of the ids
  // connect stored for it in platform_data.
  bool may_act_as(const providers::AccountRef& ref, std::string_view value) const {
    const std::string id = value.starts_with(ref.prefix) ? std::string(value) : ref.prefix + std::string(value);
    if (account_.account_type == ref.account_type && account_.network_unique_id == id) return true;
    const json::value* stored = account_.platform_data.if_contains(ref.stored_in);
    if (stored == nullptr || !stored->is_array()) return false;
    return std::any_of(stored->get_array().begin(), stored->get_array().end(),
                       [&](const json::value& e) { return e.is_string() && e.get_string() == id; });
  }

  const providers::ProviderSpec& spec_;
  const accounts::SocialAccount& account_;
  const json::object& slice_;
  const std::string config_;
};

}  // namespace

std::vector<core::FieldError> preflight(const providers::ProviderSpec& spec, const accounts::SocialAccount& account,
                                        std::size_t account_index, const json::object& config_slice,
                                        std::span<const ContainerInput> containers) {
  Checker checker(spec, account, config_slice);
  if (!spec.publish.supported) {
    checker.add("accounts." + std::to_string(account_index),
                "Publishing to " + spec.platform + " is not supported yet.",
                kPublishingNotSupported);
    return std::move(checker.errors);
  }
  // Containers 1+ go out only where the platform has replies or comments.
  const std::size_t published =
      spec.publish.replies == providers::ReplyMode::ignored ? std::min<std::size_t>(1, containers.size()) : containers.size();
  checker.check_containers(containers, published);
  checker.check_media(containers, published);
  checker.check_limits(containers, published);
  checker.check_fields(spec.publish.config.fields, &config_slice, checker.config_path());
  return std::move(checker.errors);
}

std::string fit_text(const providers::ProviderSpec& spec, std::string_view field, std::string_view text,
                     const json::object& config_slice) {
  std::string out(text);
  for (const TextLimit& limit : spec.publish.limits)
    if (limit.field == field && limit.over == providers::OverLimit::truncate)
      out = whole_graphemes(out, truncate_text(out, effective_max(limit, config_slice), limit.unit));
  return out;
}

}  // namespace postfuze::publish
