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
  /// What a reader of the figures must know about how this target ran (crun's private mount
  /// namespace on hybrid hosts), one sentence each.
  std::vector<std::string> notes;
  /// vm targets: the timed KVM boot probe's verdict ("usable (booted in 0.4 s)", or why not
  /// and that TCG ran instead); empty for other kinds.
  std::string kvm;
  bool operator==(const TargetInfo&) const = default;
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
  /// CPU time of the whole target: every process it started, the workload included, from
  /// the rusage of the reaped tree. Every target reaps its workload within that tree (bwrap
  /// runs it as pid 1 for this, see bwrap_target.cpp); a VM's guest counts as QEMU's time.
  double cpu_user_ms = NAN;
  double cpu_system_ms = NAN;
  /// Targets served by a daemon (Target::daemon_cpu): its CPU over the run's batch, shared
  /// equally among the batch's runs. It is included in cpu_user_ms and cpu_system_ms, which
  /// would otherwise hold the client's alone; NaN for every other target.
  double daemon_cpu_ms = NAN;
  /// The workload's own peak: the VmHWM it reports of itself in its result line (resident
  /// pages of its address space, file pages included). Set in every round whose workload
  /// printed its line, memory rounds included.
  double workload_peak_kib = NAN;
  /// An untimed extra run (memory accounting would distort timings) made for tree_peak_kib.
  bool memory_round = false;
  /// Memory rounds only: the whole target's peak, everything it started with the workload
  /// included, as charged to the harness's measuring cgroup. Every target keeps it all there:
  /// runtimes that make a cgroup for the workload make it below the measuring one
  /// (Target::measured_invocation), and QEMU's pages hold the guest RAM it touched. A cgroup
  /// counts pages charged to it (anonymous, and page cache first read inside), not file
  /// pages already cached by others, which VmHWM counts: for bare this figure is a few
  /// hundred KiB below workload_peak_kib. The target's overhead is derived, not recorded:
  /// tree_peak_kib minus the workload's figure, measured alike with bare's tree_peak_kib.
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
