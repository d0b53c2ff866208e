// What every result carries about where it was measured, so that results from different
// hosts are never compared unknowingly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/harness/run_record.h"

namespace isobench::bench {

/// One CPU cache as sysfs describes it (/sys/devices/system/cpu/cpu0/cache/indexN), in the
/// shape Google Benchmark's context carries.
struct CpuCache {
  std::string type;  ///< Data, Instruction, Unified
  int level = 0;
  int64_t size_bytes = 0;
  int num_sharing = 0;  ///< CPUs sharing it
  bool operator==(const CpuCache&) const = default;
};

struct Environment {
  std::string kernel;
  std::string machine;
  std::string hostname;
  std::string cpu_model;
  int64_t cores = 0;
  int64_t mhz_per_cpu = 0;  ///< 0 when the host does not say
  std::vector<CpuCache> caches;
  uint64_t memory_bytes = 0;
  std::string cgroup_mode;  ///< v1, v2, hybrid, none
  bool btf = false;
  /// What the run used, as `doctor` words it: "usable (booted in 0.4 s)", "unusable: ...; the
  /// VM ran under TCG", "absent", or "not probed (no vm target)". Taken from the vm target's
  /// timed boot probe when the run had one, never from /dev/kvm's existence.
  std::string kvm;
  std::string isobench_version;
  std::string date;                  ///< UTC, ISO 8601
  std::vector<std::string> command;  ///< argv of the invocation
  std::map<std::string, std::string> target_versions;
  bool operator==(const Environment&) const = default;
};

/// The host's facts, the command line, and each target's version (or why it was skipped).
Environment collect_environment(const std::vector<std::string>& command_line, const std::string& isobench_version,
                                const std::vector<TargetInfo>& targets);

/// Google Benchmark's reading of a size in sysfs ("32K", "1024K", "8M") in bytes; 0 when
/// unreadable. Exposed for tests.
int64_t cache_size_bytes(const std::string& text);

}  // namespace isobench::bench
