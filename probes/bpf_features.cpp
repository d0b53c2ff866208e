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

}  // namespace

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
  bool btf = exists("/sys/kernel/btf/vmlinux");
  checks.push_back({"bpf", "BTF", btf ? Verdict::kOk : Verdict::kUnavailable,
                    btf ? "/sys/kernel/btf/vmlinux" : "no /sys/kernel/btf/vmlinux: CO-RE probes cannot load"});
  checks.push_back(check_tracefs());
#ifdef ISOBENCH_WITH_BPF
  libbpf_set_print(nullptr);  // probing failures are expected; the verdict says it
  struct Probe {
    const char* name;
    int result;
  };
  for (const Probe& probe :
       {Probe{"tracepoint programs", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, nullptr)},
        Probe{"raw tracepoint programs", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, nullptr)},
        Probe{"tp_btf/fentry programs (tracing)", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACING, nullptr)},
        Probe{"ring buffer maps", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr)}}) {
    std::string detail = probe.result == 1   ? "loads"
                         : probe.result == 0 ? "not supported by this kernel"
                                             : std::string("probe failed: ") + std::strerror(-probe.result);
    checks.push_back({"bpf", probe.name, probe.result == 1 ? Verdict::kOk : Verdict::kUnavailable, detail});
  }
#else
  checks.push_back(
      {"bpf", "programs", Verdict::kUnavailable, "isobench was built without BPF (ISOBENCH_WITH_BPF=OFF)"});
#endif
  return checks;
}

}  // namespace isobench::probes
