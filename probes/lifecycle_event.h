// One event of a run's process tree as the lifecycle probe saw it.
#pragma once

#include <cstdint>
#include <string>

namespace isobench::probes {

struct LifecycleEvent {
  enum class Kind { kFork = 1, kExec = 2, kExit = 3, kSyscall = 4 };
  Kind kind = Kind::kFork;
  int64_t timestamp_ns = 0;  ///< CLOCK_MONOTONIC, comparable with the runner's timestamps
  int64_t duration_ns = 0;   ///< syscalls only
  uint32_t pid = 0;          ///< the thread
  uint32_t tgid = 0;
  uint32_t parent_pid = 0;  ///< forks only: the creating thread
  uint32_t root_pid = 0;    ///< the run it belongs to
  int64_t syscall_nr = -1;
  uint64_t arg0 = 0;              ///< clone/clone3/unshare/setns flags
  int64_t ret = 0;                ///< syscall return value; exit: the kernel's exit code
  bool cgroup_operation = false;  ///< syscalls only: a cgroupfs write, mkdir or rmdir
  std::string comm;

  /// "clone3", "mount", ... for syscall events.
  std::string syscall_name() const;
};

/// The x86_64 name of syscall `nr` ("syscall 999" when unknown).
std::string syscall_name(int64_t nr);

}  // namespace isobench::probes
