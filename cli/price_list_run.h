// Running the mechanism price list (mechanism_bench, Google Benchmark) from isobench itself,
// for the demo: a short run of every mechanism, its JSON read back and checked.
#pragma once

#include <string>

#include "common/result.h"

namespace isobench::cli {

/// Runs mechanism_bench from next to the isobench executable with --benchmark_min_time
/// `min_time_seconds` and three repetitions (the report takes their medians), its console
/// output into `scratch`/price-list.log and its JSON into
/// `scratch`/price-list.json, and returns that JSON's text. Errors say why: not built, exit
/// status (with the log's last lines), a JSON that is not Google Benchmark's.
Result<std::string> run_price_list(double min_time_seconds, const std::string& scratch);

}  // namespace isobench::cli
