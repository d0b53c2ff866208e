// The BPF probes behind one interface, and the one way every probe's skeleton is brought up
// (load_skeleton). Each reader loads its skeleton on the tree maps the lifecycle probe owns,
// and moves what it gathered for one run into a ProbeReport.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "probes/libbpf_log.h"
#include "probes/probe_report.h"
#include "probes/probe_set.h"

struct bpf_map;
struct bpf_object;

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

Result<std::unique_ptr<KernelProbe>> load_cpu_probe(const TreeMaps& tree);
Result<std::unique_ptr<KernelProbe>> load_syscall_probe(const TreeMaps& tree);
Result<std::unique_ptr<KernelProbe>> load_memory_probe(const TreeMaps& tree);
Result<std::unique_ptr<KernelProbe>> load_kvm_exit_probe(const TreeMaps& tree);

/// Points a freshly opened skeleton's tree maps at the shared ones (before its load).
Status share_tree_maps(bpf_map* tracked, bpf_map* launchers, const TreeMaps& tree);
/// The error for a failed libbpf step (`rc` is a negative errno).
Error bpf_error(int rc, const std::string& what);
/// Turns autoload off for the programs of probe `kind` that attach to a tracepoint in `left_out`.
void leave_out_programs(bpf_object* object, ProbeKind kind, const std::set<std::string>& left_out);

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

/// Brings up probe `kind`'s skeleton in libbpf's phases, each named below: open; configure
/// (`configure`, may be empty: maps shared, read-only data set, before anything reaches the
/// kernel); choose programs (autoload off for those on the `left_out` tracepoints); load;
/// attach. The last phase, poll, is the reader's.
template <typename Skeleton>
Result<SkeletonPtr<Skeleton>> load_skeleton(ProbeKind kind, const SkeletonFunctions<Skeleton>& functions,
                                            const std::function<Status(Skeleton&)>& configure,
                                            const std::set<std::string>& left_out = {}) {
  const std::string name(probe_name(kind));
  route_libbpf_messages_to_spdlog();
  // open
  SkeletonPtr<Skeleton> skeleton(functions.open(), functions.destroy);
  if (!skeleton) return errno_error("cannot open the " + name + " BPF program");
  // configure
  if (configure) ISOBENCH_TRY(configure(*skeleton));
  // choose programs
  leave_out_programs(skeleton->obj, kind, left_out);
  // load
  if (int rc = functions.load(skeleton.get()); rc != 0)
    return bpf_error(rc, "cannot load the " + name + " BPF program");
  // attach
  if (int rc = functions.attach(skeleton.get()); rc != 0)
    return bpf_error(rc, "cannot attach the " + name + " BPF program");
  return skeleton;
}

/// The functions of skeleton `name` (a bpftool skeleton struct, such as cpu_bpf).
#define ISOBENCH_SKELETON_FUNCTIONS(name)                       \
  ::isobench::probes::SkeletonFunctions<name> {                 \
    name##__open, name##__load, name##__attach, name##__destroy \
  }

/// The figures type of a report field, `std::optional<Figures> ProbeReport::*`.
template <typename Field>
struct FiguresOf;
template <typename Figures>
struct FiguresOf<std::optional<Figures> ProbeReport::*> {
  using type = Figures;
};

/// A reader that owns its loaded skeleton and files what read() makes of one run under
/// `Field` of the report, labelled as BPF's: the half every KernelProbe shares.
template <typename Skeleton, auto Field>
class SkeletonProbe : public KernelProbe {
 public:
  using Figures = typename FiguresOf<decltype(Field)>::type;
  explicit SkeletonProbe(SkeletonPtr<Skeleton> skeleton) : skeleton_(std::move(skeleton)) {}

  void collect(const RunIdentity& run, ProbeReport& report) final {
    Figures figures = read(run);
    figures.source = kSourceBpf;
    report.*Field = std::move(figures);
  }

 protected:
  /// The figures of run `run`, taken out of the maps (which forget them).
  virtual Figures read(const RunIdentity& run) = 0;
  Skeleton& skeleton() { return *skeleton_; }

 private:
  SkeletonPtr<Skeleton> skeleton_;
};

/// load_skeleton on the shared tree maps, then the reader `Probe` that owns the skeleton.
template <typename Probe, typename Skeleton>
Result<std::unique_ptr<KernelProbe>> load_probe(ProbeKind kind, const SkeletonFunctions<Skeleton>& functions,
                                                const TreeMaps& tree) {
  auto share = [&tree](Skeleton& skeleton) {
    return share_tree_maps(skeleton.maps.tracked, skeleton.maps.launchers, tree);
  };
  auto skeleton = load_skeleton<Skeleton>(kind, functions, share);
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

/// take_entries of run `root`: the entries of `map` that `root_of(key, value)` says are its.
template <typename Key, typename Value, typename RootOf>
std::vector<std::pair<Key, Value>> take_run_entries(bpf_map* map, uint32_t root, RootOf root_of) {
  return take_entries<Key, Value>(bpf_map__fd(map),
                                  [&](const Key& key, const Value& value) { return root_of(key, value) == root; });
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
