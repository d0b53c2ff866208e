// Tracepoint programs are attached by id, which libbpf reads from tracefs; a fresh machine
// has it unmounted. Mounted on demand and unmounted by the owner when it was ours.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

namespace isobench::probes {

class TracefsMount {
 public:
  /// Mounts tracefs at /sys/kernel/tracing unless tracefs (or debugfs' tracing) is there.
  static Result<std::unique_ptr<TracefsMount>> ensure();
  ~TracefsMount();
  TracefsMount(const TracefsMount&) = delete;
  TracefsMount& operator=(const TracefsMount&) = delete;

  /// The directory holding events/ (e.g. /sys/kernel/tracing).
  const std::string& root() const { return root_; }

 private:
  TracefsMount(std::string root, bool mounted_by_us) : root_(std::move(root)), mounted_by_us_(mounted_by_us) {}
  std::string root_;
  bool mounted_by_us_;
};

}  // namespace isobench::probes
