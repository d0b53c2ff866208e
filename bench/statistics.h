// Statistics over benchmark samples: pure functions over spans of doubles, no I/O, no exceptions.
// Samples are expected to be finite; an empty input yields NaN (or an empty result), never UB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace isobench::bench {

/// Arithmetic mean; NaN if empty.
double mean(std::span<const double> samples);

/// The q-quantile (q clamped to 0..1) with linear interpolation between order statistics
/// (position q*(n-1) in the sorted samples); NaN if empty or q is NaN.
double quantile(std::span<const double> samples, double q);

/// quantile(samples, 0.5): the middle value, or the mean of the two middle values; NaN if empty.
double median(std::span<const double> samples);

/// Sample standard deviation (divisor n-1); 0 for one sample; NaN if empty.
double stddev(std::span<const double> samples);

/// Smallest and largest sample; NaN if empty.
double min(std::span<const double> samples);
double max(std::span<const double> samples);

/// Median absolute deviation from the median, raw (not scaled by 1.4826); NaN if empty.
double mad(std::span<const double> samples);

/// a / b, NaN when b is 0 (instead of an infinity or a division by zero).
double ratio(double a, double b);

/// All summary figures of one sample set. For an empty input count is 0 and every other field NaN.
struct Summary {
  std::size_t count = 0;
  double mean = 0;
  double median = 0;
  double stddev = 0;
  double min = 0;
  double max = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;
  double mad = 0;  ///< raw median absolute deviation, as mad()
  double cv = 0;   ///< coefficient of variation stddev / mean; NaN when the mean is 0
};

Summary summarize(std::span<const double> samples);

/// Indices (ascending) of the samples whose modified z-score 0.6745 * |x - median| / MAD exceeds
/// threshold (Iglewicz and Hoaglin; 3.5 is their recommended cut-off). The outlier count is the
/// result's size. When the MAD is 0 (more than half the samples are equal) no z-score is defined
/// and no sample is flagged. Empty input gives an empty result.
std::vector<std::size_t> mad_outliers(std::span<const double> samples, double threshold = 3.5);

/// A closed interval; both ends NaN when it could not be computed.
struct Interval {
  double low = 0;
  double high = 0;
};

/// Percentile-bootstrap confidence interval for the median: `resamples` resamples with replacement,
/// the interval spans the (1-confidence)/2 and (1+confidence)/2 quantiles of their medians.
/// Deterministic for a given seed on every platform (std::mt19937_64 with our own unbiased index
/// draw, no std::uniform_int_distribution). One sample x gives {x, x}. NaN interval when empty,
/// confidence is outside (0, 1) or resamples < 1.
Interval bootstrap_median_ci(std::span<const double> samples, double confidence = 0.95, int resamples = 2000,
                             std::uint64_t seed = 42);

/// Percentile-bootstrap confidence interval for median(a) / median(b), resampling a and b
/// independently from one random stream (for "isobench is 2.9x bare"). Resamples whose median of b
/// is 0 carry no ratio and are skipped. NaN interval when either input is empty, no resample gave a
/// ratio, or the parameters are invalid as for bootstrap_median_ci. Deterministic for a given seed.
Interval ratio_of_medians_ci(std::span<const double> a, std::span<const double> b, double confidence = 0.95,
                             int resamples = 2000, std::uint64_t seed = 42);

/// Result of a two-sided Mann-Whitney U test of a against b.
struct MannWhitney {
  double u = 0;  ///< U for a: pairs (x in a, y in b) with x > y, ties counting 1/2
  double z = 0;  ///< normal approximation, tie- and continuity-corrected; positive when a tends larger
  double p = 0;  ///< two-sided p-value, erfc(|z| / sqrt 2)
  /// Common-language effect size U / (n_a * n_b) = P(x > y) + P(x = y) / 2; 0.5 means no effect.
  double probability_of_superiority = 0;
  /// Rank-biserial correlation 2 * probability_of_superiority - 1, in [-1, 1]; positive when a tends larger.
  double rank_biserial = 0;
};

/// Mann-Whitney U test with mid-ranks for ties. When every value is tied (no variance), z is 0 and
/// p is 1. All fields NaN when either input is empty.
MannWhitney mann_whitney_u(std::span<const double> a, std::span<const double> b);

/// Hyperfine-like warnings about a set of run times in seconds, in this order, each at most once:
/// median below 5 ms; MAD outliers (mad_outliers, default threshold) in more than 10% of the runs;
/// first run more than twice the median of the others (needs two runs). Plain text, no terminal
/// codes. Empty input gives no warnings.
std::vector<std::string> timing_warnings(std::span<const double> seconds);

}  // namespace isobench::bench
