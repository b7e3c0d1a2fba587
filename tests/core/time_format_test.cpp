#include "core/time_format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace postfuze::core {
namespace {

std::int64_t parse_ms(std::string_view s) {
  auto t = parse_timestamp(s);
  EXPECT_TRUE(t.has_value()) << "expected to parse: " << s;
  return t ? to_unix_ms(*t) : INT64_MIN;
}

constexpr std::int64_t kJune9 = 1'780'999'200'000;  // 2026-06-09T10:00:00.000Z

// --- formatting ---

TEST(FormatTimestamp, RendersUtcWithMillisecondsAndZ) {
  EXPECT_EQ(format_timestamp(from_unix_ms(kJune9 + 123)), "2026-06-09T10:00:00.123Z");
}

TEST(FormatTimestamp, RendersTheEpoch) { EXPECT_EQ(format_timestamp(from_unix_ms(0)), "1970-01-01T00:00:00.000Z"); }

TEST(FormatTimestamp, PadsMillisecondsToThreeDigits) {
  EXPECT_EQ(format_timestamp(from_unix_ms(kJune9 + 7)), "2026-06-09T10:00:00.007Z");
  EXPECT_EQ(format_timestamp(from_unix_ms(kJune9 + 70)), "2026-06-09T10:00:00.070Z");
}

TEST(FormatTimestamp, RendersALeapDay) {
  EXPECT_EQ(format_timestamp(from_unix_ms(1'709'210'096'789)), "2024-02-29T12:34:56.789Z");
}

TEST(FormatTimestamp, RendersTheDayAfterALeapDayInACenturyYearThatIsNotLeap) {
  // 2100 is not a leap year: the day after 2100-02-28 is 2100-03-01.
  EXPECT_EQ(format_timestamp(from_unix_ms(4'107'542'400'000 - 1)), "2100-02-28T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(from_unix_ms(4'107'542'400'000)), "2100-03-01T00:00:00.000Z");
}

TEST(FormatTimestamp, CrossesYearBoundaries) {
  EXPECT_EQ(format_timestamp(from_unix_ms(946'684'799'999)), "1999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(from_unix_ms(946'684'800'000)), "2000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(from_unix_ms(1'767'225'599'999)), "2025-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(from_unix_ms(1'767'225'600'000)), "2026-01-01T00:00:00.000Z");
}

TEST(FormatTimestamp, RendersTheMillisecondBeforeTheEpoch) {
  EXPECT_EQ(format_timestamp(from_unix_ms(-1)), "1969-12-31T23:59:59.999Z");
}

// --- parsing: accepted forms ---

TEST(ParseTimestamp, ReadsUtcWithZ) { EXPECT_EQ(parse_ms("2026-06-09T10:00:00Z"), kJune9); }

TEST(ParseTimestamp, ReadsLowercaseZAndLowercaseT) {
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00z"), kJune9);
  EXPECT_EQ(parse_ms("2026-06-09t10:00:00Z"), kJune9);
}

TEST(ParseTimestamp, ReadsThePositiveOffsetAsAheadOfUtc) {
  EXPECT_EQ(parse_ms("2026-06-09T12:30:00+02:30"), kJune9);
}

TEST(ParseTimestamp, ReadsTheNegativeOffsetAsBehindUtc) {
  EXPECT_EQ(parse_ms("2026-06-09T05:00:00-05:00"), kJune9);
}

TEST(ParseTimestamp, ReadsAnOffsetThatMovesTheDateAcrossAYearBoundary) {
  EXPECT_EQ(parse_ms("1999-12-31T19:00:00-05:00"), 946'684'800'000);
  EXPECT_EQ(parse_ms("2000-01-01T01:00:00+01:00"), 946'684'800'000);
}

TEST(ParseTimestamp, TreatsZeroOffsetsLikeZ) {
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00+00:00"), kJune9);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00-00:00"), kJune9);
}

TEST(ParseTimestamp, ReadsFractionsOfOneToNineDigitsAsMilliseconds) {
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.1Z"), kJune9 + 100);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.12Z"), kJune9 + 120);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.123Z"), kJune9 + 123);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.1234Z"), kJune9 + 123);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.123456Z"), kJune9 + 123);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.999999999Z"), kJune9 + 999);
  EXPECT_EQ(parse_ms("2026-06-09T10:00:00.05+01:00"), kJune9 - 3'600'000 + 50);
}

TEST(ParseTimestamp, ReadsALeapDay) { EXPECT_EQ(parse_ms("2024-02-29T12:34:56.789Z"), 1'709'210'096'789); }

TEST(ParseTimestamp, ReadsTheLastMomentOfADay) {
  EXPECT_EQ(parse_ms("1999-12-31T23:59:59.999Z"), 946'684'799'999);
}

// --- parsing: refused forms ---

TEST(ParseTimestamp, RefusesAMissingZone) {
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00.000"));
}

TEST(ParseTimestamp, RefusesImpossibleMonthsAndDays) {
  EXPECT_FALSE(parse_timestamp("2026-00-09T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-13-09T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-00T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-31T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-02-30T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-02-29T10:00:00Z"));  // 2026 is not a leap year
  EXPECT_FALSE(parse_timestamp("2100-02-29T10:00:00Z"));  // nor is 2100
}

TEST(ParseTimestamp, RefusesHour24AndOutOfRangeMinutesAndSeconds) {
  EXPECT_FALSE(parse_timestamp("2026-06-09T24:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:60:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:60Z"));
}

TEST(ParseTimestamp, RefusesOutOfRangeOrMalformedOffsets) {
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00+24:00"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00+01:60"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00+0100"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00+01"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00+01:00:00"));
}

TEST(ParseTimestamp, RefusesTrailingGarbage) {
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00Zx"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00Z "));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00.123Z!"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00ZZ"));
}

TEST(ParseTimestamp, RefusesInputThatIsTooShort) {
  EXPECT_FALSE(parse_timestamp(""));
  EXPECT_FALSE(parse_timestamp("2026-06-09"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:0Z"));
}

TEST(ParseTimestamp, RefusesNonDigitsInNumericFields) {
  EXPECT_FALSE(parse_timestamp("2O26-06-09T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-0a-09T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T1 :00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:-1Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00+0a:00"));
}

TEST(ParseTimestamp, RefusesWrongSeparators) {
  EXPECT_FALSE(parse_timestamp("2026/06/09T10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09 10:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10.00.00Z"));
}

TEST(ParseTimestamp, RefusesADotWithoutFractionDigits) {
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00.Z"));
  EXPECT_FALSE(parse_timestamp("2026-06-09T10:00:00.+01:00"));
}

// --- round trip ---

TEST(TimestampRoundTrip, ParsingAFormattedTimestampGivesBackTheSameInstant) {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, kJune9, kJune9 + 1,
                          std::int64_t{1'709'210'096'789}, std::int64_t{946'684'799'999},
                          std::int64_t{4'107'542'399'999}, std::int64_t{253'402'300'799'999}}) {
    const std::string text = format_timestamp(from_unix_ms(ms));
    auto back = parse_timestamp(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(to_unix_ms(*back), ms) << text;
  }
}

TEST(TimestampRoundTrip, FormattingAParsedOffsetTimestampNormalisesToUtc) {
  auto t = parse_timestamp("2026-06-09T12:30:00.5+02:30");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_timestamp(*t), "2026-06-09T10:00:00.500Z");
}

}  // namespace
}  // namespace postfuze::core
