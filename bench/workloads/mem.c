/* mem: maps anonymous memory and writes one byte per page, so every page is really
 * faulted in and charged to the container's memory cgroup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workload_common.h"

static const char usage[] =
    "Usage: mem [--size SIZE] [--help]\n"
    "Maps SIZE bytes (default 64m; e.g. 4096k, 64m, 1g) and writes every page.\n"
    "Prints one JSON line: workload, start_mono_ns, elapsed_ns, bytes, page_size, pages,\n"
    "bytes_touched. Exits 1 if the memory cannot be mapped.\n";

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  uint64_t size = 64u << 20;
  const WlOption options[] = {{"--size", WL_OPT_SIZE, &size}};
  wl_parse_options(argc, argv, "mem", usage, options, 1);

  const uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE);
  if (size > SIZE_MAX - page_size) {
    fprintf(stderr, "mem: cannot allocate %llu bytes: size too large\n", (unsigned long long)size);
    return WL_EXIT_FAILURE;
  }

  const uint64_t t0 = wl_now_ns();
  /* mmap rather than malloc: a failure is reported here instead of being hidden behind
   * the allocator, and the compiler cannot elide writes to memory it does not own. */
  volatile char* mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    fprintf(stderr, "mem: cannot allocate %llu bytes: %s\n", (unsigned long long)size, strerror(errno));
    return WL_EXIT_FAILURE;
  }
  uint64_t pages = 0;
  for (uint64_t offset = 0; offset < size; offset += page_size) {
    mem[offset] = (char)pages;
    pages++;
  }
  const uint64_t elapsed_ns = wl_now_ns() - t0;
  munmap((void*)mem, size);

  WlJson json;
  wl_json_begin_workload(&json, "mem", start_ns, elapsed_ns);
  wl_json_u64(&json, "bytes", size);
  wl_json_u64(&json, "page_size", page_size);
  wl_json_u64(&json, "pages", pages);
  wl_json_u64(&json, "bytes_touched", pages * page_size);
  return wl_json_end(&json);
}
