#include "common/text.h"

#include <gtest/gtest.h>

#include <string_view>

namespace isobench {
namespace {

using Items = std::vector<std::string>;

TEST(SplitList, EverySeparatorEndsAnItem) {
  EXPECT_EQ(split_list("a,b,c", ','), (Items{"a", "b", "c"}));
  EXPECT_EQ(split_list("one", ','), (Items{"one"}));
}

TEST(SplitList, KeepsEmptyItemsForTheCallerToReject) {
  EXPECT_EQ(split_list("", ','), (Items{""}));
  EXPECT_EQ(split_list("a,,b", ','), (Items{"a", "", "b"}));
  EXPECT_EQ(split_list("a,", ','), (Items{"a", ""}));
  EXPECT_EQ(split_list(",a", ','), (Items{"", "a"}));
}

TEST(SplitList, DoesNotTrim) {
  EXPECT_EQ(split_list(" a , b", ','), (Items{" a ", " b"}));
}

TEST(SplitList, UsesTheGivenSeparator) {
  EXPECT_EQ(split_list("a:b,c", ':'), (Items{"a", "b,c"}));
}

TEST(SplitTrimmedList, DropsWhitespaceAndEmptyItems) {
  EXPECT_EQ(split_trimmed_list("bpf, ringbuf ,,\t", ','), (Items{"bpf", "ringbuf"}));
  EXPECT_TRUE(split_trimmed_list("", ',').empty());
  EXPECT_EQ(split_trimmed_list("0-1,", ','), (Items{"0-1"}));
}

TEST(Join, PutsTheSeparatorBetweenItems) {
  EXPECT_EQ(join(Items{"a", "b", "c"}, ","), "a,b,c");
  EXPECT_EQ(join(Items{"a"}, ","), "a");
  EXPECT_EQ(join(Items{}, ","), "");
  EXPECT_EQ(join(std::vector<std::string_view>{"x", "y"}, ", "), "x, y");
}

TEST(Join, UndoesSplitList) {
  for (std::string_view text : {"", "a", "a,,b", ",x,"}) EXPECT_EQ(join(split_list(text, ','), ","), text);
}

}  // namespace
}  // namespace isobench
