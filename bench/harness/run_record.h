// Plain records the harness produces: what was run, and what each run measured. Statistics
// and rendering read these; nothing here computes or prints.
#pragma once

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/probe_report.h"

namespace isobench::bench {

struct TargetInfo {
  std::string name;
  std::string kind;  ///< process, container, vm
  bool available = false;
  std::string detail;  ///< version, or why it was skipped
};

struct RunRecord {
  std::string target;
  std::string workload;  ///< WorkloadCommand::label()
  int concurrency = 1;
  int round = 0;  ///< measured round (warmups are not recorded)
  int slot = 0;   ///< which of the `concurrency` simultaneous sandboxes
  bool ok = false;
  int exit_code = 0;
  bool timed_out = false;
  std::string error;  ///< stderr tail when the run failed

  double startup_ms = NAN;     ///< launch to the workload's first instruction (handshake)
  double wall_ms = NAN;        ///< launch to reaped exit
  double batch_wall_ms = NAN;  ///< first launch to last exit of the `concurrency` runs started together
  double workload_ms = NAN;    ///< the workload's own timing of its work
  double cpu_user_ms = NAN;    ///< every process the target started, as reaped (rusage of the tree)
  double cpu_system_ms = NAN;
  double workload_peak_kib = NAN;  ///< VmHWM reported by the workload itself
  /// Memory rounds only (not timed): peak memory of the cgroup the harness put the target's
  /// process in: the runtime's processes, plus the workload where the target does not move
  /// it into a cgroup of its own (bare, bwrap).
  bool memory_round = false;
  double tree_peak_kib = NAN;
  nlohmann::json report;  ///< the workload's JSON line, null when absent
  /// With --probes, measured rounds only: what the probes saw of this run.
  std::optional<probes::ProbeReport> probes;
};

struct BenchmarkResults {
  std::vector<TargetInfo> targets;
  std::vector<std::string> workloads;  ///< labels, in table order
  std::vector<int> concurrency;
  int runs = 0;
  int warmup = 0;
  int memory_runs = 0;
  std::string probes_requested = "none";  ///< without --probes
  std::string probes_active = "none";
  std::vector<RunRecord> records;
  /// A stop was requested (Ctrl-C): `records` holds the cells that had finished before it,
  /// and none of the cell that was running.
  bool interrupted = false;
};

}  // namespace isobench::bench
