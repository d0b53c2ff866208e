/* syscall: the cost of entering the kernel, which seccomp filters and some sandboxes
 * (gVisor, user-mode emulation) inflate. */
#include <sys/syscall.h>
#include <unistd.h>

#include "workload_common.h"

static const char usage[] =
    "Usage: syscall [--count N] [--help]\n"
    "Makes N raw getppid system calls (default 100000).\n"
    "Prints one JSON line: workload, start_mono_ns, elapsed_ns, count, ns_per_call.\n";

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  uint64_t count = 100000;
  const WlOption options[] = {{"--count", WL_OPT_COUNT, &count}};
  wl_parse_options(argc, argv, "syscall", usage, options, 1);

  const uint64_t t0 = wl_now_ns();
  /* syscall() rather than getppid(): no libc wrapper may cache the answer. */
  for (uint64_t i = 0; i < count; i++) syscall(SYS_getppid);
  const uint64_t elapsed_ns = wl_now_ns() - t0;

  WlJson json;
  wl_json_begin_workload(&json, "syscall", start_ns, elapsed_ns);
  wl_json_u64(&json, "count", count);
  wl_json_double(&json, "ns_per_call", (double)elapsed_ns / (double)count);
  return wl_json_end(&json);
}
