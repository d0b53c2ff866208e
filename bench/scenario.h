// What `isobench bench` runs, from the command line or a scenario file (--scenario FILE):
// the same settings either way, validated into HarnessOptions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/harness.h"

namespace isobench::bench {

/// The settings as a user writes them (strings and lists, before validation).
struct ScenarioSettings {
  std::vector<std::string> targets = {"bare", "isobench"};
  std::vector<std::string> workloads = {"noop"};
  std::vector<std::string> cmd;     ///< a custom command instead of built-in workloads
  std::vector<std::string> params;  ///< "mem.size=16m,64m"
  std::vector<int> concurrency = {1};
  int runs = 10;
  int warmup = 2;
  int memory_runs = 3;
  std::string probes = "none";  ///< "all", or a list such as "lifecycle,cpu"
  double min_time = 0;
  double timeout = 60;
  uint64_t seed = 1;
};

/// Reads a scenario document. Every problem is an error naming the JSON path
/// ("$.runs: expected a positive integer, got \"ten\"").
Result<ScenarioSettings> parse_scenario(const nlohmann::json& document);

/// Validates the settings and expands parameter sweeps into workload commands (the
/// cartesian product of a workload's sweeps).
Result<HarnessOptions> harness_options(const ScenarioSettings& settings);

}  // namespace isobench::bench
