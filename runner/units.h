// Parsing of the quantities users type on the command line: byte sizes and CPU counts.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::runner {

/// "4096", "512k", "32m", "1.5g", "2G", "64MiB", "64mb" -> bytes (binary multiples).
/// Anything else ("12XB", "-1", "", "m") is an error naming the text.
Result<uint64_t> parse_bytes(std::string_view text);

/// "0.5", "2", "1.25" -> CPUs as a fraction; must be > 0 and at most 1024.
Result<double> parse_cpus(std::string_view text);

/// "0", "0-3", "0,2-3" -> validated cpuset list (returned unchanged when valid).
Result<std::string> parse_cpuset(std::string_view text);

/// One "first-last" item of a cpuset list ("3" is 3-3).
struct CpuRange {
  unsigned first = 0;
  unsigned last = 0;
};
/// The items of a cpuset list, in the order given; errors as parse_cpuset's.
Result<std::vector<CpuRange>> parse_cpu_ranges(std::string_view text);

/// Every CPU of `requested` is among `available` (a list as /sys/devices/system/cpu/online
/// gives it, "0-1"). The error says which CPUs are missing and which exist.
Status check_cpuset_within(std::string_view requested, std::string_view available);

/// The longest duration isobench accepts for a timeout or a minimum time, in seconds (about
/// 11.6 days): every timer it arms (timerfd, poll's milliseconds, nanosecond deadlines) holds it.
inline constexpr double kMaxSeconds = 1e6;

/// A duration a user typed: finite, above 0 (at least 0 when `zero_allowed`) and at most
/// kMaxSeconds. The error shows the value ("'1e+300' is out of range: ...").
Status check_seconds(double seconds, bool zero_allowed);

}  // namespace isobench::runner
