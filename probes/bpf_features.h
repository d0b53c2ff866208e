// What this kernel lets BPF do, tried rather than assumed: the probes' half of
// `isobench doctor`, and the switchboard that turns off programs the kernel cannot run.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/host_check.h"

namespace isobench::probes {

/// BTF, tracefs (mounted, or mountable), and whether tracepoint, raw tracepoint programs and
/// ring buffers load on this kernel.
std::vector<HostCheck> check_bpf_features();

/// Features switched off on purpose: ISOBENCH_DISABLE_BPF_FEATURES is a comma-separated list
/// of "bpf" (everything: the /proc and rusage fallbacks), "ringbuf", or tracepoints as
/// "category/name". For kernels where a program misbehaves, and for testing the fallbacks.
class DisabledFeatures {
 public:
  static DisabledFeatures from_environment();
  static DisabledFeatures parse(const std::string& list);
  bool all_bpf() const { return names_.count("bpf") != 0; }
  bool disabled(const std::string& feature) const { return all_bpf() || names_.count(feature) != 0; }

 private:
  std::set<std::string> names_;
};

/// Why tracepoint "category/name" cannot be used (switched off, or not in tracefs at
/// `tracefs_root`), or nothing when it can.
std::optional<std::string> tracepoint_unavailable(const std::string& tracefs_root, const std::string& tracepoint,
                                                  const DisabledFeatures& disabled);

}  // namespace isobench::probes
