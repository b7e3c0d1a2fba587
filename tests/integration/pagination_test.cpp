// End to end: keyset pagination with signed cursors (contract §8).
#include <gtest/gtest.h>

#include <set>

#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {

using Pagination = ServerTest;

TEST_P(Pagination, PagesCoverEveryKeyOnceNewestFirst) {
  for (int i = 0; i < 22; ++i) issue_key(R"({"name":"k)" + std::to_string(i) + "\"}");
  std::set<std::string> seen;
  std::vector<std::string> created;
  std::string cursor;
  int pages = 0;
  for (;;) {
    const auto r = call(verb::get, "/api/v1/api-keys?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor), key_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto j = r.json().as_object();
    for (const auto& item : j.at("data").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(item.as_object().at("id").as_string())).second);
      created.emplace_back(item.as_object().at("created_at").as_string());
    }
    ++pages;
    if (j.at("next_cursor").is_null()) break;
    cursor = j.at("next_cursor").as_string();
  }
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(pages, 4);
  EXPECT_TRUE(std::is_sorted(created.rbegin(), created.rend()));
}

TEST_P(Pagination, DefaultPageIs25AndAnEmptyListIsNotAnError) {
  for (int i = 0; i < 26; ++i) issue_key("{}");
  const auto j = call(verb::get, "/api/v1/api-keys", key_).json().as_object();
  EXPECT_EQ(j.at("data").as_array().size(), 25u);
  EXPECT_TRUE(j.at("next_cursor").is_string());
}

TEST_P(Pagination, BadLimitsAndCursorsAre400) {
  for (const char* limit : {"0", "101", "abc", "-1", "", "10x"}) {
    const auto r = call(verb::get, std::string("/api/v1/api-keys?limit=") + limit, key_);
    ASSERT_EQ(r.status, 400) << limit;
    const auto j = r.json().as_object();
    EXPECT_EQ(j.at("code").as_string(), "invalid_parameter");
    EXPECT_EQ(j.at("errors").as_array()[0].as_object().at("field").as_string(), "limit");
  }
  for (int i = 0; i < 3; ++i) issue_key("{}");
  const auto first = call(verb::get, "/api/v1/api-keys?limit=1", key_).json().as_object();
  std::string cursor(first.at("next_cursor").as_string());
  std::string tampered = cursor;
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, std::string("WyIyMDI2LTA2LTEzVDE4OjA1OjAwLjAwMFoiLCIuLi4iXQ"),
                                 std::string("garbage"), cursor + "x"}) {
    const auto r = call(verb::get, "/api/v1/api-keys?cursor=" + bad, key_);
    ASSERT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json().as_object().at("code").as_string(), "invalid_cursor");
    EXPECT_EQ(r.json().as_object().at("detail").as_string(), "Invalid cursor");
  }
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys?cursor=" + cursor, key_).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, Pagination, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
