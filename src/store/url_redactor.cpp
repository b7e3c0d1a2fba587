#include "store/url_redactor.hpp"

#include <algorithm>

namespace postfuze::store {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

UrlRedactor::UrlRedactor(std::string_view url) {
  constexpr std::string_view kMask = "***";
  // Spans [begin, end) of url that hold a password, in order.
  std::vector<std::pair<std::size_t, std::size_t>> spans;

  std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    // URL form: scheme://user:password@host/db?password=…
    std::size_t authority = scheme_end + 3;
    std::size_t authority_end = url.find_first_of("/?#", authority);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    std::size_t at = url.rfind('@', authority_end);
    if (at != std::string_view::npos && at >= authority) {
      std::size_t colon = url.find(':', authority);
      if (colon != std::string_view::npos && colon < at) spans.emplace_back(colon + 1, at);
    }
    std::size_t query = url.find('?', authority);
    while (query != std::string_view::npos) {
      std::size_t key = query + 1;
      std::size_t next = url.find('&', key);
      std::size_t end = next == std::string_view::npos ? url.size() : next;
      if (url.substr(key, end - key).starts_with("password=")) spans.emplace_back(key + 9, end);
      query = next;
    }
  } else {
    // Keyword form: … password=secret … or password='sec ret'.
    std::size_t pos = 0;
    while ((pos = url.find("password", pos)) != std::string_view::npos) {
      std::size_t i = pos + 8;
      pos = i;
      while (i < url.size() && url[i] == ' ') ++i;
      if (i >= url.size() || url[i] != '=') continue;
      ++i;
      while (i < url.size() && url[i] == ' ') ++i;
      std::size_t begin = i;
      if (i < url.size() && url[i] == '\'') {
        ++i;
        while (i < url.size() && url[i] != '\'') i += url[i] == '\\' ? 2 : 1;
        i = std::min(i + 1, url.size());
      } else {
        while (i < url.size() && url[i] != ' ') ++i;
      }
      spans.emplace_back(begin, i);
      pos = i;
    }
  }

  std::size_t copied = 0;
  for (auto [begin, end] : spans) {
    if (begin < copied) continue;
    redacted_.append(url.substr(copied, begin - copied));
    redacted_.append(kMask);
    copied = end;
    std::string_view raw = url.substr(begin, end - begin);
    if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'') raw = raw.substr(1, raw.size() - 2);
    if (!raw.empty()) {
      secrets_.emplace_back(raw);
      secrets_.push_back(percent_decode(raw));
    }
  }
  redacted_.append(url.substr(copied));
  // Longest first, so a decoded form that contains the raw one is caught whole.
  std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string UrlRedactor::scrub(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : secrets_) {
    if (secret.empty()) continue;
    for (std::size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3)) {
      out.replace(pos, secret.size(), "***");
    }
  }
  return out;
}

}  // namespace postfuze::store
