/* Shared by syscall.bpf.c and its C++ reader: fixed-width fields only. */
#ifndef ISOBENCH_PROBES_SYSCALL_H
#define ISOBENCH_PROBES_SYSCALL_H

#include "limits.h"

/* Calls are counted per program: `generation` is how many execs the process had made, so
 * the runtime's calls before it execs the workload are told apart from the workload's. */
struct syscall_key {
  unsigned int root_pid;
  unsigned int tgid;
  unsigned int generation;
  unsigned int nr;
};

struct syscall_stats {
  unsigned long long count;
  unsigned long long errors;
  unsigned long long total_ns;
  unsigned long long max_ns;
  /* latency, log2 buckets of nanoseconds */
  unsigned int histogram[ISOBENCH_HISTOGRAM_BUCKETS];
};

#endif
