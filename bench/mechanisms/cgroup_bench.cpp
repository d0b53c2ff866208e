// Cgroups: create a cgroup, put a new child process into it, let the child exit, remove the
// cgroup. All of it happens under a parent directory that the benchmark itself creates,
// isobench-bench-<pid>, and removes when it finishes.
//
// Moving a process through cgroup.procs takes the cgroup_threadgroup_rwsem for writing,
// and a writer waits for an RCU grace period unless another writer ran within the last
// one. Back to back, the moves share that wait. A lone `isobench run` does not, so the
// _spaced variants leave 25 ms (paused, not timed) between iterations.
//
// Counted: mkdir, the attach, the child's fork and exit, rmdir. Not counted: the memcg's
// offlining and freeing after rmdir, which the kernel defers to work items and RCU
// callbacks.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "bench/mechanisms/child_process.h"
#include "bench/mechanisms/price_list.h"
#include "common/file_io.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/cgroup/cgroup_dirs.h"
#include "runner/cgroup/cgroup_fs.h"

namespace isobench::bench::mechanisms {
namespace {

using runner::CgroupFs;

/// One cgroup directory this benchmark created. The owner removes it, after killing
/// anything still inside.
class CgroupDir {
 public:
  /// mkdir. An existing directory is an error: the benchmark removes only what it made.
  static Result<std::unique_ptr<CgroupDir>> make(CgroupFs& fs, const std::string& path) {
    ISOBENCH_TRY(fs.make_dir(path));
    return std::unique_ptr<CgroupDir>(new CgroupDir(fs, path));
  }
  /// After a failure: kills what is left inside, then removes the directory.
  ~CgroupDir() {
    if (removed_) return;
    (void)runner::kill_cgroup_procs(fs_, path_);
    (void)runner::remove_cgroup_dir(fs_, path_);
  }
  CgroupDir(const CgroupDir&) = delete;
  CgroupDir& operator=(const CgroupDir&) = delete;

  const std::string& path() const { return path_; }
  /// rmdir now, in the measurement loop, where the cgroup is already empty.
  Status remove() {
    ISOBENCH_TRY(runner::remove_cgroup_dir(fs_, path_));
    removed_ = true;
    return {};
  }

 private:
  CgroupDir(CgroupFs& fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  CgroupFs& fs_;
  std::string path_;
  bool removed_ = false;
};

Result<std::unique_ptr<CgroupDir>> make_scratch_parent(CgroupFs& fs, const std::string& hierarchy) {
  const std::string path = hierarchy + "/isobench-bench-" + std::to_string(getpid());
  auto parent = CgroupDir::make(fs, path);
  if (!parent) return Error{parent.error().errno_value, "cannot create the benchmark's cgroup " + path};
  return parent;
}

enum class V1Attach { kNone, kProcs, kTasksSelfJoin };

/// Longer than an RCU grace period here (a few ms), so every iteration starts cold.
constexpr auto kSpacing = std::chrono::milliseconds(25);
/// Spaced runs use a fixed count: Google Benchmark's time target counts only timed time,
/// so a fast spaced cycle would sleep for minutes.
constexpr benchmark::IterationCount kSpacedIterations = 40;

/// The parent moves the child, as most runtimes do. The child waits on `release_read` until
/// it has been moved, then exits. It closes its copy of the write end first, so that it
/// also exits if the benchmark dies.
Status attach_through_procs(CgroupFs& fs, const std::string& dir, int release_read, int release_write) {
  auto child = spawn_child({}, [release_read, release_write]() noexcept {
    close(release_write);
    char byte;
    return read(release_read, &byte, 1) == 1 ? 0 : EIO;
  });
  if (!child) return Error{child.error().errno_value, "child to move through cgroup.procs: " + child.error().message};
  ISOBENCH_TRY(fs.write(dir + "/cgroup.procs", std::to_string(child->pid())));
  if (write(release_write, "x", 1) != 1) return errno_error("releasing the child");
  return child->wait("child moved through cgroup.procs");
}

/// isobench's way on v1: the child writes "0" to `tasks`, which moves only its own thread
/// and skips the RCU grace period that moving a thread group waits for.
Status self_join_through_tasks(CgroupFs& fs, const std::string& dir) {
  auto tasks = fs.open_for_write(dir + "/tasks");
  if (!tasks) return tasks.error();
  const int fd = tasks->get();
  return run_child(
      {}, [fd]() noexcept { return write(fd, "0", 1) == 1 ? 0 : errno; }, "child joining through tasks");
}

/// One timed cycle: make the cgroup `dir`, put a process in it with `join`, remove it.
template <typename Join>
Status one_cycle(runner::HostCgroupFs& fs, const std::string& dir, Join join) {
  auto cgroup = CgroupDir::make(fs, dir);
  if (!cgroup) return cgroup.error();
  ISOBENCH_TRY(join());
  return (*cgroup)->remove();
}

void cgroup_v1_cycle(benchmark::State& state, V1Attach attach, bool spaced) {
  auto layout = runner::host_cgroup_layout();
  if (!layout) return skip(state, layout.error());
  auto memory = layout->v1_mounts.find("memory");
  if (memory == layout->v1_mounts.end()) {
    return skip(state, plain_error("no cgroup v1 memory hierarchy (cgroup mode: " +
                                   std::string(runner::cgroup_mode_name(layout->mode)) + ")"));
  }
  runner::HostCgroupFs fs;
  auto parent = make_scratch_parent(fs, memory->second);
  if (!parent) return skip(state, parent.error());
  int release[2];
  if (pipe2(release, O_CLOEXEC) != 0) return skip(state, errno_error("pipe2"));
  UniqueFd release_read(release[0]), release_write(release[1]);
  const std::string dir = (*parent)->path() + "/cycle";

  ChildCpuMeter meter;
  for (auto _ : state) {
    Status cycled = one_cycle(fs, dir, [&]() -> Status {
      if (attach == V1Attach::kProcs) return attach_through_procs(fs, dir, release_read.get(), release_write.get());
      if (attach == V1Attach::kTasksSelfJoin) return self_join_through_tasks(fs, dir);
      return {};
    });
    if (!cycled) {
      skip(state, cycled.error());
      break;
    }
    if (spaced) {
      state.PauseTiming();
      std::this_thread::sleep_for(kSpacing);
      state.ResumeTiming();
    }
  }
  meter.report(state);
}

/// v2 as isobench does it: clone3 places the child straight into the new cgroup
/// (CLONE_INTO_CGROUP), so there is no separate attach step. With `memory`, the cgroup gets
/// the memory controller, like the v1 benchmarks. Without it, this prices a bare v2
/// directory.
void cgroup_v2_cycle(benchmark::State& state, bool memory) {
  auto layout = runner::host_cgroup_layout();
  if (!layout) return skip(state, layout.error());
  if (layout->v2_mount.empty()) return skip(state, plain_error("no cgroup2 hierarchy is mounted"));
  runner::HostCgroupFs fs;
  const std::string& v2 = layout->v2_mount;
  if (memory) {
    // Only what the root already hands down is used: the host's root cgroup is not ours to change.
    auto delegated = fs.read(v2 + "/cgroup.subtree_control");
    if (!delegated || !runner::contains_word(*delegated, "memory")) {
      auto controllers = fs.read(v2 + "/cgroup.controllers");
      std::string offered = controllers ? trim(*controllers) : "unreadable";
      std::string reason = "the cgroup2 hierarchy at " + v2 + " hands down no memory controller (its controllers: " +
                           (offered.empty() ? "none" : offered) + ")";
      if (layout->v1_mounts.count("memory")) reason += "; memory is a cgroup v1 controller here: price v2 on a v2 host";
      return skip(state, plain_error(reason));
    }
  }
  auto parent = make_scratch_parent(fs, v2);
  if (!parent) return skip(state, parent.error());
  if (memory) {
    if (Status enabled = fs.write((*parent)->path() + "/cgroup.subtree_control", "+memory"); !enabled)
      return skip(state, enabled.error());
  }
  const std::string dir = (*parent)->path() + "/cycle";

  ChildCpuMeter meter;
  for (auto _ : state) {
    Status cycled = one_cycle(fs, dir, [&]() -> Status {
      auto target = fs.open_directory(dir);
      if (!target) return target.error();
      return run_child({0, target->get()}, exit_at_once, "clone3 into the cgroup");
    });
    if (!cycled) {
      skip(state, cycled.error());
      break;
    }
  }
  meter.report(state);
}

}  // namespace

void register_cgroup_benchmarks() {
  price(benchmark::RegisterBenchmark("BM_CgroupV1/mkdir_rmdir", cgroup_v1_cycle, V1Attach::kNone, false));
  price(benchmark::RegisterBenchmark("BM_CgroupV1/procs_attach", cgroup_v1_cycle, V1Attach::kProcs, false));
  price(benchmark::RegisterBenchmark("BM_CgroupV1/tasks_self_join", cgroup_v1_cycle, V1Attach::kTasksSelfJoin, false));
  price(benchmark::RegisterBenchmark("BM_CgroupV1/procs_attach_spaced", cgroup_v1_cycle, V1Attach::kProcs, true))
      ->Iterations(kSpacedIterations);
  price(benchmark::RegisterBenchmark("BM_CgroupV1/tasks_self_join_spaced", cgroup_v1_cycle, V1Attach::kTasksSelfJoin,
                                     true))
      ->Iterations(kSpacedIterations);
  price(benchmark::RegisterBenchmark("BM_CgroupV2/memory", cgroup_v2_cycle, true));
  price(benchmark::RegisterBenchmark("BM_CgroupV2/no_controller", cgroup_v2_cycle, false));
}

}  // namespace isobench::bench::mechanisms
