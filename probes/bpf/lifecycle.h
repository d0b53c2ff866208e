/* Shared by lifecycle.bpf.c and its C++ wrapper: fixed-width fields only. */
#ifndef ISOBENCH_PROBES_LIFECYCLE_H
#define ISOBENCH_PROBES_LIFECYCLE_H

#include "limits.h"

enum lifecycle_kind {
  LIFECYCLE_FORK = 1,    /* pid: the new task, parent_pid: its creator */
  LIFECYCLE_EXEC = 2,    /* comm: the new program's name */
  LIFECYCLE_EXIT = 3,    /* ret: the exit code as the kernel stores it */
  LIFECYCLE_SYSCALL = 4, /* an isolation syscall: nr, arg0 (flags), ret, duration_ns */
};

/* Syscall events: what the call did beyond its number. */
enum lifecycle_detail {
  LIFECYCLE_CGROUP_OP = 1, /* a write to a cgroupfs file, or mkdir/rmdir under /sys/fs/cgroup */
};

struct lifecycle_event {
  unsigned long long timestamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
  unsigned long long duration_ns;
  unsigned long long arg0;
  long long ret;
  long long syscall_nr;
  unsigned int kind;
  unsigned int detail;
  unsigned int pid;
  unsigned int tgid;
  unsigned int parent_pid;
  unsigned int root_pid;
  char comm[ISOBENCH_COMM_LEN];
};

#endif
