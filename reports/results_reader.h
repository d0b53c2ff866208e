// Reading an isobench-results/1 document back (docs/results-schema.md) for `compare` and
// `report`: the raw runs and the environment, checked, with errors that name the file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace isobench::reports {

struct LoadedRun {
  std::string target;
  std::string workload;
  int concurrency = 1;
  bool ok = false;
  bool memory_round = false;
  /// The run's figures that were measured: startup_ms, wall_ms, workload_ms, cpu_ms (user +
  /// system), workload_peak_kib, tree_peak_kib. Missing and null figures are absent.
  std::map<std::string, double> values;
};

struct LoadedResults {
  std::string name;  ///< the file, for messages
  nlohmann::json environment;
  nlohmann::json settings;
  std::vector<LoadedRun> runs;
  nlohmann::json document;  ///< the whole document, for the report
};

/// `text` as a results document called `name` in errors: not JSON (or truncated), another
/// schema, runs that are not objects, no runs at all.
Result<LoadedResults> parse_results(const std::string& text, const std::string& name);

/// The file at `path`, read and parsed.
Result<LoadedResults> load_results(const std::string& path);

}  // namespace isobench::reports
