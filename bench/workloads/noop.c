/* noop: starts and reports, nothing else. The baseline for container start-up cost. */
#include <stddef.h>

#include "workload_common.h"

static const char usage[] =
    "Usage: noop [--help]\n"
    "Does nothing; prints one JSON line: workload, start_mono_ns, elapsed_ns (always 0).\n";

int main(int argc, char** argv) {
  const uint64_t start_ns = wl_start();
  wl_parse_options(argc, argv, "noop", usage, NULL, 0);
  WlJson json;
  wl_json_begin_workload(&json, "noop", start_ns, 0);
  return wl_json_end(&json);
}
