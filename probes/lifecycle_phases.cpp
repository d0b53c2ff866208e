#include "probes/lifecycle_phases.h"

#include <algorithm>

#include "common/time_units.h"

namespace isobench::probes {
namespace {

constexpr uint64_t kNamespaceFlags = 0x00020000 /* NEWNS */ | 0x02000000 /* NEWCGROUP */ | 0x04000000 /* NEWUTS */ |
                                     0x08000000 /* NEWIPC */ | 0x10000000 /* NEWUSER */ | 0x20000000 /* NEWPID */ |
                                     0x40000000 /* NEWNET */ | 0x00000080 /* NEWTIME, clone3/unshare */;

double ms(int64_t from, int64_t to) {
  return to > from ? ms_between(from, to) : 0;
}

}  // namespace

bool creates_namespace(const LifecycleEvent& event) {
  if (event.kind != LifecycleEvent::Kind::kSyscall) return false;
  if (event.syscall_nr != 56 && event.syscall_nr != 435 && event.syscall_nr != 272) return false;
  uint64_t flags = event.arg0;
  // clone's 0x80 is CSIGNAL's range, not CLONE_NEWTIME.
  if (event.syscall_nr == 56) flags &= ~uint64_t{0xff};
  return (flags & kNamespaceFlags) != 0;
}

LifecyclePhases lifecycle_phases(const std::vector<LifecycleEvent>& events, int64_t launch_ns, int64_t end_ns) {
  LifecyclePhases phases;
  phases.total_ms = ms(launch_ns, end_ns);
  int64_t exec_ns = 0, exec_started_ns = 0, workload_exit_ns = 0, first_isolation_ns = 0;
  for (const LifecycleEvent& event : events) {
    if (event.kind == LifecycleEvent::Kind::kExec && event.timestamp_ns >= exec_ns) {
      exec_ns = event.timestamp_ns;
      phases.workload_pid = event.pid;
    }
  }
  for (const LifecycleEvent& event : events) {
    if (event.timestamp_ns > exec_ns && exec_ns) {
      if (event.kind == LifecycleEvent::Kind::kExit && event.pid == phases.workload_pid)
        workload_exit_ns = event.timestamp_ns;
      continue;
    }
    if (event.kind != LifecycleEvent::Kind::kSyscall) continue;
    bool isolation = creates_namespace(event) || event.cgroup_operation || event.syscall_nr == 165 ||
                     event.syscall_nr == 166 || event.syscall_nr == 155;
    if (isolation && !first_isolation_ns) first_isolation_ns = event.timestamp_ns;
    double duration = ns_to_ms(event.duration_ns);
    if (creates_namespace(event)) {
      phases.namespaces_ms += duration;
      ++phases.namespace_syscalls;
    } else if (event.cgroup_operation) {
      phases.cgroup_ms += duration;
      ++phases.cgroup_operations;
    } else if (event.syscall_nr == 165 || event.syscall_nr == 166 || event.syscall_nr == 155) {
      phases.rootfs_ms += duration;
    } else if (event.syscall_nr == 59 && event.pid == phases.workload_pid && event.ret == 0) {
      exec_started_ns = event.timestamp_ns;  // the execve that became the workload
      phases.exec_ms = duration;
    }
  }
  if (!exec_ns) return phases;
  if (!workload_exit_ns) workload_exit_ns = end_ns;
  int64_t setup_end = exec_started_ns ? exec_started_ns : exec_ns;
  phases.runtime_start_ms = ms(launch_ns, first_isolation_ns ? first_isolation_ns : setup_end);
  phases.other_setup_ms = std::max(0.0, ms(launch_ns, setup_end) - phases.runtime_start_ms - phases.namespaces_ms -
                                            phases.rootfs_ms - phases.cgroup_ms);
  phases.workload_ms = ms(exec_ns, workload_exit_ns);
  phases.teardown_ms = ms(workload_exit_ns, end_ns);
  return phases;
}

}  // namespace isobench::probes
