#include "runner/units.h"

#include <gtest/gtest.h>

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
