// The BPF probes behind one interface. Each loads its own skeleton on the tree maps the
// lifecycle probe owns, and moves what it gathered for one run into a ProbeReport.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "probes/probe_report.h"
#include "probes/probe_set.h"

struct bpf_map;

namespace isobench::probes {

/// The run's process tree, shared by every skeleton (see bpf/tracked.bpf.h).
struct TreeMaps {
  int tracked_fd = -1;
  int launchers_fd = -1;
};

/// What the probes need to know about the run they report on.
struct RunIdentity {
  uint32_t root = 0;           ///< the pid the launcher forked
  uint32_t workload_tgid = 0;  ///< the process of the last exec in the tree; 0 if none
};

class KernelProbe {
 public:
  virtual ~KernelProbe() = default;
  /// Moves what the kernel gathered for `run` into `report` and forgets it in the maps.
  virtual void collect(const RunIdentity& run, ProbeReport& report) = 0;
};

/// The tracepoints a probe attaches to, as "category/name".
std::vector<std::string> required_tracepoints(ProbeKind kind);

Result<std::unique_ptr<KernelProbe>> load_cpu_probe(const TreeMaps& tree);
Result<std::unique_ptr<KernelProbe>> load_syscall_probe(const TreeMaps& tree);
Result<std::unique_ptr<KernelProbe>> load_memory_probe(const TreeMaps& tree);
Result<std::unique_ptr<KernelProbe>> load_kvm_exit_probe(const TreeMaps& tree);

/// Points a freshly opened skeleton's tree maps at the shared ones (before its load).
Status share_tree_maps(bpf_map* tracked, bpf_map* launchers, const TreeMaps& tree);
/// The error for a failed libbpf step (`rc` is a negative errno).
Error bpf_error(int rc, const std::string& what);

/// The functions bpftool generates for skeleton `Skeleton` (name__open, __load, ...).
template <typename Skeleton>
struct SkeletonFunctions {
  Skeleton* (*open)();
  int (*load)(Skeleton*);
  int (*attach)(Skeleton*);
  void (*destroy)(Skeleton*);
};

template <typename Skeleton>
using SkeletonPtr = std::unique_ptr<Skeleton, void (*)(Skeleton*)>;

/// Opens the skeleton, points its tree maps at the shared ones, loads and attaches it.
template <typename Skeleton>
Result<SkeletonPtr<Skeleton>> load_skeleton(const std::string& name, const SkeletonFunctions<Skeleton>& functions,
                                            const TreeMaps& tree) {
  SkeletonPtr<Skeleton> skeleton(functions.open(), functions.destroy);
  if (!skeleton) return errno_error("cannot open the " + name + " BPF program");
  ISOBENCH_TRY(share_tree_maps(skeleton->maps.tracked, skeleton->maps.launchers, tree));
  if (int rc = functions.load(skeleton.get()); rc != 0)
    return bpf_error(rc, "cannot load the " + name + " BPF program");
  if (int rc = functions.attach(skeleton.get()); rc != 0)
    return bpf_error(rc, "cannot attach the " + name + " BPF program");
  return skeleton;
}

/// load_skeleton, then the reader `Probe` that owns the skeleton.
template <typename Probe, typename Skeleton>
Result<std::unique_ptr<KernelProbe>> load_probe(const std::string& name, const SkeletonFunctions<Skeleton>& functions,
                                                const TreeMaps& tree) {
  auto skeleton = load_skeleton<Skeleton>(name, functions, tree);
  if (!skeleton) return skeleton.error();
  return std::unique_ptr<KernelProbe>(new Probe(std::move(*skeleton)));
}

/// Removes from the map every entry `belongs` accepts and returns them.
template <typename Key, typename Value, typename Predicate>
std::vector<std::pair<Key, Value>> take_entries(int map_fd, Predicate belongs) {
  std::vector<std::pair<Key, Value>> taken;
  Key key{}, next{};
  Key* previous = nullptr;
  while (bpf_map_get_next_key(map_fd, previous, &next) == 0) {
    key = next;
    previous = &key;
    Value value{};
    if (bpf_map_lookup_elem(map_fd, &key, &value) == 0 && belongs(key, value)) taken.emplace_back(key, value);
  }
  for (const auto& [taken_key, value] : taken) bpf_map_delete_elem(map_fd, &taken_key);
  return taken;
}

/// take_entries for a per-CPU map: each key with its value on every possible CPU.
template <typename Key, typename Value, typename Predicate>
std::vector<std::pair<Key, std::vector<Value>>> take_percpu_entries(int map_fd, Predicate belongs) {
  std::vector<std::pair<Key, std::vector<Value>>> taken;
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return taken;
  // The kernel lays the copies out 8-byte aligned, one after the other.
  const size_t stride = (sizeof(Value) + 7) / 8 * 8;
  std::vector<unsigned char> buffer(stride * static_cast<size_t>(cpus));
  Key key{}, next{};
  Key* previous = nullptr;
  while (bpf_map_get_next_key(map_fd, previous, &next) == 0) {
    key = next;
    previous = &key;
    if (!belongs(key) || bpf_map_lookup_elem(map_fd, &key, buffer.data()) != 0) continue;
    std::vector<Value> copies(static_cast<size_t>(cpus));
    for (size_t cpu = 0; cpu < copies.size(); ++cpu) std::memcpy(&copies[cpu], &buffer[cpu * stride], sizeof(Value));
    taken.emplace_back(key, std::move(copies));
  }
  for (const auto& [taken_key, copies] : taken) bpf_map_delete_elem(map_fd, &taken_key);
  return taken;
}

}  // namespace isobench::probes
