#include "probes/lifecycle_phases.h"

#include <gtest/gtest.h>

using namespace isobench::probes;
using Kind = LifecycleEvent::Kind;

namespace {

LifecycleEvent event(Kind kind, int64_t at_ms, uint32_t pid, int64_t nr = -1, uint64_t arg0 = 0, double ms = 0,
                     int64_t ret = 0) {
  LifecycleEvent e;
  e.kind = kind;
  e.timestamp_ns = static_cast<int64_t>(at_ms * 1000000);
  e.pid = pid;
  e.syscall_nr = nr;
  e.arg0 = arg0;
  e.duration_ns = static_cast<int64_t>(ms * 1e6);
  e.ret = ret;
  return e;
}

constexpr uint64_t kNewPidAndMount = 0x20000000 | 0x00020000;

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
