#include "bench/statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>
#include <utility>

#include "common/time_units.h"

namespace isobench::bench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Interval kNaNInterval{kNaN, kNaN};

// Iglewicz-Hoaglin: 0.6745 is the 0.75 quantile of the standard normal, which makes the MAD a
// consistent estimator of the standard deviation for normal data.
constexpr double kModifiedZScale = 0.6745;

double quantile_of_sorted(std::span<const double> sorted, double q) {
  double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  auto lower = static_cast<std::size_t>(std::floor(position));
  std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

// Median by partial selection (the bootstrap computes thousands of them), with the same
// arithmetic as quantile_of_sorted(q = 0.5) so both give bit-identical results. Reorders values.
double median_in_place(std::vector<double>& values) {
  const std::size_t n = values.size();
  const std::size_t lower_index = (n - 1) / 2;
  auto lower_it = values.begin() + static_cast<std::ptrdiff_t>(lower_index);
  std::nth_element(values.begin(), lower_it, values.end());
  const double lower = *lower_it;
  if (n % 2 == 1) return lower;
  // Everything after lower_it is >= lower, so the next order statistic is the smallest of them.
  const double upper = *std::min_element(lower_it + 1, values.end());
  return lower + (upper - lower) * 0.5;
}

// Uniform index in [0, n) by rejection sampling on the raw 64-bit output. The engine's output
// sequence is fixed by the standard, whereas std::uniform_int_distribution's algorithm is not, so
// this keeps bootstrap results identical across standard libraries.
std::size_t draw_index(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t reject_below = (0 - n) % n;  // 2^64 mod n: the incomplete last block
  for (;;) {
    const std::uint64_t x = rng();
    if (x >= reject_below) return static_cast<std::size_t>(x % n);
  }
}

double resampled_median(std::span<const double> samples, std::mt19937_64& rng, std::vector<double>& scratch) {
  scratch.resize(samples.size());
  for (double& value : scratch) value = samples[draw_index(rng, samples.size())];
  return median_in_place(scratch);
}

bool valid_bootstrap_parameters(double confidence, int resamples) {
  return confidence > 0 && confidence < 1 && resamples >= 1;  // false for a NaN confidence too
}

Interval percentile_interval(std::vector<double>& statistics, double confidence) {
  if (statistics.empty()) return kNaNInterval;
  std::sort(statistics.begin(), statistics.end());
  const double tail = (1 - confidence) / 2;
  return {quantile_of_sorted(statistics, tail), quantile_of_sorted(statistics, 1 - tail)};
}

}  // namespace

double mean(std::span<const double> samples) {
  if (samples.empty()) return kNaN;
  return std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
}

double quantile(std::span<const double> samples, double q) {
  if (samples.empty() || std::isnan(q)) return kNaN;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  return quantile_of_sorted(sorted, q);
}

double median(std::span<const double> samples) {
  if (samples.empty()) return kNaN;
  std::vector<double> values(samples.begin(), samples.end());
  return median_in_place(values);
}

double stddev(std::span<const double> samples) {
  if (samples.empty()) return kNaN;
  if (samples.size() == 1) return 0;
  // Two passes around the mean rather than sum-of-squares: no catastrophic cancellation for
  // timings that are large relative to their spread.
  const double center = mean(samples);
  double squares = 0;
  for (double x : samples) squares += (x - center) * (x - center);
  return std::sqrt(squares / static_cast<double>(samples.size() - 1));
}

double min(std::span<const double> samples) {
  if (samples.empty()) return kNaN;
  return *std::min_element(samples.begin(), samples.end());
}

double max(std::span<const double> samples) {
  if (samples.empty()) return kNaN;
  return *std::max_element(samples.begin(), samples.end());
}

double mad(std::span<const double> samples) {
  if (samples.empty()) return kNaN;
  const double center = median(samples);
  std::vector<double> deviations;
  deviations.reserve(samples.size());
  for (double x : samples) deviations.push_back(std::abs(x - center));
  return median_in_place(deviations);
}

double ratio(double a, double b) {
  return b == 0 ? kNaN : a / b;
}

Summary summarize(std::span<const double> samples) {
  if (samples.empty()) return {0, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  Summary summary;
  summary.count = sorted.size();
  summary.mean = mean(sorted);
  summary.median = quantile_of_sorted(sorted, 0.5);
  summary.stddev = stddev(sorted);
  summary.min = sorted.front();
  summary.max = sorted.back();
  summary.p90 = quantile_of_sorted(sorted, 0.90);
  summary.p95 = quantile_of_sorted(sorted, 0.95);
  summary.p99 = quantile_of_sorted(sorted, 0.99);
  summary.mad = mad(sorted);
  summary.cv = ratio(summary.stddev, summary.mean);
  return summary;
}

std::vector<std::size_t> mad_outliers(std::span<const double> samples, double threshold) {
  std::vector<std::size_t> outliers;
  if (samples.empty()) return outliers;
  const double center = median(samples);
  const double spread = mad(samples);
  // With MAD 0 every z-score would be 0/0 or infinite; flagging "everything off the median" would
  // call half a quantised sample (timer ticks) outliers, so we flag nothing.
  if (!(spread > 0)) return outliers;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (kModifiedZScale * std::abs(samples[i] - center) / spread > threshold) outliers.push_back(i);
  }
  return outliers;
}

Interval bootstrap_median_ci(std::span<const double> samples, double confidence, int resamples, std::uint64_t seed) {
  if (samples.empty() || !valid_bootstrap_parameters(confidence, resamples)) return kNaNInterval;
  std::mt19937_64 rng(seed);
  std::vector<double> scratch;
  std::vector<double> medians;
  medians.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) medians.push_back(resampled_median(samples, rng, scratch));
  return percentile_interval(medians, confidence);
}

Interval ratio_of_medians_ci(std::span<const double> a, std::span<const double> b, double confidence, int resamples,
                             std::uint64_t seed) {
  if (a.empty() || b.empty() || !valid_bootstrap_parameters(confidence, resamples)) return kNaNInterval;
  std::mt19937_64 rng(seed);
  std::vector<double> scratch;
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    // Evaluation order matters for determinism: a is drawn before b within each resample.
    const double median_a = resampled_median(a, rng, scratch);
    const double median_b = resampled_median(b, rng, scratch);
    const double r = ratio(median_a, median_b);
    if (!std::isnan(r)) ratios.push_back(r);  // NaN would break the sort's strict weak ordering
  }
  return percentile_interval(ratios, confidence);
}

MannWhitney mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) return {kNaN, kNaN, kNaN, kNaN, kNaN};
  std::vector<std::pair<double, bool>> pooled;  // value, belongs to a
  pooled.reserve(a.size() + b.size());
  for (double x : a) pooled.emplace_back(x, true);
  for (double y : b) pooled.emplace_back(y, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& l, const auto& r) { return l.first < r.first; });

  // Mid-ranks for tie groups; the sum of t^3 - t over groups shrinks the variance of U.
  double rank_sum_a = 0;
  double tie_term = 0;
  for (std::size_t begin = 0; begin < pooled.size();) {
    std::size_t end = begin + 1;
    while (end < pooled.size() && pooled[end].first == pooled[begin].first) ++end;
    const double mid_rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2;
    for (std::size_t i = begin; i < end; ++i) {
      if (pooled[i].second) rank_sum_a += mid_rank;
    }
    const double t = static_cast<double>(end - begin);
    tie_term += t * t * t - t;
    begin = end;
  }

  const double n_a = static_cast<double>(a.size());
  const double n_b = static_cast<double>(b.size());
  const double n = n_a + n_b;
  MannWhitney result;
  result.u = rank_sum_a - n_a * (n_a + 1) / 2;
  result.probability_of_superiority = result.u / (n_a * n_b);
  result.rank_biserial = 2 * result.probability_of_superiority - 1;

  const double expected_u = n_a * n_b / 2;
  const double variance = n_a * n_b / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (!(variance > 0)) {  // every value tied: the samples carry no evidence either way
    result.z = 0;
    result.p = 1;
    return result;
  }
  // Continuity correction moves U half a step towards its mean, never past it.
  const double deviation = result.u - expected_u;
  const double corrected = std::copysign(std::max(std::abs(deviation) - 0.5, 0.0), deviation);
  result.z = corrected / std::sqrt(variance);
  result.p = std::min(1.0, std::erfc(std::abs(result.z) / std::sqrt(2.0)));
  return result;
}

std::vector<std::string> timing_warnings(std::span<const double> seconds) {
  std::vector<std::string> warnings;
  if (seconds.empty()) return warnings;
  char text[256];

  const double median_seconds = median(seconds);
  if (median_seconds < 0.005) {
    std::snprintf(text, sizeof text,
                  "Runs took less than 5 ms (median %.3f ms); timer and process overhead may dominate the "
                  "results. Measure a longer workload.",
                  s_to_ms(median_seconds));
    warnings.emplace_back(text);
  }

  const std::size_t outliers = mad_outliers(seconds).size();
  if (outliers * 10 > seconds.size()) {
    std::snprintf(text, sizeof text,
                  "Statistical outliers were detected in %zu of %zu runs; consider a quieter system, more "
                  "warmup runs or more runs.",
                  outliers, seconds.size());
    warnings.emplace_back(text);
  }

  if (seconds.size() >= 2) {
    const double rest_median = median(seconds.subspan(1));
    if (seconds.front() > 2 * rest_median) {
      std::snprintf(text, sizeof text,
                    "The first run was significantly slower than the rest (%.3f ms vs a median of %.3f ms), "
                    "likely from caching effects; consider warmup runs.",
                    s_to_ms(seconds.front()), s_to_ms(rest_median));
      warnings.emplace_back(text);
    }
  }
  return warnings;
}

}  // namespace isobench::bench
