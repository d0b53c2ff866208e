/* The run's process tree, shared by every probe: the lifecycle program maintains it (forks
 * add, frees remove) and the others only read it. User space creates the maps once and hands
 * the same file descriptors to every skeleton (bpf_map__reuse_fd). */
#ifndef ISOBENCH_PROBES_TRACKED_BPF_H
#define ISOBENCH_PROBES_TRACKED_BPF_H

#include "limits.h"

/* thread id -> the root of its run (the pid the launcher forked). */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, ISOBENCH_MAX_TRACKED_TASKS);
  __type(key, __u32);
  __type(value, __u32);
} tracked SEC(".maps");

/* Threads whose children each start a new run (the bench harness, `isobench probe`). */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u8);
} launchers SEC(".maps");

/* The run `pid` belongs to, or 0 when it is not followed. */
static __always_inline __u32 tracked_root(__u32 pid) {
  __u32* root = bpf_map_lookup_elem(&tracked, &pid);
  return root ? *root : 0;
}

/* Index of the power-of-two bucket holding `value` (bucket i holds [2^i, 2^(i+1))), clamped. */
static __always_inline __u32 log2_bucket(__u64 value) {
  __u32 bucket = 0;
#pragma unroll
  for (int shift = 32; shift > 0; shift >>= 1) {
    if (value >> shift) {
      value >>= shift;
      bucket += shift;
    }
  }
  return bucket < ISOBENCH_HISTOGRAM_BUCKETS ? bucket : ISOBENCH_HISTOGRAM_BUCKETS - 1;
}

#endif
