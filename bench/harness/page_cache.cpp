#include "bench/harness/page_cache.h"

#include <unistd.h>

#include "common/file_io.h"

namespace isobench::bench {
namespace {

constexpr const char* kDropCaches = "/proc/sys/vm/drop_caches";

}  // namespace

Status check_page_cache_droppable() {
  if (access(kDropCaches, W_OK) != 0)
    return errno_error(std::string("--cold drops the page cache before every run, which needs root: ") + kDropCaches);
  return {};
}

Status drop_page_cache() {
  sync();  // dirty pages are not dropped: written back first, they are clean and go too
  if (Status written = write_kernel_file(kDropCaches, "3"); !written)
    return Error{written.error().errno_value, "--cold: " + written.error().message};
  return {};
}

}  // namespace isobench::bench
