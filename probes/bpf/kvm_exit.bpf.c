// VM exits by reason for the run's vCPU threads (kvm/kvm_exit). A VM under TCG makes none:
// the reader says so rather than showing an empty table.
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "kvm_exit.h"
#include "tracked.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, struct kvm_exit_key);
  __type(value, __u64);
} exits SEC(".maps");

SEC("tp/kvm/kvm_exit")
int on_kvm_exit(struct trace_event_raw_kvm_exit* ctx) {
  __u32 pid = bpf_get_current_pid_tgid();
  __u32 root = tracked_root(pid);
  if (!root) return 0;
  struct kvm_exit_key key = {.root_pid = root, .isa = ctx->isa, .exit_reason = ctx->exit_reason & 0xffff};
  __u64* count = bpf_map_lookup_elem(&exits, &key);
  if (count) {
    __sync_fetch_and_add(count, 1);
  } else {
    __u64 one = 1;
    bpf_map_update_elem(&exits, &key, &one, BPF_NOEXIST);
  }
  return 0;
}
