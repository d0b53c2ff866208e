#include "probes/lifecycle_phases.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace isobench::probes;
using Kind = LifecycleEvent::Kind;

namespace {

LifecycleEvent event(Kind kind, double at_ms, uint32_t pid, int64_t nr = -1, uint64_t arg0 = 0, double ms = 0,
                     int64_t ret = 0) {
  LifecycleEvent e;
  e.kind = kind;
  e.timestamp_ns = std::llround(at_ms * 1e6);
  e.pid = pid;
  e.syscall_nr = nr;
  e.arg0 = arg0;
  e.duration_ns = static_cast<int64_t>(ms * 1e6);
  e.ret = ret;
  return e;
}

/// A cgroupfs write, mkdir or rmdir as the lifecycle probe marks it.
LifecycleEvent cgroup_operation(double at_ms, uint32_t pid, int64_t nr, double ms) {
  LifecycleEvent e = event(Kind::kSyscall, at_ms, pid, nr, 0, ms);
  e.cgroup_operation = true;
  return e;
}

constexpr uint64_t kNewPidAndMount = 0x20000000 | 0x00020000;
constexpr int64_t kWrite = 1, kMkdir = 83, kRmdir = 84;

double sum_of_phases(const LifecyclePhases& p) {
  return p.runtime_start_ms + p.namespaces_ms + p.rootfs_ms + p.cgroup_ms + p.other_setup_ms + p.exec_ms +
         p.workload_ms + p.teardown_ms;
}

/// A runtime that makes the cgroup (mkdir, then a limit and its pid written), clones into new
/// namespaces, mounts, and execs the workload; it removes the cgroup after the workload exits.
std::vector<LifecycleEvent> container_start_with_cgroup() {
  return {event(Kind::kExec, 1, 10),
          cgroup_operation(2, 10, kMkdir, 0.5),                     // 2..2.5 ms
          cgroup_operation(3, 10, kWrite, 0.25),                    // 3..3.25 ms
          event(Kind::kSyscall, 4, 10, 435, kNewPidAndMount, 1.0),  // clone3: 4..5 ms
          event(Kind::kFork, 5, 11),
          event(Kind::kSyscall, 6, 11, 165, 0, 0.5),    // mount
          event(Kind::kSyscall, 8, 11, 59, 0, 1.0, 0),  // execve of the workload: 8..9 ms
          event(Kind::kExec, 9, 11),
          event(Kind::kExit, 15, 11),
          cgroup_operation(16, 10, kRmdir, 2.0),  // teardown: after the exec, not setup
          event(Kind::kExit, 19, 10)};
}

}  // namespace

TEST(LifecyclePhases, AContainerStartSplitsIntoRuntimeNamespacesRootfsExecWorkloadAndTeardown) {
  std::vector<LifecycleEvent> events = {
      event(Kind::kExec, 1, 10),
      event(Kind::kSyscall, 2, 10, 435, kNewPidAndMount, 1.0),  // clone3 with new namespaces: 2..3 ms
      event(Kind::kFork, 3, 11),
      event(Kind::kSyscall, 4, 11, 165, 0, 0.5),    // mount
      event(Kind::kSyscall, 5, 11, 155, 0, 0.25),   // pivot_root
      event(Kind::kSyscall, 6, 11, 59, 0, 1.0, 0),  // execve of the workload: 6..7 ms
      event(Kind::kExec, 7, 11),
      event(Kind::kExit, 9, 11),
      event(Kind::kExit, 10, 10)};
  LifecyclePhases phases = lifecycle_phases(events, 0, 10'000'000);
  EXPECT_EQ(phases.workload_pid, 11u);
  EXPECT_DOUBLE_EQ(phases.runtime_start_ms, 2.0);
  EXPECT_DOUBLE_EQ(phases.namespaces_ms, 1.0);
  EXPECT_EQ(phases.namespace_syscalls, 1);
  EXPECT_DOUBLE_EQ(phases.rootfs_ms, 0.75);
  EXPECT_DOUBLE_EQ(phases.exec_ms, 1.0);
  EXPECT_DOUBLE_EQ(phases.workload_ms, 2.0);
  EXPECT_DOUBLE_EQ(phases.teardown_ms, 1.0);
  EXPECT_DOUBLE_EQ(phases.total_ms, 10.0);
  // runtime start + namespaces + rootfs + other setup = launch to the workload's execve
  EXPECT_NEAR(phases.runtime_start_ms + phases.namespaces_ms + phases.rootfs_ms + phases.other_setup_ms, 6.0, 1e-9);
}

TEST(LifecyclePhases, ABareProcessHasNoNamespaceOrRootfsPhase) {
  std::vector<LifecycleEvent> events = {event(Kind::kSyscall, 1, 20, 59, 0, 0.5, 0), event(Kind::kExec, 1, 20),
                                        event(Kind::kExit, 3, 20)};
  LifecyclePhases phases = lifecycle_phases(events, 0, 4'000'000);
  EXPECT_EQ(phases.namespace_syscalls, 0);
  EXPECT_DOUBLE_EQ(phases.namespaces_ms, 0);
  EXPECT_DOUBLE_EQ(phases.rootfs_ms, 0);
  EXPECT_DOUBLE_EQ(phases.workload_ms, 2.0);
}

TEST(LifecyclePhases, OnlyNamespaceFlagsMakeACloneANamespaceCall) {
  EXPECT_TRUE(creates_namespace(event(Kind::kSyscall, 0, 1, 435, 0x40000000)));   // clone3 CLONE_NEWNET
  EXPECT_TRUE(creates_namespace(event(Kind::kSyscall, 0, 1, 272, 0x02000000)));   // unshare CLONE_NEWCGROUP
  EXPECT_TRUE(creates_namespace(event(Kind::kSyscall, 0, 1, 435, 0x80)));         // clone3 CLONE_NEWTIME
  EXPECT_FALSE(creates_namespace(event(Kind::kSyscall, 0, 1, 56, 0x11)));         // clone(SIGCHLD): a fork
  EXPECT_FALSE(creates_namespace(event(Kind::kSyscall, 0, 1, 165, 0x20000000)));  // mount
}

TEST(LifecyclePhases, CgroupOperationsBeforeTheExecMakeTheCgroupPhase) {
  LifecyclePhases phases = lifecycle_phases(container_start_with_cgroup(), 0, 20'000'000);
  EXPECT_DOUBLE_EQ(phases.cgroup_ms, 0.75);
  EXPECT_EQ(phases.cgroup_operations, 2);
  EXPECT_DOUBLE_EQ(phases.namespaces_ms, 1.0);
  EXPECT_EQ(phases.namespace_syscalls, 1);
  EXPECT_DOUBLE_EQ(phases.rootfs_ms, 0.5);
}

TEST(LifecyclePhases, CgroupTimeIsNotCountedAgainInOtherSetup) {
  LifecyclePhases phases = lifecycle_phases(container_start_with_cgroup(), 0, 20'000'000);
  // launch to the workload's execve is 8 ms: 2 runtime start, 1 namespaces, 0.5 rootfs, 0.75 cgroup.
  EXPECT_NEAR(phases.other_setup_ms, 8.0 - 2.0 - 1.0 - 0.5 - 0.75, 1e-9);
  EXPECT_NEAR(
      phases.runtime_start_ms + phases.namespaces_ms + phases.rootfs_ms + phases.cgroup_ms + phases.other_setup_ms, 8.0,
      1e-9);
}

TEST(LifecyclePhases, CgroupOperationsAfterTheExecAreNotSetup) {
  std::vector<LifecycleEvent> events = container_start_with_cgroup();
  events.insert(events.end() - 1, cgroup_operation(17, 10, kRmdir, 1.0));
  LifecyclePhases phases = lifecycle_phases(events, 0, 20'000'000);
  EXPECT_EQ(phases.cgroup_operations, 2);
  EXPECT_DOUBLE_EQ(phases.cgroup_ms, 0.75);
  EXPECT_DOUBLE_EQ(phases.workload_ms, 6.0);
  EXPECT_DOUBLE_EQ(phases.teardown_ms, 5.0);
}

TEST(LifecyclePhases, RuntimeStartEndsAtACgroupOperationThatComesBeforeTheFirstNamespaceClone) {
  std::vector<LifecycleEvent> events = {event(Kind::kExec, 1, 10),
                                        cgroup_operation(3, 10, kMkdir, 0.5),
                                        event(Kind::kSyscall, 5, 10, 435, kNewPidAndMount, 1.0),
                                        event(Kind::kFork, 6, 11),
                                        event(Kind::kSyscall, 7, 11, 59, 0, 1.0, 0),
                                        event(Kind::kExec, 8, 11),
                                        event(Kind::kExit, 9, 11)};
  LifecyclePhases phases = lifecycle_phases(events, 0, 10'000'000);
  EXPECT_DOUBLE_EQ(phases.runtime_start_ms, 3.0);
  EXPECT_EQ(phases.cgroup_operations, 1);
  EXPECT_EQ(phases.namespace_syscalls, 1);
}

TEST(LifecyclePhases, RuntimeStartEndsAtTheFirstNamespaceCloneWhenTheCgroupComesLater) {
  std::vector<LifecycleEvent> events = {event(Kind::kExec, 1, 10),
                                        event(Kind::kSyscall, 2, 10, 435, kNewPidAndMount, 1.0),
                                        cgroup_operation(4, 10, kWrite, 0.5),
                                        event(Kind::kFork, 5, 11),
                                        event(Kind::kSyscall, 7, 11, 59, 0, 1.0, 0),
                                        event(Kind::kExec, 8, 11),
                                        event(Kind::kExit, 9, 11)};
  LifecyclePhases phases = lifecycle_phases(events, 0, 10'000'000);
  EXPECT_DOUBLE_EQ(phases.runtime_start_ms, 2.0);
  EXPECT_DOUBLE_EQ(phases.cgroup_ms, 0.5);
}

TEST(LifecyclePhases, ACgroupOnlyRunStartsItsIsolationAtTheCgroupOperation) {
  std::vector<LifecycleEvent> events = {cgroup_operation(2, 20, kWrite, 0.25),
                                        event(Kind::kSyscall, 4, 20, 59, 0, 0.5, 0), event(Kind::kExec, 4.5, 20),
                                        event(Kind::kExit, 6, 20)};
  LifecyclePhases phases = lifecycle_phases(events, 0, 7'000'000);
  EXPECT_DOUBLE_EQ(phases.runtime_start_ms, 2.0);
  EXPECT_EQ(phases.namespace_syscalls, 0);
  EXPECT_EQ(phases.cgroup_operations, 1);
  EXPECT_NEAR(phases.other_setup_ms, 4.0 - 2.0 - 0.25, 1e-9);
}

TEST(LifecyclePhases, ASyscallNotMarkedAsACgroupOperationIsNotOne) {
  std::vector<LifecycleEvent> events = {event(Kind::kSyscall, 1, 20, kWrite, 0, 0.5),
                                        event(Kind::kSyscall, 2, 20, 59, 0, 0.5, 0), event(Kind::kExec, 2.5, 20),
                                        event(Kind::kExit, 3, 20)};
  LifecyclePhases phases = lifecycle_phases(events, 0, 4'000'000);
  EXPECT_EQ(phases.cgroup_operations, 0);
  EXPECT_DOUBLE_EQ(phases.cgroup_ms, 0);
  EXPECT_DOUBLE_EQ(phases.runtime_start_ms, 2.0);  // no isolation: runtime start runs to the execve
}

TEST(LifecyclePhases, PhasesSumToTheTotalWhenTheExecEndsAsTheWorkloadStarts) {
  LifecyclePhases phases = lifecycle_phases(container_start_with_cgroup(), 0, 20'000'000);
  EXPECT_DOUBLE_EQ(phases.total_ms, 20.0);
  EXPECT_NEAR(sum_of_phases(phases), phases.total_ms, 1e-9);
}

TEST(LifecyclePhases, PhasesSumToTheTotalWithinTheExecOverlap) {
  // The workload's exec event comes 0.6 ms into a 1 ms execve: that 0.4 ms is both exec and workload.
  std::vector<LifecycleEvent> events = container_start_with_cgroup();
  for (LifecycleEvent& e : events)
    if (e.kind == Kind::kExec && e.pid == 11) e.timestamp_ns = 8'600'000;
  LifecyclePhases phases = lifecycle_phases(events, 0, 20'000'000);
  const double overlap = 0.4;
  EXPECT_DOUBLE_EQ(phases.exec_ms, 1.0);
  EXPECT_NEAR(phases.workload_ms, 15.0 - 8.6, 1e-9);
  EXPECT_GE(sum_of_phases(phases), phases.total_ms - 1e-9);
  EXPECT_LE(sum_of_phases(phases), phases.total_ms + overlap + 1e-9);
  EXPECT_NEAR(sum_of_phases(phases) - phases.total_ms, overlap, 1e-9);
}
