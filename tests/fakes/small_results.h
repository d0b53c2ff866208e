// A small, fixed isobench-results/1 document for the report's unit and integration tests, as
// `isobench bench --targets bare,isobench,vm,crun --runs 6 --memory-runs 2 --probes lifecycle
// --allow-unavailable` writes it on a host whose KVM is unusable: bare, isobench (container)
// and vm (run under TCG) on two workloads (noop, cpu) at concurrency 1, six successful runs
// per cell with deterministic figures, two memory rounds per cell, one timed-out isobench run
// of the second workload, lifecycle probe reports on isobench's runs of the first workload,
// and crun, which is not installed. No "summaries": the reader recomputes them.
// Header-only and JSON-only so that both test executables share the very same document.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace isobench::testing {

struct SmallTarget {
  const char* name;
  const char* kind;
  const char* version;
  double startup_ms;  ///< of round 0; each round adds startup_step_ms
  double startup_step_ms;
  double cpu_system_ms;  ///< the runtime's own CPU time on top of the workload's
  double tree_peak_kib;  ///< memory rounds: the whole target, the workload included
};

constexpr SmallTarget kSmallTargets[] = {
    {"bare", "process", "host kernel 6.18.0-test", 1.0, 0.1, 0.5, 2048},
    {"isobench", "container", "0.1.0+test", 4.0, 0.2, 2.0, 6144},
    {"vm", "vm", "QEMU 8.2.2, guest kernel 6.18.0-test", 400.0, 10.0, 300.0, 204800},
};

constexpr int kSmallRuns = 6;
constexpr int kSmallMemoryRuns = 2;

/// The vm target's boot probe verdict, and the environment's KVM as the run used it.
constexpr const char* kSmallKvm =
    "present but unusable (probe timed out after 10 s); the VM ran under TCG (software emulation)";
constexpr const char* kSmallCrunReason = "not installed (apt-get install crun)";

/// The startup phases of each probed run (isobench on the first workload), in ms.
inline nlohmann::json small_probe_report() {
  return {{"lifecycle",
           {{"source", "bpf"},
            {"phases_ms",
             {{"runtime_start", 0.5},
              {"namespaces", 0.75},
              {"rootfs", 1.25},
              {"cgroup", 0.375},
              {"other_setup", 0.5},
              {"exec", 0.125},
              {"workload", 0.25},
              {"teardown", 1.5},
              {"total", 5.25}}},
            {"namespace_syscalls", 6},
            {"cgroup_operations", 3}}},
          {"notes", nlohmann::json::array()}};
}

/// The document. The first of `workloads` gets noop's figures (0.25 ms of work, 1 MiB), the
/// others cpu's (about 100 ms, 1.5 MiB); other lists than noop,cpu make other scenarios.
inline nlohmann::json small_results_document(const std::vector<std::string>& workloads = {"noop", "cpu"}) {
  using Json = nlohmann::json;
  Json doc = {{"schema", "isobench-results/1"},
              {"interrupted", false},
              {"environment",
               {{"kernel", "6.18.0-test"},
                {"machine", "x86_64"},
                {"hostname", "testhost"},
                {"cpu_model", "Test CPU @ 2.00GHz"},
                {"cores", 2},
                {"mhz_per_cpu", 2000},
                {"caches",
                 {{{"type", "Data"}, {"level", 1}, {"size", 32768}, {"num_sharing", 1}},
                  {{"type", "Instruction"}, {"level", 1}, {"size", 32768}, {"num_sharing", 1}},
                  {{"type", "Unified"}, {"level", 2}, {"size", 1048576}, {"num_sharing", 1}},
                  {{"type", "Unified"}, {"level", 3}, {"size", 8388608}, {"num_sharing", 2}}}},
                {"memory_bytes", 4294967296},
                {"cgroup_mode", "v2"},
                {"btf", true},
                {"kvm", kSmallKvm},
                {"isobench_version", "0.1.0+test"},
                {"date", "2025-01-02T03:04:05Z"},
                {"command",
                 {"isobench", "bench", "--targets", "bare,isobench,vm,crun", "--runs", "6", "--memory-runs", "2",
                  "--probes", "lifecycle", "--allow-unavailable", "--json", "small.json"}},
                {"target_versions",
                 {{"bare", kSmallTargets[0].version},
                  {"isobench", kSmallTargets[1].version},
                  {"vm", kSmallTargets[2].version},
                  {"crun", kSmallCrunReason}}}}},
              {"settings",
               {{"targets", {"bare", "isobench", "vm", "crun"}},
                {"workloads", workloads},
                {"cmd", Json::array()},
                {"concurrency", {1}},
                {"runs", kSmallRuns},
                {"warmup", 1},
                {"memory_runs", kSmallMemoryRuns},
                {"timeout_seconds", 30.0},
                {"min_time_seconds", 0.0},
                {"seed", 1},
                {"allow_unavailable", true},
                {"probes_requested", "lifecycle"},
                {"probes_active", "lifecycle"},
                {"sources",
                 {{"targets", "command line"},
                  {"runs", "command line"},
                  {"warmup", "default"},
                  {"memory_runs", "command line"},
                  {"concurrency", "default"},
                  {"workloads", "default"}}}}},
              {"targets", Json::array()},
              {"runs", Json::array()}};
  for (const SmallTarget& target : kSmallTargets) {
    Json entry = {{"name", target.name},
                  {"kind", target.kind},
                  {"available", true},
                  {"version", target.version},
                  {"notes", Json::array()}};
    if (std::string(target.kind) == "vm") {
      entry["notes"] = {"1 vCPU and 256 MiB of guest memory"};
      entry["kvm"] = kSmallKvm;
    }
    doc["targets"].push_back(entry);
  }
  doc["targets"].push_back({{"name", "crun"},
                            {"kind", "container"},
                            {"available", false},
                            {"skipped_because", kSmallCrunReason},
                            {"notes", Json::array()}});

  for (const SmallTarget& target : kSmallTargets) {
    for (size_t index = 0; index < workloads.size(); ++index) {
      const std::string& workload = workloads[index];
      const bool cpu = index > 0;
      const double workload_peak_kib = cpu ? 1536.0 : 1024.0;
      for (int round = 0; round < kSmallRuns; ++round) {
        double startup = target.startup_ms + round * target.startup_step_ms;
        double work = cpu ? 100.0 + round : 0.25;
        Json run = {{"target", target.name},
                    {"workload", workload},
                    {"concurrency", 1},
                    {"round", round},
                    {"slot", 0},
                    {"ok", true},
                    {"exit_code", 0},
                    {"startup_ms", startup},
                    {"wall_ms", startup + work + 1.0},
                    {"batch_wall_ms", startup + work + 1.0},
                    {"workload_ms", work},
                    {"cpu_user_ms", (cpu ? 100.0 : 0.5) + round * 0.5},
                    {"cpu_system_ms", target.cpu_system_ms},
                    {"workload_peak_kib", workload_peak_kib},
                    {"report",
                     {{"workload", workload},
                      {"elapsed_ns", static_cast<int64_t>(work * 1e6)},
                      {"vm_hwm_kib", workload_peak_kib}}}};
        if (std::string(target.name) == "isobench" && index == 0) run["probes"] = small_probe_report();
        doc["runs"].push_back(run);
      }
      for (int round = 0; round < kSmallMemoryRuns; ++round)
        doc["runs"].push_back({{"target", target.name},
                               {"workload", workload},
                               {"concurrency", 1},
                               {"round", round},
                               {"slot", 0},
                               {"ok", true},
                               {"exit_code", 0},
                               {"startup_ms", nullptr},
                               {"wall_ms", nullptr},
                               {"batch_wall_ms", nullptr},
                               {"workload_ms", nullptr},
                               {"cpu_user_ms", nullptr},
                               {"cpu_system_ms", nullptr},
                               {"workload_peak_kib", workload_peak_kib},
                               {"memory_round", true},
                               {"tree_peak_kib", target.tree_peak_kib + round * 64}});
    }
  }
  doc["runs"].push_back({{"target", "isobench"},
                         {"workload", workloads.size() > 1 ? workloads[1] : workloads.front()},
                         {"concurrency", 1},
                         {"round", kSmallRuns},
                         {"slot", 0},
                         {"ok", false},
                         {"exit_code", 137},
                         {"startup_ms", 9999.0},
                         {"wall_ms", 9999.0},
                         {"batch_wall_ms", 9999.0},
                         {"workload_ms", nullptr},
                         {"cpu_user_ms", nullptr},
                         {"cpu_system_ms", nullptr},
                         {"workload_peak_kib", nullptr},
                         {"timed_out", true},
                         {"error", "timed out"}});
  return doc;
}

}  // namespace isobench::testing
