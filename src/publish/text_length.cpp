#include "publish/text_length.hpp"

#include <memory>

#include <unicode/brkiter.h>
#include <unicode/utext.h>

namespace postfuze::publish {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Calls fn with the byte offset where each code point or grapheme of `text`
// ends, in order, until fn returns false (UTF-8 bytes are counted directly).
template <typename Fn>
void for_each_boundary(std::string_view text, providers::TextUnit unit, Fn&& fn) {
  using providers::TextUnit;
  if (unit == TextUnit::code_points) {
    for (std::size_t i = 1; i <= text.size(); ++i)
      if (i == text.size() || !is_continuation(static_cast<unsigned char>(text[i])))
        if (!fn(i)) return;
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !it) {
    utext_close(ut);
    // Without ICU data, count code points: never more lenient than graphemes allow.
    for_each_boundary(text, TextUnit::code_points, fn);
    return;
  }
  it->setText(ut, status);
  it->first();
  for (int32_t b = it->next(); b != icu::BreakIterator::DONE; b = it->next())
    if (!fn(static_cast<std::size_t>(b))) break;
  utext_close(ut);
}

}  // namespace

std::size_t text_length(std::string_view text, providers::TextUnit unit) {
  if (unit == providers::TextUnit::utf8_bytes) return text.size();
  std::size_t n = 0;
  for_each_boundary(text, unit, [&](std::size_t) {
    ++n;
    return true;
  });
  return n;
}

std::string truncate_text(std::string_view text, std::size_t max, providers::TextUnit unit) {
  if (unit == providers::TextUnit::utf8_bytes) {
    if (text.size() <= max) return std::string(text);
    std::size_t cut = max;
    while (cut > 0 && is_continuation(static_cast<unsigned char>(text[cut]))) --cut;
    return std::string(text.substr(0, cut));
  }
  std::size_t n = 0, end = 0;
  for_each_boundary(text, unit, [&](std::size_t b) {
    if (n == max) return false;
    ++n;
    end = b;
    return true;
  });
  return std::string(text.substr(0, end));
}

}  // namespace postfuze::publish
