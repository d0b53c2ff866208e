#include "probes/probe_tracepoints.h"

namespace isobench::probes {

std::vector<std::string> ProbeTracepoints::all() const {
  std::vector<std::string> every = required;
  every.insert(every.end(), optional.begin(), optional.end());
  return every;
}

ProbeTracepoints probe_tracepoints(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kLifecycle:
      return {{"sched/sched_process_fork", "sched/sched_process_exec", "sched/sched_process_exit",
               "sched/sched_process_free"},
              {"raw_syscalls/sys_enter", "raw_syscalls/sys_exit"},
              "no syscall durations"};
    case ProbeKind::kCpu:
      return {
          {"sched/sched_switch", "sched/sched_wakeup", "sched/sched_wakeup_new", "sched/sched_process_exit"}, {}, ""};
    case ProbeKind::kSyscalls:
      return {{"raw_syscalls/sys_enter", "raw_syscalls/sys_exit", "sched/sched_process_exec"}, {}, ""};
    case ProbeKind::kMemory: return {{"sched/sched_process_exit", "sched/sched_process_exec"}, {}, ""};
    case ProbeKind::kKvm: return {{"kvm/kvm_exit"}, {}, ""};
  }
  return {};
}

std::optional<std::string> tracepoint_of_section(std::string_view section,
                                                 const std::vector<std::string>& tracepoints) {
  for (std::string_view whole : {"tp/", "tracepoint/"}) {
    if (section.substr(0, whole.size()) != whole) continue;
    section.remove_prefix(whole.size());
    for (const std::string& tracepoint : tracepoints)
      if (tracepoint == section) return tracepoint;
    return std::nullopt;
  }
  for (std::string_view by_name : {"raw_tp/", "raw_tracepoint/", "tp_btf/"}) {
    if (section.substr(0, by_name.size()) != by_name) continue;
    section.remove_prefix(by_name.size());
    for (const std::string& tracepoint : tracepoints) {
      const size_t slash = tracepoint.find('/');
      if (slash != std::string::npos && std::string_view(tracepoint).substr(slash + 1) == section) return tracepoint;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace isobench::probes
