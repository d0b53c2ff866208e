/* hello: a human-readable smoke test that the container runs our binary and sees its own
 * PID and UTS namespaces. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "workload_common.h"

static const char usage[] =
    "Usage: hello [--help]\n"
    "Prints 'Hello from isobench! pid=<pid> hostname=<hostname>', then one JSON line:\n"
    "workload, start_mono_ns, elapsed_ns, pid, hostname.\n";

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  wl_parse_options(argc, argv, "hello", usage, NULL, 0);

  const uint64_t t0 = wl_now_ns();
  char hostname[HOST_NAME_MAX + 1] = "";
  if (gethostname(hostname, sizeof hostname) != 0) {
    perror("hello: gethostname");
    return WL_EXIT_FAILURE;
  }
  hostname[sizeof hostname - 1] = '\0';
  const pid_t pid = getpid();
  printf("Hello from isobench! pid=%d hostname=%s\n", (int)pid, hostname);
  const uint64_t elapsed_ns = wl_now_ns() - t0;

  WlJson json;
  wl_json_begin_workload(&json, "hello", start_ns, elapsed_ns);
  wl_json_i64(&json, "pid", pid);
  wl_json_string(&json, "hostname", hostname);
  return wl_json_end(&json);
}
