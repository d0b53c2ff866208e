#include "bench/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace isobench::bench {
namespace {

using Samples = std::vector<double>;

// n evenly spaced quantiles of the uniform distribution on (0, 1): a deterministic "sample" whose
// median is 0.5, so interval widths can be compared across sizes without random noise.
Samples uniform_quantiles(std::size_t n) {
  Samples samples;
  for (std::size_t i = 1; i <= n; ++i) samples.push_back(static_cast<double>(i) / static_cast<double>(n + 1));
  return samples;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Statistics, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median(Samples{3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median(Samples{4, 1, 3, 2}), 2.5);
}

TEST(Statistics, QuantilesInterpolateBetweenOrderStatistics) {
  Samples samples{10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(quantile(samples, 0.0), 10);
  EXPECT_DOUBLE_EQ(quantile(samples, 1.0), 50);
  EXPECT_DOUBLE_EQ(quantile(samples, 0.9), 46);
  EXPECT_DOUBLE_EQ(quantile(samples, 0.1), 14);
}

TEST(Statistics, QuantileClampsOutOfRangeLevels) {
  Samples samples{10, 20, 30};
  EXPECT_DOUBLE_EQ(quantile(samples, -1), 10);
  EXPECT_DOUBLE_EQ(quantile(samples, 2), 30);
  EXPECT_TRUE(std::isnan(quantile(samples, std::nan(""))));
}

TEST(Statistics, MedianEqualsTheHalfQuantile) {
  Samples samples{7.25, 1.5, 9.75, 3.125, 4.0, 8.5};
  EXPECT_EQ(median(samples), quantile(samples, 0.5));
}

TEST(Statistics, EmptyInputIsNaN) {
  const Samples empty;
  EXPECT_TRUE(std::isnan(median(empty)));
  EXPECT_TRUE(std::isnan(quantile(empty, 0.5)));
  EXPECT_TRUE(std::isnan(mean(empty)));
  EXPECT_TRUE(std::isnan(stddev(empty)));
  EXPECT_TRUE(std::isnan(min(empty)));
  EXPECT_TRUE(std::isnan(max(empty)));
  EXPECT_TRUE(std::isnan(mad(empty)));
}

TEST(Statistics, MeanStddevMinMaxOfKnownSample) {
  Samples samples{2, 4, 4, 4, 5, 5, 7, 9};  // squared deviations from the mean 5 sum to 32
  EXPECT_DOUBLE_EQ(mean(samples), 5);
  EXPECT_DOUBLE_EQ(stddev(samples), std::sqrt(32.0 / 7));
  EXPECT_DOUBLE_EQ(min(samples), 2);
  EXPECT_DOUBLE_EQ(max(samples), 9);
}

TEST(Statistics, StddevOfOneSampleIsZero) {
  EXPECT_EQ(stddev(Samples{3.5}), 0);
}

TEST(Statistics, MadIsRawMedianOfAbsoluteDeviations) {
  // Median 4.5; deviations {2.5, .5, .5, .5, .5, .5, 2.5, 4.5} have median 0.5 (no 1.4826 scaling).
  EXPECT_DOUBLE_EQ(mad(Samples{2, 4, 4, 4, 5, 5, 7, 9}), 0.5);
  EXPECT_DOUBLE_EQ(mad(Samples{1, 2, 3, 4, 100}), 1);
}

TEST(Statistics, SummarizeFillsEveryField) {
  Summary summary = summarize(Samples{9, 2, 4, 7, 4, 5, 4, 5});
  EXPECT_EQ(summary.count, 8u);
  EXPECT_DOUBLE_EQ(summary.mean, 5);
  EXPECT_DOUBLE_EQ(summary.median, 4.5);
  EXPECT_DOUBLE_EQ(summary.stddev, std::sqrt(32.0 / 7));
  EXPECT_DOUBLE_EQ(summary.min, 2);
  EXPECT_DOUBLE_EQ(summary.max, 9);
  EXPECT_DOUBLE_EQ(summary.p90, 7.6);  // position 6.3 between 7 and 9
  EXPECT_DOUBLE_EQ(summary.p95, 8.3);
  EXPECT_DOUBLE_EQ(summary.p99, 8.86);
  EXPECT_DOUBLE_EQ(summary.mad, 0.5);
  EXPECT_DOUBLE_EQ(summary.cv, std::sqrt(32.0 / 7) / 5);
}

TEST(Statistics, SummarizeOfEmptyInputHasZeroCountAndNaNFields) {
  Summary summary = summarize(Samples{});
  EXPECT_EQ(summary.count, 0u);
  for (double field : {summary.mean, summary.median, summary.stddev, summary.min, summary.max, summary.p90, summary.p95,
                       summary.p99, summary.mad, summary.cv}) {
    EXPECT_TRUE(std::isnan(field));
  }
}

TEST(Statistics, CoefficientOfVariationIsNaNForZeroMean) {
  EXPECT_TRUE(std::isnan(summarize(Samples{-1, 1}).cv));
}

TEST(Statistics, RatioIsNaNOnlyForZeroDenominator) {
  EXPECT_DOUBLE_EQ(ratio(2.9, 1.0), 2.9);
  EXPECT_DOUBLE_EQ(ratio(0, 4), 0);
  EXPECT_TRUE(std::isnan(ratio(1, 0)));
}

TEST(Statistics, MadOutliersFlagsOnlyTheFarPoint) {
  // Median 11, MAD 1: z(100) = 0.6745 * 89 = 60; the nearby points score at most 0.6745.
  Samples samples{10, 11, 12, 11, 10, 12, 11, 100};
  EXPECT_EQ(mad_outliers(samples), std::vector<std::size_t>{7});
}

TEST(Statistics, MadOutliersRespectsThreshold) {
  // Median 3, MAD 1: z(9) = 0.6745 * 6 = 4.047.
  Samples samples{1, 2, 3, 4, 9};
  EXPECT_EQ(mad_outliers(samples), std::vector<std::size_t>{4});
  EXPECT_TRUE(mad_outliers(samples, 4.1).empty());
}

TEST(Statistics, MadOutliersFlagsNothingWhenMadIsZero) {
  EXPECT_TRUE(mad_outliers(Samples{5, 5, 5, 5, 1000}).empty());
  EXPECT_TRUE(mad_outliers(Samples{}).empty());
}

TEST(Statistics, BootstrapIsDeterministicForASeed) {
  Samples samples{1.2, 3.4, 2.2, 5.1, 0.7, 4.4, 2.9, 3.3, 1.8};
  Interval first = bootstrap_median_ci(samples, 0.95, 500, 7);
  Interval second = bootstrap_median_ci(samples, 0.95, 500, 7);
  EXPECT_EQ(first.low, second.low);
  EXPECT_EQ(first.high, second.high);
}

TEST(Statistics, BootstrapCiContainsTheMedianAndNarrowsWithMoreSamples) {
  Samples small = uniform_quantiles(21);
  Samples large = uniform_quantiles(2001);
  Interval small_ci = bootstrap_median_ci(small);
  Interval large_ci = bootstrap_median_ci(large);
  EXPECT_LE(small_ci.low, median(small));
  EXPECT_GE(small_ci.high, median(small));
  EXPECT_LE(large_ci.low, median(large));
  EXPECT_GE(large_ci.high, median(large));
  EXPECT_LT(large_ci.high - large_ci.low, (small_ci.high - small_ci.low) / 4);  // width ~ 1/sqrt(n)
}

TEST(Statistics, BootstrapStaysWithinTheSampleRange) {
  Samples samples{4, 8, 15, 16, 23, 42};
  Interval ci = bootstrap_median_ci(samples, 0.99, 1000, 1);
  EXPECT_GE(ci.low, 4);
  EXPECT_LE(ci.high, 42);
  EXPECT_LE(ci.low, ci.high);
}

TEST(Statistics, BootstrapOfOneSampleIsThatPoint) {
  Interval ci = bootstrap_median_ci(Samples{3.25});
  EXPECT_EQ(ci.low, 3.25);
  EXPECT_EQ(ci.high, 3.25);
}

TEST(Statistics, BootstrapIsNaNForEmptyInputOrInvalidParameters) {
  Samples samples{1, 2, 3};
  for (Interval ci : {bootstrap_median_ci(Samples{}), bootstrap_median_ci(samples, 1.0),
                      bootstrap_median_ci(samples, 0.0), bootstrap_median_ci(samples, 0.95, 0)}) {
    EXPECT_TRUE(std::isnan(ci.low));
    EXPECT_TRUE(std::isnan(ci.high));
  }
}

TEST(Statistics, RatioOfMediansCiBracketsTheRatioAndIsDeterministic) {
  Samples isobench = uniform_quantiles(41);  // median 0.5
  Samples bare;
  for (double x : isobench) bare.push_back(x / 2.9 + 0.01);
  const double point = ratio(median(isobench), median(bare));
  Interval ci = ratio_of_medians_ci(isobench, bare);
  EXPECT_LE(ci.low, point);
  EXPECT_GE(ci.high, point);
  Interval again = ratio_of_medians_ci(isobench, bare);
  EXPECT_EQ(ci.low, again.low);
  EXPECT_EQ(ci.high, again.high);
}

TEST(Statistics, RatioOfMediansCiOfSinglePointsIsTheirRatio) {
  Interval ci = ratio_of_medians_ci(Samples{6}, Samples{2});
  EXPECT_DOUBLE_EQ(ci.low, 3);
  EXPECT_DOUBLE_EQ(ci.high, 3);
}

TEST(Statistics, RatioOfMediansCiIsNaNForEmptyInputOrZeroDenominator) {
  for (Interval ci : {ratio_of_medians_ci(Samples{}, Samples{1}), ratio_of_medians_ci(Samples{1}, Samples{}),
                      ratio_of_medians_ci(Samples{1, 2}, Samples{0, 0})}) {
    EXPECT_TRUE(std::isnan(ci.low));
    EXPECT_TRUE(std::isnan(ci.high));
  }
}

// Expected values from the textbook formulas, cross-checked with an independent pairwise-count
// script following scipy.stats.mannwhitneyu(method="asymptotic") (scipy was not installed).
TEST(Statistics, MannWhitneyOfSeparatedSamplesMatchesTextbook) {
  // U = 0, mean 12.5, variance 5*5*11/12; z = (0 - 12.5 + 0.5) / sqrt(22.9167).
  MannWhitney test = mann_whitney_u(Samples{1, 2, 3, 4, 5}, Samples{6, 7, 8, 9, 10});
  EXPECT_DOUBLE_EQ(test.u, 0);
  EXPECT_NEAR(test.z, -2.5067182457620487, 1e-12);
  EXPECT_NEAR(test.p, 0.012185780355344818, 1e-12);
  EXPECT_DOUBLE_EQ(test.probability_of_superiority, 0);
  EXPECT_DOUBLE_EQ(test.rank_biserial, -1);
}

TEST(Statistics, MannWhitneyIsAntisymmetricInItsArguments) {
  MannWhitney test = mann_whitney_u(Samples{6, 7, 8, 9, 10}, Samples{1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(test.u, 25);
  EXPECT_NEAR(test.z, 2.5067182457620487, 1e-12);
  EXPECT_NEAR(test.p, 0.012185780355344818, 1e-12);
  EXPECT_DOUBLE_EQ(test.rank_biserial, 1);
}

TEST(Statistics, MannWhitneyUsesMidRanksAndTieCorrection) {
  // Mid-ranks give a rank sum of 30.5 for a, so U = 30.5 - 21 = 9.5; tie groups of 3, 2, 2 give
  // sum(t^3 - t) = 36 and variance 30/12 * (12 - 36/110).
  MannWhitney test = mann_whitney_u(Samples{1.1, 2, 2, 3.5, 4, 7}, Samples{2, 3.5, 5, 6, 6});
  EXPECT_DOUBLE_EQ(test.u, 9.5);
  EXPECT_NEAR(test.z, -0.9255797206695066, 1e-12);
  EXPECT_NEAR(test.p, 0.35466443628368477, 1e-12);
  EXPECT_NEAR(test.probability_of_superiority, 9.5 / 30, 1e-15);
  EXPECT_NEAR(test.rank_biserial, 2 * 9.5 / 30 - 1, 1e-15);
}

TEST(Statistics, MannWhitneyOfAllTiedValuesHasNoEvidence) {
  MannWhitney test = mann_whitney_u(Samples{3, 3, 3}, Samples{3, 3});
  EXPECT_DOUBLE_EQ(test.u, 3);
  EXPECT_EQ(test.z, 0);
  EXPECT_EQ(test.p, 1);
  EXPECT_DOUBLE_EQ(test.rank_biserial, 0);
}

TEST(Statistics, MannWhitneyIsNaNForEmptyInput) {
  MannWhitney test = mann_whitney_u(Samples{}, Samples{1, 2});
  EXPECT_TRUE(std::isnan(test.u));
  EXPECT_TRUE(std::isnan(test.z));
  EXPECT_TRUE(std::isnan(test.p));
}

TEST(Statistics, TimingWarningsQuietForSteadySlowRuns) {
  EXPECT_TRUE(timing_warnings(Samples{0.101, 0.100, 0.102, 0.099, 0.100, 0.101, 0.098, 0.100}).empty());
  EXPECT_TRUE(timing_warnings(Samples{}).empty());
}

TEST(Statistics, TimingWarningsFlagRunsShorterThanFiveMilliseconds) {
  auto warnings = timing_warnings(Samples{0.0011, 0.0010, 0.0012, 0.0010, 0.0011});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0], "less than 5 ms"));
}

TEST(Statistics, TimingWarningsFlagMoreThanTenPercentOutliers) {
  // 2 of 10 runs are MAD outliers (20%); the first run is ordinary.
  auto warnings = timing_warnings(Samples{0.100, 0.101, 0.099, 0.100, 0.102, 0.100, 0.098, 0.101, 0.5, 0.6});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0], "outliers"));
  EXPECT_TRUE(contains(warnings[0], "2 of 10"));
}

TEST(Statistics, TimingWarningsAllowExactlyTenPercentOutliers) {
  // Exactly 1 outlier in 10 runs is not more than 10%.
  EXPECT_TRUE(timing_warnings(Samples{0.100, 0.101, 0.099, 0.100, 0.102, 0.100, 0.098, 0.101, 0.100, 0.6}).empty());
}

TEST(Statistics, TimingWarningsFlagSlowFirstRun) {
  // One cold first run among 20 is 5% outliers, so only the first-run warning fires.
  Samples samples{0.250};
  for (int i = 0; i < 19; ++i) samples.push_back(0.100 + 0.001 * (i % 3));
  auto warnings = timing_warnings(samples);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0], "first run"));
  EXPECT_TRUE(contains(warnings[0], "caching"));
}

TEST(Statistics, TimingWarningsIgnoreFirstRunBelowTwiceTheRest) {
  // 11 runs, so the first run is also not more than 10% outliers on its own.
  EXPECT_TRUE(
      timing_warnings(Samples{0.190, 0.100, 0.101, 0.099, 0.100, 0.101, 0.099, 0.100, 0.101, 0.099, 0.100}).empty());
}

}  // namespace
}  // namespace isobench::bench
