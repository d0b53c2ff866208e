// A small, fixed isobench-results/1 document for the report's unit and integration tests:
// bare, isobench (container) and vm on noop and cpu at concurrency 1, six successful runs
// per cell with deterministic figures, two memory rounds per cell, one failed isobench cpu
// run, the probes' medians for isobench noop, and a host whose KVM is unusable (TCG).
// Header-only so that both test executables share the very same document.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace isobench::testing {

struct SmallTarget {
  const char* name;
  const char* kind;
  double startup_ms;  ///< of round 0; each round adds startup_step_ms
  double startup_step_ms;
  double cpu_system_ms;  ///< the runtime's own CPU time on top of the workload's
  double tree_peak_kib;  ///< memory rounds
};

constexpr SmallTarget kSmallTargets[] = {
    {"bare", "process", 1.0, 0.1, 0.5, 2048},
    {"isobench", "container", 4.0, 0.2, 2.0, 6144},
    {"vm", "vm", 400.0, 10.0, 300.0, 204800},
};

constexpr int kSmallRuns = 6;
constexpr int kSmallMemoryRuns = 2;

/// The document; `workloads` replaces settings.workloads (a different scenario) when given.
inline nlohmann::json small_results_document(const nlohmann::json& workloads = {"noop", "cpu"}) {
  using Json = nlohmann::json;
  Json doc = {{"schema", "isobench-results/1"},
              {"environment",
               {{"kernel", "6.18.0-test"},
                {"machine", "x86_64"},
                {"cpu_model", "Test CPU @ 2.00GHz"},
                {"cores", 2},
                {"memory_bytes", 4294967296},
                {"cgroup_mode", "v2"},
                {"kvm", "present but unusable (probe timed out after 10 s)"},
                {"isobench_version", "0.1.0+test"},
                {"date", "2025-01-02T03:04:05Z"}}},
              {"settings",
               {{"runs", kSmallRuns},
                {"warmup", 1},
                {"memory_runs", kSmallMemoryRuns},
                {"concurrency", {1}},
                {"workloads", workloads},
                {"probes_requested", "lifecycle"},
                {"probes_active", "lifecycle"}}},
              {"targets", Json::array()},
              {"summaries", Json::array()},
              {"runs", Json::array()}};
  for (const SmallTarget& target : kSmallTargets)
    doc["targets"].push_back({{"name", target.name}, {"kind", target.kind}, {"available", true}, {"version", "1.0"}});

  for (const SmallTarget& target : kSmallTargets) {
    for (const char* workload : {"noop", "cpu"}) {
      const bool cpu = std::string(workload) == "cpu";
      for (int round = 0; round < kSmallRuns; ++round) {
        double startup = target.startup_ms + round * target.startup_step_ms;
        double work = cpu ? 100.0 + round : 0.25;
        doc["runs"].push_back({{"target", target.name},
                               {"workload", workload},
                               {"concurrency", 1},
                               {"round", round},
                               {"slot", 0},
                               {"ok", true},
                               {"exit_code", 0},
                               {"memory_round", false},
                               {"startup_ms", startup},
                               {"wall_ms", startup + work + 1.0},
                               {"batch_wall_ms", startup + work + 1.0},
                               {"workload_ms", work},
                               {"cpu_user_ms", (cpu ? 100.0 : 0.5) + round * 0.5},
                               {"cpu_system_ms", target.cpu_system_ms},
                               {"cpu_source", "rusage"},
                               {"workload_peak_kib", cpu ? 1536.0 : 1024.0},
                               {"tree_peak_kib", nullptr}});
      }
      for (int round = 0; round < kSmallMemoryRuns; ++round)
        doc["runs"].push_back({{"target", target.name},
                               {"workload", workload},
                               {"concurrency", 1},
                               {"round", round},
                               {"slot", 0},
                               {"ok", true},
                               {"exit_code", 0},
                               {"memory_round", true},
                               {"startup_ms", nullptr},
                               {"wall_ms", nullptr},
                               {"workload_ms", nullptr},
                               {"tree_peak_kib", target.tree_peak_kib + round * 64}});
    }
  }
  doc["runs"].push_back({{"target", "isobench"},
                         {"workload", "cpu"},
                         {"concurrency", 1},
                         {"round", kSmallRuns},
                         {"slot", 0},
                         {"ok", false},
                         {"exit_code", 137},
                         {"timed_out", true},
                         {"error", "timed out"},
                         {"memory_round", false},
                         {"startup_ms", 9999.0},
                         {"wall_ms", 9999.0}});

  Json medians = Json::object();
  const std::pair<const char*, double> phases[] = {{"phase.runtime_start_ms", 0.5}, {"phase.namespaces_ms", 0.75},
                                                   {"phase.rootfs_ms", 1.25},       {"phase.cgroup_ms", 0.375},
                                                   {"phase.exec_ms", 0.125},        {"phase.workload_ms", 0.25},
                                                   {"phase.teardown_ms", 1.5},      {"phase.total_ms", 4.75}};
  for (const auto& [name, median] : phases) medians[name] = {{"median", median}, {"source", "bpf"}};
  doc["summaries"].push_back({{"target", "isobench"},
                              {"workload", "noop"},
                              {"concurrency", 1},
                              {"runs", kSmallRuns},
                              {"failures", 0},
                              {"metrics", Json::array()},
                              {"probes", {{"runs", kSmallRuns}, {"medians", medians}}}});
  return doc;
}

}  // namespace isobench::testing
