/* Shared by memory.bpf.c and its C++ reader: fixed-width fields only. */
#ifndef ISOBENCH_PROBES_MEMORY_H
#define ISOBENCH_PROBES_MEMORY_H

#include "limits.h"

/* One thread of a run at its exit: the kernel's own counters, read once. */
struct memory_task_stats {
  unsigned long long minor_faults;
  unsigned long long major_faults;
  /* the same counters when the thread last exec'd (0 if it did not): the difference is the
   * program's own, without the runtime's set-up in the same thread before exec */
  unsigned long long minor_faults_at_exec;
  unsigned long long major_faults_at_exec;
  /* high-water RSS of the address space the thread leaves (pages), and the largest one any
   * earlier program of its process left at exec (signal->maxrss, pages) */
  unsigned long long rss_high_water_pages;
  unsigned long long earlier_max_rss_pages;
  unsigned int root_pid;
  unsigned int tgid;
  char comm[ISOBENCH_COMM_LEN];
};

#endif
