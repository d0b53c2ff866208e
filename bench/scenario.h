// What `isobench bench` runs, from the command line or a scenario file (--scenario FILE):
// the same settings either way, validated into HarnessOptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/command_words.h"
#include "bench/harness/harness.h"
#include "common/bounded_input.h"

namespace isobench::bench {

/// The settings as a user writes them (strings and lists, before validation).
struct ScenarioSettings {
  std::vector<std::string> targets = {"bare", "isobench"};
  std::vector<std::string> workloads = {"noop"};
  std::vector<std::string> cmd;     ///< a custom command (argv) instead of built-in workloads
  std::string image;                ///< an image from the store every target runs; empty: the built-in one
  std::vector<std::string> params;  ///< "mem.size=16m,64m"
  std::vector<int> concurrency = {1};
  int runs = 10;
  int warmup = 2;
  int memory_runs = 5;  // compare judges a metric from 5 runs a side (CompareOptions::min_samples)
  std::string probes = "none";  ///< "all", or a list such as "lifecycle,cpu"
  double min_time = 0;
  double timeout = 60;
  uint64_t seed = 1;
  bool cold = false;  ///< the page cache dropped before every run (needs root)
};

/// Reads a scenario document. Every problem is an error naming the JSON path
/// ("$.runs: expected a positive integer, got \"ten\""); values are quoted cut short.
/// "cmd" as a list is the argument vector; as a string it is split like --cmd
/// (split_command_words).
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
///
/// A custom command's program must be in the image at `image_root`, since every target,
/// bare included, runs the image's file: it is looked up there (find_image_program, along
/// the workload PATH for a bare name) and argv[0] becomes its absolute path in the image, the
/// same for every target. It runs under the start stamper (kStartStamper, which the image
/// must hold), so its startup is measured although it writes no handshake. With "bare" among
/// the targets, which runs the built-in image's programs from the host, a program that the
/// host would reach only through a symlink out of the image is refused too
/// (host_path_of_image_program).
Result<HarnessOptions> harness_options(const ScenarioSettings& settings, const std::string& image_root);

/// harness_options against the image the targets of `context` run: its root, found along
/// the PATH of workload_environment(context). With an image from the store (context.image)
/// every workload's program must be in it: a built-in workload runs /bin/NAME, and an image
/// without it is refused, naming the workload and the image (give --cmd). bare runs it
/// chrooted into the image, so its loader and interpreter are the image's too.
Result<HarnessOptions> harness_options(const ScenarioSettings& settings, const TargetContext& context);

/// harness_options against the built-in image, the one bench and demo run (looked up only
/// when there is a custom command).
Result<HarnessOptions> harness_options(const ScenarioSettings& settings);

}  // namespace isobench::bench
