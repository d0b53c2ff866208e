// What this kernel lets BPF do, tried rather than assumed: the probes' half of
// `isobench doctor`, and the switchboard that turns off programs the kernel cannot run.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/host_check.h"

namespace isobench::probes {

/// What the probes need of the kernel, beyond tracepoints (those are in tracefs).
enum class BpfFeature { kBtf, kTracepointPrograms, kRawTracepointPrograms, kTracingPrograms, kRingBuffer };

/// The kernel boundary of feature probing: each call asks the kernel again (loads a tiny
/// program or map, looks for the BTF file).
class FeatureProber {
 public:
  virtual ~FeatureProber() = default;
  /// libbpf's convention: 1 supported, 0 not, a negative errno when the probe itself failed.
  virtual int probe(BpfFeature feature) = 0;
};

/// Feature answers kept for the life of the process (bpftrace's BPFfeature): doctor, every
/// probe session and every bench cell ask the same questions, and the kernel answers once.
class BpfFeatures {
 public:
  explicit BpfFeatures(std::unique_ptr<FeatureProber> prober) : prober_(std::move(prober)) {}
  /// The prober's answer for `feature` (as FeatureProber::probe), asked of it the first time only.
  int answer(BpfFeature feature);
  bool has(BpfFeature feature) { return answer(feature) == 1; }

 private:
  std::unique_ptr<FeatureProber> prober_;
  std::mutex mutex_;
  std::map<BpfFeature, int> answers_;
};

/// This process's answers about the running kernel.
BpfFeatures& host_bpf_features();

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
