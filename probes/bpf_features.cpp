#include "probes/bpf_features.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/text.h"

#ifdef ISOBENCH_WITH_BPF
#include <bpf/libbpf.h>

#include "probes/libbpf_log.h"
#endif

namespace isobench::probes {
namespace {

using Verdict = HostCheck::Verdict;

bool exists(const char* path) {
  return access(path, F_OK) == 0;
}

HostCheck check_tracefs() {
  if (exists("/sys/kernel/tracing/events")) return {"bpf", "tracefs", Verdict::kOk, "mounted at /sys/kernel/tracing"};
  if (exists("/sys/kernel/debug/tracing/events"))
    return {"bpf", "tracefs", Verdict::kOk, "mounted at /sys/kernel/debug/tracing"};
  if (geteuid() != 0) return {"bpf", "tracefs", Verdict::kUnavailable, "not mounted, and mounting it needs root"};
  // Mountable? Try, and leave the host as it was.
  if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
    return {"bpf", "tracefs", Verdict::kUnavailable, std::string("not mounted; mount failed: ") + std::strerror(errno)};
  umount2("/sys/kernel/tracing", MNT_DETACH);
  return {"bpf", "tracefs", Verdict::kOk, "not mounted, mountable at /sys/kernel/tracing (the probes mount it)"};
}

/// Asks the running kernel, through libbpf's probes.
class KernelFeatureProber final : public FeatureProber {
 public:
  int probe(BpfFeature feature) override {
    if (feature == BpfFeature::kBtf) return access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? 1 : 0;
#ifdef ISOBENCH_WITH_BPF
    route_libbpf_messages_to_spdlog();  // a refused probe is an answer, not a warning
    switch (feature) {
      case BpfFeature::kTracepointPrograms: return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, nullptr);
      case BpfFeature::kRawTracepointPrograms: return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, nullptr);
      case BpfFeature::kTracingPrograms: return libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACING, nullptr);
      case BpfFeature::kRingBuffer: return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr);
      case BpfFeature::kBtf: break;
    }
#endif
    return -EOPNOTSUPP;
  }
};

}  // namespace

int BpfFeatures::answer(BpfFeature feature) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [known, inserted] = answers_.try_emplace(feature, 0);
  if (inserted) known->second = prober_->probe(feature);
  return known->second;
}

BpfFeatures& host_bpf_features() {
  static BpfFeatures features(std::make_unique<KernelFeatureProber>());
  return features;
}

DisabledFeatures DisabledFeatures::parse(const std::string& list) {
  DisabledFeatures features;
  // "bpf, ringbuf" means ringbuf too: a stray space must not leave a feature on.
  for (std::string& name : split_trimmed_list(list, ',')) features.names_.insert(std::move(name));
  return features;
}

DisabledFeatures DisabledFeatures::from_environment() {
  const char* list = std::getenv("ISOBENCH_DISABLE_BPF_FEATURES");
  return parse(list ? list : "");
}

std::optional<std::string> tracepoint_unavailable(const std::string& tracefs_root, const std::string& tracepoint,
                                                  const DisabledFeatures& disabled) {
  if (disabled.disabled(tracepoint))
    return "tracepoint " + tracepoint + " switched off (ISOBENCH_DISABLE_BPF_FEATURES)";
  if (!exists((tracefs_root + "/events/" + tracepoint).c_str())) return "this kernel has no tracepoint " + tracepoint;
  return std::nullopt;
}

std::vector<HostCheck> check_bpf_features() {
  std::vector<HostCheck> checks;
  bool btf = host_bpf_features().has(BpfFeature::kBtf);
  checks.push_back({"bpf", "BTF", btf ? Verdict::kOk : Verdict::kUnavailable,
                    btf ? "/sys/kernel/btf/vmlinux" : "no /sys/kernel/btf/vmlinux: CO-RE probes cannot load"});
  checks.push_back(check_tracefs());
#ifdef ISOBENCH_WITH_BPF
  struct Probe {
    const char* name;
    BpfFeature feature;
  };
  for (const Probe& probe : {Probe{"tracepoint programs", BpfFeature::kTracepointPrograms},
                             Probe{"raw tracepoint programs", BpfFeature::kRawTracepointPrograms},
                             Probe{"tp_btf/fentry programs (tracing)", BpfFeature::kTracingPrograms},
                             Probe{"ring buffer maps", BpfFeature::kRingBuffer}}) {
    const int result = host_bpf_features().answer(probe.feature);
    std::string detail = result == 1   ? "loads"
                         : result == 0 ? "not supported by this kernel"
                                       : std::string("probe failed: ") + std::strerror(-result);
    checks.push_back({"bpf", probe.name, result == 1 ? Verdict::kOk : Verdict::kUnavailable, detail});
  }
#else
  checks.push_back(
      {"bpf", "programs", Verdict::kUnavailable, "isobench was built without BPF (ISOBENCH_WITH_BPF=OFF)"});
#endif
  return checks;
}

}  // namespace isobench::probes
