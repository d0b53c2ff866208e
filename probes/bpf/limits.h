/* Sizes shared by the BPF programs and their C++ readers: every map is bounded. */
#ifndef ISOBENCH_PROBES_LIMITS_H
#define ISOBENCH_PROBES_LIMITS_H

#define ISOBENCH_COMM_LEN 16
#define ISOBENCH_MAX_TRACKED_TASKS 16384
#define ISOBENCH_MAX_TASK_STATS 8192
#define ISOBENCH_MAX_SYSCALL_STATS 8192
/* log2 buckets: nanoseconds up to 2^32 (about 4 s) in the last one. */
#define ISOBENCH_HISTOGRAM_BUCKETS 33

#endif
