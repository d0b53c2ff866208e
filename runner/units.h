// Parsing of the quantities users type on the command line: byte sizes and CPU counts.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace isobench::runner {

/// "4096", "512k", "32m", "1.5g", "2G", "64MiB", "64mb" -> bytes (binary multiples).
/// Anything else ("12XB", "-1", "", "m") is an error naming the text.
Result<uint64_t> parse_bytes(std::string_view text);

/// "0.5", "2", "1.25" -> CPUs as a fraction; must be > 0 and at most 1024.
Result<double> parse_cpus(std::string_view text);

/// "0", "0-3", "0,2-3" -> validated cpuset list (returned unchanged when valid).
Result<std::string> parse_cpuset(std::string_view text);

}  // namespace isobench::runner
