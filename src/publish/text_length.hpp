// Text length as each platform counts it (contract §25: X counts characters,
// Bluesky graphemes, Threads UTF-8 bytes for emoji…), and truncation that
// never splits what it counts. Graphemes come from ICU's break iterator.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "providers/provider_spec.hpp"

namespace postfuze::publish {

// Length of valid UTF-8 `text` in `unit`.
std::size_t text_length(std::string_view text, providers::TextUnit unit);

// The longest prefix of `text` whose length in `unit` is at most `max`,
// cut only at a boundary of that unit.
std::string truncate_text(std::string_view text, std::size_t max, providers::TextUnit unit);

}  // namespace postfuze::publish
