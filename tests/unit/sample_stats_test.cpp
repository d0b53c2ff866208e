#include "bench/sample_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using isobench::bench::median;
using isobench::bench::quantile;

TEST(SampleStats, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
}

TEST(SampleStats, QuantilesInterpolateBetweenOrderStatistics) {
  std::vector<double> samples{10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(quantile(samples, 0.0), 10);
  EXPECT_DOUBLE_EQ(quantile(samples, 1.0), 50);
  EXPECT_DOUBLE_EQ(quantile(samples, 0.9), 46);
  EXPECT_DOUBLE_EQ(quantile(samples, 0.1), 14);
}

TEST(SampleStats, EmptyInputIsNaN) {
  EXPECT_TRUE(std::isnan(median(std::vector<double>{})));
}
