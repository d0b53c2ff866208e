#include "runner/units.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace isobench::runner;

TEST(ParseBytes, AcceptsBinaryUnitsInAnyCase) {
  EXPECT_EQ(*parse_bytes("4096"), 4096u);
  EXPECT_EQ(*parse_bytes("512k"), 512u << 10);
  EXPECT_EQ(*parse_bytes("32m"), 32u << 20);
  EXPECT_EQ(*parse_bytes("32M"), 32u << 20);
  EXPECT_EQ(*parse_bytes("64MiB"), 64u << 20);
  EXPECT_EQ(*parse_bytes("64mb"), 64u << 20);
  EXPECT_EQ(*parse_bytes("2g"), 2ull << 30);
  EXPECT_EQ(*parse_bytes("1.5g"), 3ull << 29);
}

TEST(ParseBytes, RejectsUnknownUnitsSignsAndEmptyText) {
  for (const char* bad : {"12XB", "-1", "", "m", "1..2m", "0", "12 m", "abc"}) {
    auto parsed = parse_bytes(bad);
    ASSERT_FALSE(parsed) << bad;
  }
  EXPECT_NE(parse_bytes("12XB").error().message.find("12XB"), std::string::npos);
}

TEST(ParseCpus, AcceptsPositiveFractions) {
  EXPECT_DOUBLE_EQ(*parse_cpus("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_cpus("2"), 2.0);
}

TEST(ParseCpus, RejectsZeroNegativeAndGarbage) {
  for (const char* bad : {"-1", "0", "0.0", "", "x", "1e3", "2000"}) EXPECT_FALSE(parse_cpus(bad)) << bad;
  EXPECT_NE(parse_cpus("-1").error().message.find("-1"), std::string::npos);
}

TEST(ParseCpuset, AcceptsListsAndRanges) {
  for (const char* good : {"0", "0-1", "0,2-3", "1,3"}) EXPECT_TRUE(parse_cpuset(good)) << good;
  for (const char* bad : {"", "a", "1-", "3-1", "0,,1", "-1"}) EXPECT_FALSE(parse_cpuset(bad)) << bad;
}

TEST(CheckCpusetWithin, CpusTheHostHasPass) {
  for (const char* good : {"0", "1", "0-1", "1,0", "0-0,1"}) EXPECT_TRUE(check_cpuset_within(good, "0-1")) << good;
  EXPECT_TRUE(check_cpuset_within("2-5", "0-3,4-7"));  // a range may span two of the host's
}

TEST(CheckCpusetWithin, ACpuTheHostLacksIsNamedWithTheCpusThatExist) {
  auto missing = check_cpuset_within("99", "0-1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "CPU 99 does not exist here: this host has CPUs 0-1");
  auto partly = check_cpuset_within("0-4294967295", "0-1");
  ASSERT_FALSE(partly);
  EXPECT_NE(partly.error().message.find("CPU 2 "), std::string::npos) << partly.error().message;
  EXPECT_FALSE(check_cpuset_within("", "0-1"));
}

TEST(CheckSeconds, AcceptsDurationsAPositiveTimerCanHold) {
  EXPECT_TRUE(check_seconds(0.001, false));
  EXPECT_TRUE(check_seconds(kMaxSeconds, false));
  EXPECT_TRUE(check_seconds(0, true));
}

TEST(CheckSeconds, RefusesZeroNegativeHugeAndNotANumberShowingTheValue) {
  for (double bad : {0.0, -1.0, 1e300, kMaxSeconds * 2, std::nan(""), HUGE_VAL})
    EXPECT_FALSE(check_seconds(bad, false));
  EXPECT_FALSE(check_seconds(-1, true));
  auto huge = check_seconds(1e300, false);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message, "'1e+300' is out of range: give seconds above 0 up to 1000000 (about 11 days)");
}
