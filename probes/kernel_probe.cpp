#include "probes/kernel_probe.h"

#include <bpf/libbpf.h>

namespace isobench::probes {

std::vector<std::string> required_tracepoints(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kLifecycle:
      return {"sched/sched_process_fork", "sched/sched_process_exec", "sched/sched_process_exit",
              "sched/sched_process_free", "raw_syscalls/sys_enter",   "raw_syscalls/sys_exit"};
    case ProbeKind::kCpu:
      return {"sched/sched_switch", "sched/sched_wakeup", "sched/sched_wakeup_new", "sched/sched_process_exit"};
    case ProbeKind::kSyscalls: return {"raw_syscalls/sys_enter", "raw_syscalls/sys_exit", "sched/sched_process_exec"};
    case ProbeKind::kMemory: return {"sched/sched_process_exit", "sched/sched_process_exec"};
    case ProbeKind::kKvm: return {"kvm/kvm_exit"};
  }
  return {};
}

Status share_tree_maps(bpf_map* tracked, bpf_map* launchers, const TreeMaps& tree) {
  if (int rc = bpf_map__reuse_fd(tracked, tree.tracked_fd); rc != 0) return bpf_error(rc, "cannot share the tree map");
  if (int rc = bpf_map__reuse_fd(launchers, tree.launchers_fd); rc != 0)
    return bpf_error(rc, "cannot share the launcher map");
  return {};
}

Error bpf_error(int rc, const std::string& what) {
  return Error{rc < 0 ? -rc : rc, what};
}

}  // namespace isobench::probes
