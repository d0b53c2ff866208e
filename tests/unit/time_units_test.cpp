#include "common/time_units.h"

#include <gtest/gtest.h>

namespace isobench {
namespace {

static_assert(ns_to_ms(int64_t{2'500'000}) == 2.5);
static_assert(ms_to_s(1500.0) == 1.5);

TEST(TimeUnits, ConvertBetweenNanosecondsAndMilliseconds) {
  EXPECT_DOUBLE_EQ(ns_to_ms(int64_t{1'234'567}), 1.234567);
  EXPECT_DOUBLE_EQ(ns_to_us(uint64_t{1500}), 1.5);
  EXPECT_DOUBLE_EQ(ns_to_s(3'000'000'000LL), 3.0);
  EXPECT_DOUBLE_EQ(ms_to_us(2.5), 2500.0);
  EXPECT_DOUBLE_EQ(s_to_us(0.5), 500000.0);
  EXPECT_DOUBLE_EQ(s_to_ms(2), 2000.0);
}

TEST(TimeUnits, ASpanIsMeasuredFromTheFirstTimestamp) {
  EXPECT_DOUBLE_EQ(ms_between(1'000'000, 4'000'000), 3.0);
  EXPECT_DOUBLE_EQ(ms_between(4'000'000, 1'000'000), -3.0);
}

TEST(TimeUnits, WholeMillisecondsTruncate) {
  EXPECT_EQ(ns_to_whole_ms(1'999'999), 1);
  EXPECT_EQ(ns_to_whole_ms(-1'500'000), -1);
  EXPECT_EQ(s_to_ns(1.5), 1'500'000'000);
  EXPECT_EQ(ns_to_whole_s(2'999'999'999), 2);
  EXPECT_EQ(ns_to_whole_s(-1'500'000'000), -1);
}

TEST(TimeUnits, WholeUnitsBecomeExactNanosecondsInTheCallersType) {
  static_assert(std::is_same_v<decltype(whole_ms_to_ns(5L)), long>);
  static_assert(std::is_same_v<decltype(whole_us_to_ns(uint64_t{5})), uint64_t>);
  EXPECT_EQ(whole_ms_to_ns(5L), 5'000'000L);
  EXPECT_EQ(whole_us_to_ns(uint64_t{123'456'789'012}), uint64_t{123'456'789'012'000});
}

TEST(TimeUnits, AClockReadingIsSecondsAndNanoseconds) {
  EXPECT_EQ(timespec_to_ns(timespec{3, 250}), 3'000'000'250);
  EXPECT_EQ(timespec_to_ns(timespec{5'000'000'000, 0}), 5'000'000'000'000'000'000);
}

TEST(TimeUnits, ARusageTimeIsSecondsAndMicroseconds) {
  EXPECT_DOUBLE_EQ(timeval_to_ms(timeval{2, 500}), 2000.5);
  EXPECT_DOUBLE_EQ(timeval_to_us(timeval{2, 500}), 2'000'500.0);
  EXPECT_EQ(timeval_to_ns(timeval{2, 500}), uint64_t{2'000'500'000});
}

/// The helpers are the very arithmetic they replaced: figures stay bit for bit the same.
TEST(TimeUnits, MatchTheHandWrittenArithmeticExactly) {
  for (int64_t ns : {int64_t{1}, int64_t{123'456'789}, int64_t{987'654'321'012}}) {
    EXPECT_EQ(ns_to_ms(ns), static_cast<double>(ns) / 1e6);
    EXPECT_EQ(ns_to_us(ns), static_cast<double>(ns) / 1e3);
  }
  timeval tv{12, 345'678};
  EXPECT_EQ(timeval_to_ms(tv), static_cast<double>(tv.tv_sec) * 1e3 + tv.tv_usec / 1e3);
  EXPECT_EQ(timeval_to_us(tv), static_cast<double>(tv.tv_sec) * 1e6 + static_cast<double>(tv.tv_usec));
  for (double seconds : {0.1, 0.3, 7.77, 1234.5678}) {
    EXPECT_EQ(s_to_ms(seconds), seconds * 1e3);
    EXPECT_EQ(s_to_ms(seconds), seconds * 1000);
  }
}

}  // namespace
}  // namespace isobench
