/* Shared by cpu.bpf.c and its C++ reader: fixed-width fields only. */
#ifndef ISOBENCH_PROBES_CPU_H
#define ISOBENCH_PROBES_CPU_H

#include "limits.h"

/* One thread of a run, as the scheduler saw it. */
struct cpu_task_stats {
  unsigned long long on_cpu_ns;
  unsigned long long run_queue_ns;      /* woken or preempted, waiting for a CPU */
  unsigned long long run_queue_waits;
  unsigned long long voluntary_switches;   /* it blocked */
  unsigned long long involuntary_switches; /* it was preempted */
  unsigned int root_pid;
  unsigned int pad;
  char comm[ISOBENCH_COMM_LEN];
  /* run-queue latency, log2 buckets of nanoseconds */
  unsigned int run_queue_histogram[ISOBENCH_HISTOGRAM_BUCKETS];
};

/* The map's value: the figures and the two timestamps the kernel side keeps. */
struct cpu_task_entry {
  struct cpu_task_stats stats;
  unsigned long long on_cpu_since;   /* 0 when off CPU */
  unsigned long long runnable_since; /* 0 when not waiting for a CPU */
};

#endif
