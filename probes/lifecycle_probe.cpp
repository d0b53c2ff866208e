#include "probes/lifecycle_probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>

#include "lifecycle.skel.h"
#include "probes/bpf/lifecycle.h"

namespace isobench::probes {

namespace {
LifecycleEvent from_kernel(const lifecycle_event& raw) {
  LifecycleEvent event;
  event.kind = static_cast<LifecycleEvent::Kind>(raw.kind);
  event.timestamp_ns = static_cast<int64_t>(raw.timestamp_ns);
  event.duration_ns = static_cast<int64_t>(raw.duration_ns);
  event.pid = raw.pid;
  event.tgid = raw.tgid;
  event.parent_pid = raw.parent_pid;
  event.root_pid = raw.root_pid;
  event.syscall_nr = raw.syscall_nr;
  event.arg0 = raw.arg0;
  event.ret = raw.ret;
  event.cgroup_operation = (raw.detail & LIFECYCLE_CGROUP_OP) != 0;
  event.comm.assign(raw.comm, strnlen(raw.comm, sizeof raw.comm));
  return event;
}
}  // namespace

Result<std::unique_ptr<LifecycleProbe>> LifecycleProbe::start(const std::set<std::string>& left_out) {
  // Open, choose programs, load, attach: as every probe. Nothing to configure: this skeleton
  // creates the tree maps the others share.
  auto skeleton = load_skeleton<lifecycle_bpf>(ProbeKind::kLifecycle, ISOBENCH_SKELETON_FUNCTIONS(lifecycle_bpf),
                                               nullptr, left_out);
  if (!skeleton) return skeleton.error();
  auto probe = std::unique_ptr<LifecycleProbe>(new LifecycleProbe(std::move(*skeleton)));
  // Poll: the events reach user space through the ring buffer.
  probe->ring_ =
      RingPtr(ring_buffer__new(bpf_map__fd(probe->skeleton_->maps.events), buffer_event, probe.get(), nullptr),
              ring_buffer__free);
  if (!probe->ring_) return errno_error("cannot open the lifecycle ring buffer");
  return probe;
}

LifecycleProbe::~LifecycleProbe() = default;

int LifecycleProbe::buffer_event(void* probe, void* data, size_t size) {
  if (size < sizeof(lifecycle_event)) return 0;
  static_cast<LifecycleProbe*>(probe)->buffered_.push_back(from_kernel(*static_cast<const lifecycle_event*>(data)));
  return 0;
}

TreeMaps LifecycleProbe::tree_maps() const {
  return {bpf_map__fd(skeleton_->maps.tracked), bpf_map__fd(skeleton_->maps.launchers)};
}

Status LifecycleProbe::add_launcher(pid_t tid) {
  __u32 key = static_cast<__u32>(tid);
  __u8 yes = 1;
  if (bpf_map_update_elem(bpf_map__fd(skeleton_->maps.launchers), &key, &yes, BPF_ANY) != 0)
    return errno_error("cannot follow the children of thread " + std::to_string(tid));
  return {};
}

void LifecycleProbe::remove_launcher(pid_t tid) {
  __u32 key = static_cast<__u32>(tid);
  bpf_map_delete_elem(bpf_map__fd(skeleton_->maps.launchers), &key);
}

std::vector<LifecycleEvent> LifecycleProbe::drain(uint32_t root) {
  ring_buffer__consume(ring_.get());
  std::vector<LifecycleEvent> run;
  auto others = std::stable_partition(buffered_.begin(), buffered_.end(),
                                      [root](const LifecycleEvent& event) { return event.root_pid != root; });
  std::move(others, buffered_.end(), std::back_inserter(run));
  buffered_.erase(others, buffered_.end());
  // Syscall events are sent at the syscall's exit with its entry time: order by time.
  std::stable_sort(run.begin(), run.end(),
                   [](const LifecycleEvent& a, const LifecycleEvent& b) { return a.timestamp_ns < b.timestamp_ns; });
  return run;
}

void LifecycleProbe::consume() {
  ring_buffer__consume(ring_.get());
}

uint64_t LifecycleProbe::lost_events() const {
  return skeleton_->bss->lost_events;
}

void LifecycleProbe::forget(uint32_t root) {
  take_entries<uint32_t, uint32_t>(bpf_map__fd(skeleton_->maps.tracked),
                                   [root](uint32_t, uint32_t entry_root) { return entry_root == root; });
}

}  // namespace isobench::probes
