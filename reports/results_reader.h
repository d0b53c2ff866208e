// Reading an isobench-results/1 document back (docs/results-schema.md) for `compare` and
// `report`: the raw runs and the environment, checked, with errors that name the file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/run_record.h"
#include "common/bounded_input.h"
#include "common/result.h"

namespace isobench::reports {

struct LoadedResults {
  std::string name;  ///< the file, for messages
  nlohmann::json environment;
  nlohmann::json settings;
  /// Every run as the harness recorded it (the figures not in the file are NaN): the
  /// same records cell_summary and metric_samples read.
  bench::BenchmarkResults results;
  nlohmann::json document;  ///< the whole document, for the report
};

/// What a results file may be: 128 MiB (a long bench with --probes writes tens of MiB),
/// nested at most 64 deep (isobench writes about 10).
extern const JsonLimits kResultsLimits;

/// `text` as a results document called `name` in errors: larger or deeper than
/// kResultsLimits, not JSON (or truncated), another schema, runs that are not objects, no
/// runs at all, and run figures that no measurement gives: negative, not finite, beyond
/// any run (a time over 1e9 ms, memory over 1e12 KiB), or null startup_ms or wall_ms in a
/// successful run that measures them (--cmd runs have no startup). Errors name the field
/// ("runs[3].startup_ms"). Never throws: what the results fuzzer calls.
Result<LoadedResults> parse_results(const std::string& text, const std::string& name);

/// The file at `path` (a regular file within kResultsLimits), read and parsed.
Result<LoadedResults> load_results(const std::string& path);

}  // namespace isobench::reports
