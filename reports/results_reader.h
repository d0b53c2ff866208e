// Reading an isobench-results/1 document back (docs/results-schema.md) for `compare` and
// `report`: the raw runs and the environment, checked, with errors that name the file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/run_record.h"
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

/// `text` as a results document called `name` in errors: not JSON (or truncated), another
/// schema, runs that are not objects, no runs at all.
Result<LoadedResults> parse_results(const std::string& text, const std::string& name);

/// The file at `path`, read and parsed.
Result<LoadedResults> load_results(const std::string& path);

}  // namespace isobench::reports
