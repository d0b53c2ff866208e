// What the probes found about one run, as plain data: the BPF readers fill it, the rusage
// fallback fills what it can, renderers and the bench aggregate read it. Every section names
// its source, so a figure is never shown without saying where it came from.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probes/lifecycle_event.h"
#include "probes/lifecycle_phases.h"

struct rusage;

namespace isobench::probes {

inline constexpr const char* kSourceBpf = "bpf";
inline constexpr const char* kSourceRusage = "rusage (wait4: the command and the descendants it waited for)";

/// Power-of-two buckets of nanoseconds: bucket i counts values in [2^i, 2^(i+1)).
struct Log2Histogram {
  std::vector<uint64_t> buckets;

  void add(size_t bucket, uint64_t count);
  void merge(const Log2Histogram& other);
  uint64_t total() const;
  /// Upper bound of the bucket holding quantile q (0..1), in ns; 0 when empty.
  double quantile_upper_ns(double q) const;
};

struct TaskCpu {
  uint32_t pid = 0;
  std::string comm;
  uint64_t on_cpu_ns = 0;
  uint64_t run_queue_ns = 0;
  uint64_t run_queue_waits = 0;
  uint64_t voluntary_switches = 0;
  uint64_t involuntary_switches = 0;
};

struct CpuFigures {
  std::string source;
  uint64_t on_cpu_ns = 0;  ///< the whole tree
  uint64_t voluntary_switches = 0;
  uint64_t involuntary_switches = 0;
  uint64_t run_queue_ns = 0;  ///< bpf only
  uint64_t run_queue_waits = 0;
  Log2Histogram run_queue_latency;  ///< bpf only
  std::vector<TaskCpu> tasks;       ///< bpf only, by on-CPU time, largest first
};

struct SyscallCount {
  uint32_t tgid = 0;
  uint32_t generation = 0;  ///< execs the process had made: the workload is its last image
  int64_t nr = 0;
  std::string name;
  bool workload = false;
  uint64_t count = 0;
  uint64_t errors = 0;
  uint64_t total_ns = 0;
  uint64_t max_ns = 0;
  Log2Histogram latency;
};

struct SyscallFigures {
  std::string source;
  std::vector<SyscallCount> calls;  ///< by count, largest first
  uint64_t workload_calls = 0;
  uint64_t runtime_calls = 0;  ///< everything else in the tree
};

struct ProcessMemory {
  uint32_t tgid = 0;
  std::string comm;
  uint64_t minor_faults = 0;  ///< since its last exec (or since fork when it did not exec)
  uint64_t major_faults = 0;
  uint64_t rss_high_water_kib = 0;
  bool workload = false;
};

struct MemoryFigures {
  std::string source;
  uint64_t minor_faults = 0;  ///< the whole tree
  uint64_t major_faults = 0;
  uint64_t rss_high_water_kib = 0;  ///< the largest of any one process in the tree
  std::optional<uint64_t> workload_rss_high_water_kib;
  std::vector<ProcessMemory> processes;
};

struct KvmFigures {
  std::string source;
  std::map<std::string, uint64_t> exits_by_reason;
  uint64_t total_exits = 0;
  std::string note;  ///< e.g. why there are none
};

struct LifecycleFigures {
  std::string source;
  std::vector<LifecycleEvent> events;
  LifecyclePhases phases;
};

struct ProbeReport {
  int64_t launch_ns = 0;
  int64_t end_ns = 0;
  std::optional<LifecycleFigures> lifecycle;
  std::optional<CpuFigures> cpu;
  std::optional<SyscallFigures> syscalls;
  std::optional<MemoryFigures> memory;
  std::optional<KvmFigures> kvm;
  /// Probes asked for but off, each with its reason, and fallbacks taken.
  std::vector<std::string> notes;
};

/// The figures /proc's rusage gives for a reaped command tree: the fallback when a BPF probe
/// is off. Memory high-water is ru_maxrss (the largest single process).
CpuFigures cpu_from_rusage(const struct rusage& usage);
MemoryFigures memory_from_rusage(const struct rusage& usage);

}  // namespace isobench::probes
