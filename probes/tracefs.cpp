#include "probes/tracefs.h"

#include <sys/mount.h>
#include <unistd.h>

namespace isobench::probes {

namespace {
constexpr const char* kTracefs = "/sys/kernel/tracing";
constexpr const char* kDebugfsTracing = "/sys/kernel/debug/tracing";
}  // namespace

Result<std::unique_ptr<TracefsMount>> TracefsMount::ensure() {
  for (const char* root : {kTracefs, kDebugfsTracing})
    if (access((std::string(root) + "/events").c_str(), F_OK) == 0)
      return std::unique_ptr<TracefsMount>(new TracefsMount(root, false));
  if (mount("tracefs", kTracefs, "tracefs", 0, nullptr) != 0)
    return errno_error("cannot mount tracefs at /sys/kernel/tracing (run as root)");
  return std::unique_ptr<TracefsMount>(new TracefsMount(kTracefs, true));
}

TracefsMount::~TracefsMount() {
  if (mounted_by_us_) umount2(kTracefs, MNT_DETACH);
}

}  // namespace isobench::probes
