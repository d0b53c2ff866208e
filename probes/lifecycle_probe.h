// The lifecycle probe: the process tree of each run and the durations of its isolation
// syscalls, from the kernel's side (probes/bpf/lifecycle.bpf.c). It owns the tree maps that
// every other probe filters on, so it is always loaded; with its optional tracepoints left out
// (probes/probe_tracepoints.h) only the fork/exec/exit programs run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "probes/kernel_probe.h"
#include "probes/lifecycle_event.h"

struct lifecycle_bpf;
struct ring_buffer;

namespace isobench::probes {

class LifecycleProbe {
 public:
  /// Loads the lifecycle programs but those on the `left_out` tracepoints, and opens the ring
  /// buffer they write to.
  static Result<std::unique_ptr<LifecycleProbe>> start(const std::set<std::string>& left_out);
  ~LifecycleProbe();
  LifecycleProbe(const LifecycleProbe&) = delete;
  LifecycleProbe& operator=(const LifecycleProbe&) = delete;

  TreeMaps tree_maps() const;
  /// Every child thread `tid` forks from now on starts a run (until remove_launcher).
  Status add_launcher(pid_t tid);
  void remove_launcher(pid_t tid);
  /// The events of run `root` so far, ordered by time; other runs' events stay buffered.
  std::vector<LifecycleEvent> drain(uint32_t root);
  /// The poll phase: moves what the kernel has written so far out of the ring buffer (which
  /// never wakes the reader: call this now and then during a long run).
  void consume();
  /// Events the ring buffer had no room for, since the start.
  uint64_t lost_events() const;
  /// Forgets run `root`'s entries in the tree map (its tasks that have not been freed yet).
  void forget(uint32_t root);

 private:
  using RingPtr = std::unique_ptr<ring_buffer, void (*)(ring_buffer*)>;
  explicit LifecycleProbe(SkeletonPtr<lifecycle_bpf> skeleton) : skeleton_(std::move(skeleton)) {}
  /// ring_buffer__new's sample callback: one event into buffered_.
  static int buffer_event(void* probe, void* data, size_t size);

  SkeletonPtr<lifecycle_bpf> skeleton_;
  RingPtr ring_{nullptr, nullptr};  // reads the skeleton's map: declared after it, freed before
  std::vector<LifecycleEvent> buffered_;
};

}  // namespace isobench::probes
