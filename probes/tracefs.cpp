#include "probes/tracefs.h"

#include <sys/mount.h>
#include <unistd.h>

namespace isobench::probes {

Result<std::unique_ptr<TracefsMount>> TracefsMount::ensure() {
  if (access("/sys/kernel/tracing/events", F_OK) == 0 || access("/sys/kernel/debug/tracing/events", F_OK) == 0)
    return std::unique_ptr<TracefsMount>(new TracefsMount(false));
  if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
    return errno_error("cannot mount tracefs at /sys/kernel/tracing (run as root)");
  return std::unique_ptr<TracefsMount>(new TracefsMount(true));
}

TracefsMount::~TracefsMount() {
  if (mounted_by_us_) umount2("/sys/kernel/tracing", MNT_DETACH);
}

}  // namespace isobench::probes
