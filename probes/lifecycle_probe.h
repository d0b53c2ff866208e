// The lifecycle probe: the process tree of each run and the durations of its isolation
// syscalls, from the kernel's side (probes/bpf/lifecycle.bpf.c). It owns the tree maps that
// every other probe filters on, so it is always loaded; without `syscall_timing` only the
// fork/exec/exit programs run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "common/result.h"
#include "probes/kernel_probe.h"
#include "probes/lifecycle_event.h"

struct lifecycle_bpf;
struct ring_buffer;

namespace isobench::probes {

class LifecycleProbe {
 public:
  static Result<std::unique_ptr<LifecycleProbe>> start(bool syscall_timing);
  ~LifecycleProbe();
  LifecycleProbe(const LifecycleProbe&) = delete;
  LifecycleProbe& operator=(const LifecycleProbe&) = delete;

  TreeMaps tree_maps() const;
  /// Every child thread `tid` forks from now on starts a run (until remove_launcher).
  Status add_launcher(pid_t tid);
  void remove_launcher(pid_t tid);
  /// The events of run `root` so far, ordered by time; other runs' events stay buffered.
  std::vector<LifecycleEvent> drain(uint32_t root);
  /// Moves what the kernel has written so far out of the ring buffer (which never wakes the
  /// reader: call this now and then during a long run).
  void consume();
  /// Events the ring buffer had no room for, since the start.
  uint64_t lost_events() const;
  /// Forgets run `root`'s entries in the tree map (its tasks that have not been freed yet).
  void forget(uint32_t root);

 private:
  LifecycleProbe() = default;
  lifecycle_bpf* skeleton_ = nullptr;
  ring_buffer* ring_ = nullptr;
  std::vector<LifecycleEvent> buffered_;
};

}  // namespace isobench::probes
