// Summary statistics over samples: pure functions, no I/O.
#pragma once

#include <span>

namespace isobench::bench {

/// The q-quantile (0..1) with linear interpolation between order statistics; NaN if empty.
double quantile(std::span<const double> samples, double q);
inline double median(std::span<const double> samples) {
  return quantile(samples, 0.5);
}

}  // namespace isobench::bench
