// What `isobench bench` runs, from the command line or a scenario file (--scenario FILE):
// the same settings either way, validated into HarnessOptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/harness/harness.h"
#include "common/bounded_input.h"

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
/// ("$.runs: expected a positive integer, got \"ten\""); values are quoted cut short.
Result<ScenarioSettings> parse_scenario(const nlohmann::json& document);

/// What a scenario file may be: 1 MiB, nested at most 16 deep.
extern const JsonLimits kScenarioLimits;

/// The text of a scenario file, called `name` in messages ("scenario FILE"): JSON within
/// kScenarioLimits, then parse_scenario. Never throws: what a fuzzer calls.
Result<ScenarioSettings> parse_scenario_text(std::string_view text, const std::string& name);

/// The scenario file at `path` (a regular file within kScenarioLimits).
Result<ScenarioSettings> load_scenario(const std::string& path);

/// Validates the settings (errors name the command-line option: --timeout, --min-time,
/// --param, --cmd) and expands parameter sweeps into workload commands (the cartesian
/// product of a workload's sweeps). Each parameter value is checked as the workload would
/// parse it, so a bad one is refused before anything runs.
Result<HarnessOptions> harness_options(const ScenarioSettings& settings);

}  // namespace isobench::bench
