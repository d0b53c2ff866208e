// The lifecycle probe: the process tree of one run and the durations of its isolation
// syscalls, from the kernel's side (probes/bpf/lifecycle.bpf.c).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

struct lifecycle_bpf;
struct ring_buffer;

namespace isobench::probes {

struct LifecycleEvent {
  enum class Kind { kFork = 1, kExec = 2, kExit = 3, kSyscall = 4 };
  Kind kind = Kind::kFork;
  int64_t timestamp_ns = 0;  ///< CLOCK_MONOTONIC, comparable with the runner's timestamps
  int64_t duration_ns = 0;   ///< syscalls only
  uint32_t pid = 0;          ///< the thread
  uint32_t tgid = 0;
  uint32_t parent_pid = 0;  ///< forks only: the creating thread
  int64_t syscall_nr = -1;
  uint64_t arg0 = 0;  ///< clone/clone3/unshare/setns flags
  int64_t ret = 0;    ///< syscall return value; exit: the kernel's exit code
  std::string comm;

  /// "clone3", "mount", ... for syscall events.
  std::string syscall_name() const;
};

/// Owns the loaded, attached BPF programs (phases: open, load, attach, poll); destroying it
/// detaches everything.
class LifecycleProbe {
 public:
  static Result<std::unique_ptr<LifecycleProbe>> start();
  ~LifecycleProbe();
  LifecycleProbe(const LifecycleProbe&) = delete;
  LifecycleProbe& operator=(const LifecycleProbe&) = delete;

  /// Follows `pid` and everything it starts from now on.
  Status track(pid_t pid);
  /// Every event so far, ordered by time.
  std::vector<LifecycleEvent> drain();

 private:
  LifecycleProbe() = default;
  lifecycle_bpf* skeleton_ = nullptr;
  ring_buffer* ring_ = nullptr;
  std::vector<LifecycleEvent> events_;
};

}  // namespace isobench::probes
