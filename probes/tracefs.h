// Tracepoint programs are attached by id, which libbpf reads from tracefs; a fresh machine
// has it unmounted. Mounted on demand and unmounted by the owner when it was ours.
#pragma once

#include <memory>

#include "common/result.h"

namespace isobench::probes {

class TracefsMount {
 public:
  /// Mounts tracefs at /sys/kernel/tracing unless tracefs (or debugfs' tracing) is there.
  static Result<std::unique_ptr<TracefsMount>> ensure();
  ~TracefsMount();
  TracefsMount(const TracefsMount&) = delete;
  TracefsMount& operator=(const TracefsMount&) = delete;

 private:
  explicit TracefsMount(bool mounted_by_us) : mounted_by_us_(mounted_by_us) {}
  bool mounted_by_us_;
};

}  // namespace isobench::probes
