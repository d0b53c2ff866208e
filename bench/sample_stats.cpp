#include "bench/sample_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace isobench::bench {

double quantile(std::span<const double> samples, double q) {
  if (samples.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  auto lower = static_cast<size_t>(std::floor(position));
  size_t upper = std::min(lower + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

}  // namespace isobench::bench
