#include "store/placeholders.hpp"

#include <algorithm>

namespace postfuze::store {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

// Length of a dollar-quote tag (`$$` or `$name$`) starting at i, or 0.
std::size_t dollar_tag_length(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '$') return 2;
  if (j >= s.size() || !is_ident_start(s[j])) return 0;
  while (j < s.size() && (is_ident_start(s[j]) || is_digit(s[j]))) ++j;
  return j < s.size() && s[j] == '$' ? j - i + 1 : 0;
}

}  // namespace

PlaceholderScan scan_placeholders(std::string_view sql, bool rewrite_to_question_marks) {
  PlaceholderScan out;
  out.sql.reserve(sql.size());
  std::size_t i = 0;
  // Copies s[i, end) verbatim and moves i there.
  auto copy_to = [&](std::size_t end) {
    end = std::min(end, sql.size());
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // A doubled quote inside reads as closing then reopening: same result.
      std::size_t close = sql.find(c, i + 1);
      copy_to(close == std::string_view::npos ? sql.size() : close + 1);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      std::size_t eol = sql.find('\n', i);
      copy_to(eol == std::string_view::npos ? sql.size() : eol + 1);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t close = sql.find("*/", i + 2);
      copy_to(close == std::string_view::npos ? sql.size() : close + 2);
    } else if (c == '$' && (i == 0 || !is_ident_char(sql[i - 1]))) {
      if (i + 1 < sql.size() && is_digit(sql[i + 1])) {
        std::size_t j = i + 1;
        int n = 0;
        while (j < sql.size() && is_digit(sql[j])) {
          n = std::min(n * 10 + (sql[j] - '0'), 1000000);  // clamp: absurd indexes fail the count check
          ++j;
        }
        out.max_index = std::max(out.max_index, n);
        if (rewrite_to_question_marks) {
          out.sql.push_back('?');
          ++i;
        }
        copy_to(j);
      } else if (std::size_t tag = dollar_tag_length(sql, i); tag > 0) {
        std::size_t close = sql.find(sql.substr(i, tag), i + tag);
        copy_to(close == std::string_view::npos ? sql.size() : close + tag);
      } else {
        copy_to(i + 1);
      }
    } else {
      copy_to(i + 1);
    }
  }
  return out;
}

}  // namespace postfuze::store
