#include "probes/probe_session.h"

#include <sys/resource.h>
#include <unistd.h>

#include "common/time_units.h"
#include "probes/bpf_features.h"

#ifdef ISOBENCH_WITH_BPF
#include "probes/kernel_probe.h"
#include "probes/libbpf_log.h"
#include "probes/lifecycle_probe.h"
#include "probes/probe_tracepoints.h"
#include "probes/tracefs.h"
#endif

namespace isobench::probes {
namespace {

/// Whether rusage or the wall clock stands in for the probe when it is off.
bool has_fallback(ProbeKind kind) {
  return kind == ProbeKind::kCpu || kind == ProbeKind::kMemory || kind == ProbeKind::kLifecycle;
}

/// What every session does for the probes that are off: rusage figures, labelled.
void fill_fallbacks(const ProbeSet& wanted, const ProbeSet& active, const struct rusage& usage, ProbeReport& report) {
  if (wanted.has(ProbeKind::kCpu) && !active.has(ProbeKind::kCpu)) report.cpu = cpu_from_rusage(usage);
  if (wanted.has(ProbeKind::kMemory) && !active.has(ProbeKind::kMemory)) report.memory = memory_from_rusage(usage);
  if (wanted.has(ProbeKind::kLifecycle) && !active.has(ProbeKind::kLifecycle)) {
    LifecycleFigures lifecycle;
    lifecycle.source = "wall clock (launch to reap) only";
    lifecycle.phases.total_ms = ms_between(report.launch_ns, report.end_ns);
    report.lifecycle = std::move(lifecycle);
  }
}

/// Without BPF: rusage for cpu and memory, the wall clock for the lifecycle, nothing for
/// syscalls and kvm (no counter outside BPF sees them per process tree).
class FallbackSession final : public ProbeSession {
 public:
  FallbackSession(ProbeSet wanted, std::string reason) : wanted_(wanted) {
    for (ProbeKind kind : kAllProbes) {
      if (!wanted.has(kind)) continue;
      notes_.push_back(std::string(probe_name(kind)) + " probe off: " + reason +
                       (has_fallback(kind) ? " (figures from rusage/wall clock instead)" : " (no fallback)"));
    }
  }
  ProbeSet requested() const override { return wanted_; }
  ProbeSet active() const override { return ProbeSet::none(); }
  const std::vector<std::string>& notes() const override { return notes_; }
  Status add_launcher(pid_t) override { return {}; }
  void remove_launcher(pid_t) override {}
  void poll_events() override {}
  ProbeReport collect(pid_t, int64_t launch_ns, int64_t end_ns, const struct rusage& usage) override {
    ProbeReport report;
    report.launch_ns = launch_ns;
    report.end_ns = end_ns;
    fill_fallbacks(wanted_, ProbeSet::none(), usage, report);
    report.notes = notes_;
    return report;
  }

 private:
  ProbeSet wanted_;
  std::vector<std::string> notes_;
};

#ifdef ISOBENCH_WITH_BPF
class BpfSession final : public ProbeSession {
 public:
  BpfSession(ProbeSet wanted, std::unique_ptr<TracefsMount> tracefs, std::unique_ptr<LifecycleProbe> lifecycle,
             ProbeSet active, std::vector<std::unique_ptr<KernelProbe>> probes, std::vector<std::string> notes)
      : wanted_(wanted),
        active_(active),
        tracefs_(std::move(tracefs)),
        lifecycle_(std::move(lifecycle)),
        probes_(std::move(probes)),
        notes_(std::move(notes)) {}

  ProbeSet requested() const override { return wanted_; }
  ProbeSet active() const override { return active_; }
  const std::vector<std::string>& notes() const override { return notes_; }
  Status add_launcher(pid_t tid) override { return lifecycle_->add_launcher(tid); }
  void remove_launcher(pid_t tid) override { lifecycle_->remove_launcher(tid); }
  void poll_events() override { lifecycle_->consume(); }

  ProbeReport collect(pid_t root, int64_t launch_ns, int64_t end_ns, const struct rusage& usage) override {
    ProbeReport report;
    report.launch_ns = launch_ns;
    report.end_ns = end_ns;
    report.notes = notes_;
    LifecycleFigures lifecycle;
    lifecycle.source = kSourceBpf;
    lifecycle.events = lifecycle_->drain(static_cast<uint32_t>(root));
    lifecycle.phases = lifecycle_phases(lifecycle.events, launch_ns, end_ns);
    RunIdentity run{static_cast<uint32_t>(root), 0};
    for (const LifecycleEvent& event : lifecycle.events) {
      if (event.kind != LifecycleEvent::Kind::kExec || event.pid != lifecycle.phases.workload_pid) continue;
      run.workload_tgid = event.tgid;
      if (event.comm.rfind("qemu-system", 0) == 0)
        report.notes.push_back(
            "the workload is QEMU: seen from the host, the guest kernel's boot and the guest's own work are one "
            "phase (the guest is opaque to host probes)");
    }
    if (active_.has(ProbeKind::kLifecycle)) report.lifecycle = std::move(lifecycle);
    for (auto& probe : probes_) probe->collect(run, report);
    lifecycle_->forget(run.root);
    if (uint64_t lost = lifecycle_->lost_events(); lost > 0)
      report.notes.push_back(std::to_string(lost) +
                             " lifecycle events lost so far (the ring buffer was full): the phases may be incomplete");
    fill_fallbacks(wanted_, active_, usage, report);
    return report;
  }

 private:
  ProbeSet wanted_;
  ProbeSet active_;
  std::unique_ptr<TracefsMount> tracefs_;
  std::unique_ptr<LifecycleProbe> lifecycle_;  // owns the tree maps the probes share: destroyed last
  std::vector<std::unique_ptr<KernelProbe>> probes_;
  std::vector<std::string> notes_;
};

using Loader = Result<std::unique_ptr<KernelProbe>> (*)(const TreeMaps&);

Loader loader_of(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kCpu: return load_cpu_probe;
    case ProbeKind::kSyscalls: return load_syscall_probe;
    case ProbeKind::kMemory: return load_memory_probe;
    case ProbeKind::kKvm: return load_kvm_exit_probe;
    case ProbeKind::kLifecycle: break;
  }
  return nullptr;
}

/// Why the first of `tracepoints` that cannot be used is unusable, or nothing.
std::optional<std::string> first_unavailable(const std::string& tracefs_root,
                                             const std::vector<std::string>& tracepoints,
                                             const DisabledFeatures& disabled) {
  for (const std::string& tracepoint : tracepoints)
    if (auto reason = tracepoint_unavailable(tracefs_root, tracepoint, disabled)) return reason;
  return std::nullopt;
}

/// The lifecycle tracepoints to leave out: its optional ones when it is not wanted (the tree
/// follower runs all the same) or when one of them is unavailable (said in `notes`).
std::set<std::string> lifecycle_left_out(bool wanted, const std::string& tracefs_root, const DisabledFeatures& disabled,
                                         std::vector<std::string>& notes) {
  const ProbeTracepoints tracepoints = probe_tracepoints(ProbeKind::kLifecycle);
  std::set<std::string> left_out(tracepoints.optional.begin(), tracepoints.optional.end());
  if (!wanted) return left_out;
  if (auto reason = first_unavailable(tracefs_root, tracepoints.optional, disabled)) {
    notes.push_back("lifecycle probe: " + tracepoints.without_optional + ": " + *reason);
    return left_out;
  }
  return {};
}

/// Why BPF cannot be used at all, or empty.
std::string bpf_unusable(const DisabledFeatures& disabled) {
  if (disabled.all_bpf()) return "BPF switched off (ISOBENCH_DISABLE_BPF_FEATURES=bpf)";
  if (geteuid() != 0) return "loading BPF programs needs root";
  if (!host_bpf_features().has(BpfFeature::kBtf)) return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
  if (disabled.disabled("ringbuf")) return "ring buffers switched off (ISOBENCH_DISABLE_BPF_FEATURES=ringbuf)";
  if (!host_bpf_features().has(BpfFeature::kRingBuffer)) return "this kernel has no BPF ring buffer";
  return "";
}
#endif

}  // namespace

std::unique_ptr<ProbeSession> start_probe_session(const ProbeSet& wanted) {
#ifndef ISOBENCH_WITH_BPF
  return std::make_unique<FallbackSession>(wanted, "isobench was built without BPF (ISOBENCH_WITH_BPF=OFF)");
#else
  DisabledFeatures disabled = DisabledFeatures::from_environment();
  if (std::string reason = bpf_unusable(disabled); !reason.empty())
    return std::make_unique<FallbackSession>(wanted, reason);
  // A program the kernel refuses is reported in the notes, once; libbpf's own log (with the
  // verifier's) goes to the debug log, or to warnings with ISOBENCH_BPF_VERBOSE=1.
  route_libbpf_messages_to_spdlog();
  auto tracefs = TracefsMount::ensure();
  if (!tracefs) return std::make_unique<FallbackSession>(wanted, tracefs.error().text());

  std::vector<std::string> notes;
  auto unavailable = [&](ProbeKind kind) {
    return first_unavailable((*tracefs)->root(), probe_tracepoints(kind).required, disabled);
  };
  ProbeSet active;
  std::set<std::string> left_out =
      lifecycle_left_out(wanted.has(ProbeKind::kLifecycle), (*tracefs)->root(), disabled, notes);
  // The tree follower is the one thing every probe needs.
  if (auto reason = unavailable(ProbeKind::kLifecycle))
    return std::make_unique<FallbackSession>(wanted, "cannot follow the process tree: " + *reason);
  auto lifecycle = LifecycleProbe::start(left_out);
  if (!lifecycle) return std::make_unique<FallbackSession>(wanted, lifecycle.error().text());
  if (wanted.has(ProbeKind::kLifecycle)) active.add(ProbeKind::kLifecycle);

  std::vector<std::unique_ptr<KernelProbe>> probes;
  for (ProbeKind kind : kAllProbes) {
    if (!wanted.has(kind) || kind == ProbeKind::kLifecycle) continue;
    std::string name(probe_name(kind));
    const char* fallback = has_fallback(kind) ? " (figures from rusage instead)" : " (no fallback)";
    if (auto reason = unavailable(kind)) {
      notes.push_back(name + " probe off: " + *reason + fallback);
      continue;
    }
    auto probe = loader_of(kind)((*lifecycle)->tree_maps());
    if (!probe) {
      notes.push_back(name + " probe off: " + probe.error().text() + fallback);
      continue;
    }
    probes.push_back(std::move(*probe));
    active.add(kind);
  }
  return std::make_unique<BpfSession>(wanted, std::move(*tracefs), std::move(*lifecycle), active, std::move(probes),
                                      std::move(notes));
#endif
}

std::vector<HostCheck> check_probes() {
  std::unique_ptr<ProbeSession> session = start_probe_session(ProbeSet::all());
  std::vector<HostCheck> checks;
  for (ProbeKind kind : kAllProbes) {
    std::string name(probe_name(kind));
    std::string detail;
    for (const std::string& note : session->notes())
      if (note.rfind(name + " probe", 0) == 0) detail = note.substr(name.size() + 1);
    bool works = session->active().has(kind);
#ifdef ISOBENCH_WITH_BPF
    if (works && detail.empty()) {
      detail = "loads and attaches (tracepoints:";
      for (const std::string& tracepoint : probe_tracepoints(kind).all()) detail += " " + tracepoint;
      detail += ")";
    }
#endif
    checks.push_back({"probes", name, works ? HostCheck::Verdict::kOk : HostCheck::Verdict::kUnavailable, detail});
  }
  return checks;
}

}  // namespace isobench::probes
