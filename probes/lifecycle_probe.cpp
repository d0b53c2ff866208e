#include "probes/lifecycle_probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>

#include "lifecycle.skel.h"
#include "probes/bpf/lifecycle.h"

namespace isobench::probes {

std::string LifecycleEvent::syscall_name() const {
  switch (syscall_nr) {
    case 56: return "clone";
    case 59: return "execve";
    case 155: return "pivot_root";
    case 165: return "mount";
    case 166: return "umount2";
    case 170: return "sethostname";
    case 272: return "unshare";
    case 308: return "setns";
    case 317: return "seccomp";
    case 435: return "clone3";
  }
  return "syscall " + std::to_string(syscall_nr);
}

Result<std::unique_ptr<LifecycleProbe>> LifecycleProbe::start() {
  auto probe = std::unique_ptr<LifecycleProbe>(new LifecycleProbe);
  probe->skeleton_ = lifecycle_bpf__open();
  if (!probe->skeleton_) return errno_error("cannot open the lifecycle BPF program");
  if (int rc = lifecycle_bpf__load(probe->skeleton_); rc != 0)
    return Error{-rc, "cannot load the lifecycle BPF program (needs root, BTF and tracepoint support)"};
  if (int rc = lifecycle_bpf__attach(probe->skeleton_); rc != 0)
    return Error{-rc, "cannot attach the lifecycle tracepoints (is tracefs mounted?)"};
  auto collect = [](void* context, void* data, size_t size) -> int {
    if (size < sizeof(lifecycle_event)) return 0;
    const auto* raw = static_cast<const lifecycle_event*>(data);
    LifecycleEvent event;
    event.kind = static_cast<LifecycleEvent::Kind>(raw->kind);
    event.timestamp_ns = static_cast<int64_t>(raw->timestamp_ns);
    event.duration_ns = static_cast<int64_t>(raw->duration_ns);
    event.pid = raw->pid;
    event.tgid = raw->tgid;
    event.parent_pid = raw->parent_pid;
    event.syscall_nr = raw->syscall_nr;
    event.arg0 = raw->arg0;
    event.ret = raw->ret;
    event.comm.assign(raw->comm, strnlen(raw->comm, sizeof raw->comm));
    static_cast<LifecycleProbe*>(context)->events_.push_back(std::move(event));
    return 0;
  };
  probe->ring_ = ring_buffer__new(bpf_map__fd(probe->skeleton_->maps.events), collect, probe.get(), nullptr);
  if (!probe->ring_) return errno_error("cannot open the lifecycle ring buffer");
  return probe;
}

LifecycleProbe::~LifecycleProbe() {
  if (ring_) ring_buffer__free(ring_);
  if (skeleton_) lifecycle_bpf__destroy(skeleton_);
}

Status LifecycleProbe::track(pid_t pid) {
  __u32 key = static_cast<__u32>(pid);
  __u8 yes = 1;
  if (bpf_map_update_elem(bpf_map__fd(skeleton_->maps.tracked), &key, &yes, BPF_ANY) != 0)
    return errno_error("cannot track pid " + std::to_string(pid));
  return {};
}

std::vector<LifecycleEvent> LifecycleProbe::drain() {
  ring_buffer__consume(ring_);
  // Syscall events are sent at the syscall's exit with its entry time: order by time.
  std::stable_sort(events_.begin(), events_.end(),
                   [](const LifecycleEvent& a, const LifecycleEvent& b) { return a.timestamp_ns < b.timestamp_ns; });
  return std::move(events_);
}

}  // namespace isobench::probes
