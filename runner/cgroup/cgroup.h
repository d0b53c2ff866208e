// One interface for cgroups, whatever the host has: v2 (unified), v1, or hybrid (v1
// controllers beside a mostly empty v2 mount, as on this project's CI host).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/cgroup/cgroup_fs.h"
#include "runner/spec.h"

namespace isobench::runner {

enum class CgroupMode { kNone, kV1, kHybrid, kV2 };
std::string_view cgroup_mode_name(CgroupMode mode);

/// Where the host mounted its cgroup hierarchies, read from /proc/self/mountinfo.
struct CgroupLayout {
  CgroupMode mode = CgroupMode::kNone;
  std::string v2_mount;                          ///< empty when there is no cgroup2 mount
  std::map<std::string, std::string> v1_mounts;  ///< controller -> mount point
};

/// Pure: parses mountinfo text. v2 alone -> kV2; v1 controllers and a cgroup2 mount ->
/// kHybrid; v1 alone -> kV1. Named v1 hierarchies (name=systemd) are not controllers.
CgroupLayout parse_cgroup_layout(const std::string& mountinfo);

/// ISOBENCH_CGROUP=v2 on a hybrid host: use its cgroup2 mount alone, as a v2-only host would
/// (no v1 controllers, so no limits, but the v2 code paths and the BPF device program run for
/// real; that is what the tests use it for). Any other request leaves the layout as it is;
/// an unknown one is an error naming it.
Result<CgroupLayout> apply_cgroup_request(CgroupLayout layout, const std::string& requested);

struct CgroupStats {
  std::optional<uint64_t> memory_peak_bytes;
  std::optional<uint64_t> cpu_total_ns;  ///< exact (scheduler clock)
  std::optional<uint64_t> cpu_user_ns;   ///< on v1 sampled at timer ticks: coarse
  std::optional<uint64_t> cpu_system_ns;
  uint64_t oom_kills = 0;
};

/// How a new process enters a cgroup without the cost of migrating a thread group: moving
/// a whole process (cgroup.procs) takes a global lock whose writer waits for an RCU grace
/// period, milliseconds on an idle host. v2 places the child at clone time; v1 has the child
/// move its single thread itself through `tasks`, which skips that lock.
struct CgroupJoin {
  int clone_into_fd = -1;          ///< v2: clone3's CLONE_INTO_CGROUP target, or -1
  std::vector<int> self_join_fds;  ///< v1: open `tasks` files; the child writes "0" to each
};

/// The cgroup (one directory per v1 hierarchy, or one v2 directory) of one container.
/// Destroying it kills what is left inside and removes the directories.
class Cgroup {
 public:
  virtual ~Cgroup() = default;
  /// Opens what a new process needs to join; the descriptors stay owned by the Cgroup and
  /// are close-on-exec.
  virtual Result<CgroupJoin> prepare_join() = 0;
  /// Peak memory, CPU time and OOM kills so far; fields the host lacks stay empty.
  virtual Result<CgroupStats> stats() = 0;
  /// SIGKILLs every process inside until none is left (bounded wait).
  virtual Status kill_all() = 0;
  /// Kills what is left and removes the directories; idempotent. The destructor calls it.
  virtual Status destroy() = 0;
  /// The directories this cgroup owns, for messages and leak checks.
  virtual std::vector<std::string> paths() const = 0;
};

class CgroupManager {
 public:
  virtual ~CgroupManager() = default;
  virtual CgroupMode mode() const = 0;
  /// True when every cgroup this manager creates enforces the default device allow-list
  /// (v1: the devices controller is mounted; v2: a BPF device program, always).
  virtual bool guards_devices() const = 0;
  /// Creates isobench/<name> with `limits` applied. Fails, leaving nothing behind, when a
  /// limit's controller is missing or a write is refused. `name` may be <parent>/<leaf>
  /// (check_cgroup_parent): the directory is then made below isobench/<parent>, which must
  /// exist in every hierarchy used and is neither made, changed nor removed (on v2 its owner
  /// decides which controllers its children get).
  virtual Result<std::unique_ptr<Cgroup>> create(const std::string& name, const ResourceLimits& limits) = 0;
  /// Creates isobench/<name> that accounts for what runs inside and restricts nothing: the
  /// hierarchies of a container's cgroup without limits, and no device allow-list, so that
  /// what runs inside, and the containers nested below (which bring their own allow-lists),
  /// may open what they could outside. A benchmark's measuring cgroup.
  virtual Result<std::unique_ptr<Cgroup>> create_accounting(const std::string& name) = 0;
};

/// Picks the v2 manager on v2 hosts and the v1 manager on v1 and hybrid hosts.
/// `fs` must outlive the manager and every cgroup it creates.
Result<std::unique_ptr<CgroupManager>> make_cgroup_manager(const CgroupLayout& layout, CgroupFs& fs);

/// Which layout a caller works with: the host's as mounted, or as ISOBENCH_CGROUP asks
/// (apply_cgroup_request; `isobench run` honours it, the bench harness measures the host as is).
enum class CgroupRequest { kAsMounted, kFromEnvironment };

/// This host's cgroup layout, read from /proc/self/mountinfo now. Fails when mountinfo cannot
/// be read or ISOBENCH_CGROUP (when honoured) is invalid; a host without cgroups is kNone.
Result<CgroupLayout> host_cgroup_layout(CgroupRequest request = CgroupRequest::kAsMounted);

/// The manager for this host's cgroups (host_cgroup_layout, then make_cgroup_manager).
/// `fs` must outlive the manager and every cgroup it creates.
Result<std::unique_ptr<CgroupManager>> host_cgroup_manager(CgroupFs& fs,
                                                           CgroupRequest request = CgroupRequest::kAsMounted);

/// cgroup_mount_points of this host's /proc/self/mountinfo.
Result<std::vector<std::string>> host_cgroup_mount_points();

/// The name of the parent directory isobench creates its cgroups under.
inline constexpr const char* kCgroupParent = "isobench";

/// A cgroup below isobench/ to nest a container's cgroup in (`run --cgroup-parent`): a
/// relative path of names made of letters, digits, '.', '_' and '-', neither "." nor "..".
Status check_cgroup_parent(std::string_view parent);

/// Pure: every cgroup hierarchy's mount point in mountinfo text, v1 (named ones such as
/// name=systemd included) and v2, each once, in mount order.
std::vector<std::string> cgroup_mount_points(const std::string& mountinfo);

/// CFS bandwidth for a CPU fraction: period 100 ms, quota = cpus * period (min 1 ms).
struct CpuBandwidth {
  uint64_t quota_us;
  uint64_t period_us;
};
CpuBandwidth cpu_bandwidth(double cpus);

/// Reads "key value" lines (memory.events, cpu.stat, memory.oom_control) for `key`.
std::optional<uint64_t> find_keyed_value(const std::string& text, const std::string& key);

/// True when `word` is one of the whitespace-separated words of `text` ("cpu" is not in "cpuset").
bool contains_word(const std::string& text, const std::string& word);

}  // namespace isobench::runner
