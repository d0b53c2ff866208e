#include "runner/container.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cmath>

#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/system.h"
#include "common/time_units.h"
#include "common/unique_fd.h"
#include "runner/child.h"
#include "runner/child_config.h"
#include "runner/rootfs_plan.h"
#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"
#include "runner/signal_block.h"
#include "runner/terminal.h"

namespace isobench::runner {

namespace {

Result<UniqueFd> arm_timer(double seconds) {
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  if (!timer) return errno_error("timerfd_create");
  itimerspec spec{};
  double whole = std::floor(seconds);
  spec.it_value.tv_sec = static_cast<time_t>(whole);
  spec.it_value.tv_nsec = static_cast<long>(s_to_ns(seconds - whole));
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  if (timerfd_settime(timer.get(), 0, &spec, nullptr) != 0) return errno_error("timerfd_settime");
  return timer;
}

Status write_id_maps(pid_t pid, const ContainerSpec& spec) {
  std::string proc = "/proc/" + std::to_string(pid);
  auto line = [](const IdMapping& map) {
    return std::to_string(map.inside) + " " + std::to_string(map.outside) + " " + std::to_string(map.count) + "\n";
  };
  // The kernel insists on this order: setgroups must be denied before an unprivileged
  // process may write gid_map.
  if (spec.deny_setgroups) ISOBENCH_TRY(write_kernel_file(proc + "/setgroups", "deny"));
  if (spec.uid_mapping) ISOBENCH_TRY(write_kernel_file(proc + "/uid_map", line(*spec.uid_mapping)));
  if (spec.gid_mapping) ISOBENCH_TRY(write_kernel_file(proc + "/gid_map", line(*spec.gid_mapping)));
  return {};
}

/// Descriptors the container inherits on purpose: stdio, and 3 .. 3+N-1 with --preserve-fds.
/// Each must be open, and none may be a directory: a directory descriptor is a way out of the
/// root through /proc/self/fd (CVE-2024-21626).
Status check_inherited_descriptors(int preserve_fds) {
  for (int fd = 0; fd < 3 + preserve_fds; ++fd) {
    struct stat info;
    if (fstat(fd, &info) != 0) {
      if (fd < 3 && errno == EBADF) continue;  // a closed stdio stays closed
      return errno_error("--preserve-fds " + std::to_string(preserve_fds) + ": descriptor " + std::to_string(fd));
    }
    if (S_ISDIR(info.st_mode))
      return plain_error("descriptor " + std::to_string(fd) +
                         " is a directory of the host; passing it into the container would let the container out");
    // O_PATH grants no access by itself, but /proc/self/fd/N reopens the file with any.
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0 && (flags & O_PATH))
      return plain_error("descriptor " + std::to_string(fd) +
                         " is an O_PATH descriptor: the container could reopen the file it names for writing");
  }
  return {};
}

/// True when the file system behind `fd` has no free block or no free inode left.
bool file_system_full(int fd) {
  struct statfs info;
  if (fd < 0 || fstatfs(fd, &info) != 0) return false;
  return (info.f_blocks > 0 && info.f_bavail == 0) || (info.f_files > 0 && info.f_ffree == 0);
}

std::string size_text(uint64_t bytes) {
  if (bytes % (uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  return std::to_string(bytes >> 20) + " MiB";
}

void describe_setup_failure(const ChildFailure& failure, const std::vector<RootfsStep>& plan, const ContainerSpec& spec,
                            ContainerOutcome& outcome) {
  outcome.ending = ContainerOutcome::Ending::kSetupFailed;
  std::string what = child_stage_name(failure.stage);
  if (failure.stage == ChildStage::kRootfs && failure.step >= 0 && static_cast<size_t>(failure.step) < plan.size()) {
    const RootfsStep& step = plan[static_cast<size_t>(failure.step)];
    what += " (" + step.describe() + ")";
    if (failure.error == ELOOP && step.inside_root()) {
      outcome.exit_code = 125;
      outcome.message = what + ": '/" + step.target +
                        "' in the rootfs is, or passes through, a symbolic link; isobench mounts only on real "
                        "directories inside the root and refuses the image";
      return;
    }
  }
  if (failure.stage == ChildStage::kExec) {
    what = "cannot run '" + spec.args[0] + "'";
    outcome.exit_code = failure.error == ENOENT ? 127 : 126;
  } else {
    outcome.exit_code = 125;
  }
  outcome.message = what + ": " + std::strerror(failure.error);
}

/// Phase 1: everything the child needs, prepared while nothing exists yet to clean up.
struct Preparation {
  bool devices_guarded = false;
  UniqueFd rootfs_fd;  ///< reserves a descriptor number for the child, which reopens the image on it
  std::vector<RootfsStep> plan;
  const SeccompProgram* seccomp = nullptr;
  int last_capability = 0;
  std::vector<std::string> argv_storage;
  std::vector<char*> argv;  ///< into argv_storage, whose strings stay put when it moves
  std::vector<char*> envp;  ///< into the spec's env
};

std::vector<RootfsStep> rootfs_plan_for(const ContainerSpec& spec, int rootfs_fd, bool devices_guarded) {
  RootfsPlanInput input;
  input.rootfs = spec.rootfs;
  input.lower_layers = spec.lower_layers;
  input.rootfs_fd = rootfs_fd;
  input.mode = spec.rootfs_mode;
  input.layer_bytes = spec.layer_bytes;
  input.layer_dir = spec.layer_dir;
  input.nodev_root = !devices_guarded;
  input.user_namespace = spec.namespaces.has(Namespace::kUser);
  input.net_namespace = spec.namespaces.has(Namespace::kNet);
  input.ipc_namespace = spec.namespaces.has(Namespace::kIpc);
  return plan_rootfs(input);
}

Result<Preparation> prepare(const ContainerSpec& spec, CgroupManager* cgroups) {
  ISOBENCH_TRY(check_inherited_descriptors(spec.preserve_fds));
  Preparation prepared;
  // Without a device cgroup nothing stops root inside from opening a host device it creates
  // or finds in the image: take away CAP_MKNOD and mount the root nodev.
  prepared.devices_guarded = spec.use_cgroup && cgroups && cgroups->guards_devices();
  // Without a pid namespace the container's init dying takes nothing with it: only a cgroup
  // finds what the command left running, to kill it at the end.
  if (!spec.namespaces.has(Namespace::kPid) && !(spec.use_cgroup && cgroups))
    return plain_error(
        "--share pid needs the container's cgroup, the only way to find and kill what the command leaves "
        "running without a pid namespace: drop --no-cgroup (cgroups need root)");
  if (spec.namespaces.has(Namespace::kMount)) {
    prepared.rootfs_fd.reset(open(spec.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!prepared.rootfs_fd) return errno_error("rootfs '" + spec.rootfs + "'");
    prepared.plan = rootfs_plan_for(spec, prepared.rootfs_fd.get(), prepared.devices_guarded);
  }
  if (spec.security == SecurityMode::kDefault) {
    prepared.seccomp = &default_seccomp_program();
    auto cap = last_capability();
    if (!cap) return cap.error();
    prepared.last_capability = *cap;
  }
  prepared.argv_storage = spec.args;
  prepared.argv = exec_array(prepared.argv_storage);
  prepared.envp = exec_array(spec.env);
  return prepared;
}

/// Phase 2: host-side objects, each owned so that an early return undoes them; members are
/// destroyed in the reverse order of their creation, the cgroup last.
struct HostSide {
  std::unique_ptr<Cgroup> cgroup;
  CgroupJoin join;
  UniqueFd sync_read, sync_write;  ///< only a user namespace makes the child wait: for its id maps
  UniqueFd error_read, error_write;
  UniqueFd signal_fd;
  /// Opened before clone, so that the child can tell whether we died before it could ask for
  /// a death signal (pidfds are close-on-exec).
  UniqueFd runner_pidfd;
  UniqueFd console_host, console_child;  ///< the terminal's master travels on these (spec.terminal)
};

Status create_cgroup(const ContainerSpec& spec, CgroupManager* cgroups, HostSide& host) {
  if (!spec.use_cgroup || !cgroups) {
    if (spec.limits.any()) return plain_error("resource limits need cgroups, which are not available here (run as root)");
    return {};
  }
  auto created = cgroups->create(spec.cgroup_parent.empty() ? spec.id : spec.cgroup_parent + "/" + spec.id, spec.limits);
  if (!created) return created.error();
  host.cgroup = std::move(*created);
  auto prepared = host.cgroup->prepare_join();
  if (!prepared) return prepared.error();
  host.join = std::move(*prepared);
  return {};
}

Status open_channels(const ContainerSpec& spec, const SignalBlock& signals, HostSide& host) {
  if (spec.namespaces.has(Namespace::kUser)) ISOBENCH_TRY(make_pipe(host.sync_read, host.sync_write));
  ISOBENCH_TRY(make_pipe(host.error_read, host.error_write));
  if (spec.terminal) ISOBENCH_TRY(open_console_socket(host.console_host, host.console_child));
  host.signal_fd.reset(signalfd(-1, &signals.blocked(), SFD_CLOEXEC));
  if (!host.signal_fd) return errno_error("signalfd");
  host.runner_pidfd.reset(static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0)));
  return {};
}

ChildResources child_resources(const Preparation& prepared, const HostSide& host, const SignalBlock& signals) {
  ChildResources resources;
  resources.cgroup_dir_fd = host.join.clone_into_fd;
  resources.cgroup_join_fds = host.join.self_join_fds.data();
  resources.cgroup_join_count = host.join.self_join_fds.size();
  resources.sync_fd = host.sync_read.get();
  resources.error_fd = host.error_write.get();
  resources.runner_pidfd = host.runner_pidfd.get();
  resources.console_fd = host.console_child.get();
  resources.original_mask = signals.original();
  resources.rootfs_plan = &prepared.plan;
  resources.rootfs_fd = prepared.rootfs_fd.get();
  resources.devices_guarded = prepared.devices_guarded;
  resources.seccomp = prepared.seccomp;
  resources.last_capability = prepared.last_capability;
  resources.argv = prepared.argv.data();
  resources.envp = prepared.envp.data();
  return resources;
}

/// Phase 3: clone3 with fork semantics (no CLONE_VM, no new stack). The cgroup namespace
/// comes later, from the child, once it is inside its cgroup.
Result<Subprocess> clone_container(const ContainerSpec& spec, const CgroupJoin& join, const ChildConfig& config) {
  int raw_pidfd = -1;
  clone_args args{};
  args.flags = (spec.namespaces.clone_flags() & ~uint64_t{CLONE_NEWCGROUP}) | CLONE_PIDFD;
  if (join.clone_into_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(join.clone_into_fd);
  }
  args.pidfd = reinterpret_cast<uintptr_t>(&raw_pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0)
    return errno_error("cannot create the container's namespaces (clone3 " + spec.namespaces.to_string() + ")");
  if (pid == 0) run_child(config);
  // CLONE_PIDFD's descriptor is close-on-exec, as every pidfd.
  return Subprocess(static_cast<pid_t>(pid), UniqueFd(raw_pidfd));
}

/// Phase 4: host-side setup the child waits for, then let it go.
Status release_child(const ContainerSpec& spec, const Subprocess& child, HostSide& host) {
  host.sync_read.reset();
  host.error_write.reset();
  host.console_child.reset();
  if (!spec.namespaces.has(Namespace::kUser)) return {};
  ISOBENCH_TRY(write_id_maps(child.pid(), spec));
  char go = 1;
  if (write(host.sync_write.get(), &go, 1) != 1) return errno_error("cannot release the container's init");
  host.sync_write.reset();
  return {};
}

/// Phase 5: waiting for exec, exit, signals and timers.
class ContainerWatch {
 public:
  ContainerWatch(const ContainerSpec& spec, Subprocess& child, HostSide& host, ContainerOutcome& outcome,
                 const ContainerLauncher::StartedCallback& on_started)
      : spec_(spec), child_(child), host_(host), outcome_(outcome), on_started_(on_started) {}

  /// Returns once the child exited (not reaped yet), or on an error of our own.
  Status run() {
    if (spec_.timeout_seconds) {
      auto timer = arm_timer(*spec_.timeout_seconds);
      if (!timer) return timer.error();
      timeout_timer_ = std::move(*timer);
    }
    for (bool exited = false; !exited;) {
      pollfd fds[] = {{child_.pidfd(), POLLIN, 0},
                      {host_.error_read.get(), POLLIN, 0},
                      {host_.signal_fd.get(), POLLIN, 0},
                      {timeout_timer_.get(), POLLIN, 0},
                      {grace_timer_.get(), POLLIN, 0}};
      if (poll(fds, std::size(fds), -1) < 0) {
        if (errno == EINTR) continue;
        return errno_error("poll");
      }
      if (fds[1].revents) read_error_pipe();
      if (fds[2].revents) forward_signal();
      if (fds[3].revents) time_out();
      if (fds[4].revents) {
        grace_timer_.reset();
        child_.send_signal(SIGKILL);
      }
      exited = fds[0].revents != 0;
    }
    return {};
  }
  /// After the reap: the exit may have raced the pipe.
  void drain_error_pipe() {
    ChildFailure record;
    if (host_.error_read && read(host_.error_read.get(), &record, sizeof record) == sizeof record) failure_ = record;
  }

  const std::optional<ChildFailure>& failure() const { return failure_; }
  /// Why the workload was killed at its start: its terminal never reached us.
  const std::string& terminal_error() const { return terminal_error_; }
  bool timed_out() const { return timed_out_; }
  /// The writable layer's root, held open so that its fill level can be read after the
  /// container's mount namespace is gone; invalid when there is none.
  UniqueFd& layer_root() { return layer_root_; }

 private:
  void read_error_pipe() {
    ChildFailure record;
    ssize_t got = read(host_.error_read.get(), &record, sizeof record);
    if (got == sizeof record) {
      failure_ = record;
    } else if (got == 0) {
      outcome_.exec_ns = monotonic_ns();  // close-on-exec: the workload runs
      if (spec_.namespaces.has(Namespace::kMount) && spec_.rootfs_mode == RootfsMode::kOverlay)
        layer_root_.reset(
            open(("/proc/" + std::to_string(child_.pid()) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      UniqueFd terminal;
      if (host_.console_host) {
        auto received = receive_terminal(host_.console_host.get());
        host_.console_host.reset();
        if (!received) {
          terminal_error_ = received.error().text();
          child_.send_signal(SIGKILL);
          host_.error_read.reset();
          return;
        }
        terminal = std::move(*received);
      }
      if (on_started_) on_started_(child_.pid(), std::move(terminal));
    }
    host_.error_read.reset();
  }
  void forward_signal() {
    signalfd_siginfo info;
    if (read(host_.signal_fd.get(), &info, sizeof info) != sizeof info) return;
    if (grace_timer_) {
      child_.send_signal(SIGKILL);  // a second signal: stop waiting
      return;
    }
    child_.send_signal(static_cast<int>(info.ssi_signo));
    // An init without a handler ignores the signal (as in Docker without --init).
    auto timer = arm_timer(spec_.stop_grace_seconds);
    if (timer) grace_timer_ = std::move(*timer);
  }
  void time_out() {
    timed_out_ = true;
    timeout_timer_.reset();
    child_.send_signal(SIGKILL);
    if (host_.cgroup) (void)host_.cgroup->kill_all();
  }

  const ContainerSpec& spec_;
  Subprocess& child_;
  HostSide& host_;
  ContainerOutcome& outcome_;
  const ContainerLauncher::StartedCallback& on_started_;
  std::optional<ChildFailure> failure_;
  std::string terminal_error_;
  UniqueFd timeout_timer_, grace_timer_, layer_root_;
  bool timed_out_ = false;
};

/// Phase 6: figures, then teardown in reverse order of setup.
Status collect_and_clean(const ContainerSpec& spec, HostSide& host, UniqueFd& layer_root, ContainerOutcome& outcome) {
  if (host.cgroup) {
    auto stats = host.cgroup->stats();
    if (stats) outcome.cgroup = *stats;
    outcome.cgroup_path = host.cgroup->paths().empty() ? "" : host.cgroup->paths().front();
    ISOBENCH_TRY(host.cgroup->destroy());
  }
  outcome.cleaned_ns = monotonic_ns();
  if (spec.layer_dir.empty() && file_system_full(layer_root.get()))
    outcome.warnings.push_back("the container's writable layer filled up: it holds " + size_text(spec.layer_bytes) +
                               " and one file per 4 KiB (--layer-size); writes past that failed with ENOSPC");
  layer_root.reset();
  return {};
}

/// How the workload ended, once it ran (setup failures are told apart before).
void describe_ending(const ExitStatus& status, bool timed_out, ContainerOutcome& outcome) {
  if (timed_out) {
    outcome.ending = ContainerOutcome::Ending::kTimedOut;
    outcome.exit_code = 124;
    outcome.signal = SIGKILL;
  } else if (!status.exited()) {
    outcome.signal = status.signal;
    outcome.exit_code = 128 + outcome.signal;
    bool oom = outcome.signal == SIGKILL && outcome.cgroup && outcome.cgroup->oom_kills > 0;
    outcome.ending = oom ? ContainerOutcome::Ending::kOomKilled : ContainerOutcome::Ending::kSignaled;
  } else {
    outcome.exit_code = status.code;
    // A child of init may have been OOM-killed while init itself exited normally.
    outcome.ending = ContainerOutcome::Ending::kExited;
  }
}

}  // namespace

Result<ContainerOutcome> ContainerLauncher::run(const ContainerSpec& spec) {
  ContainerOutcome outcome;
  outcome.launch_ns = monotonic_ns();
  auto prepared = prepare(spec, cgroups_);
  if (!prepared) return prepared.error();
  outcome.prepared_ns = monotonic_ns();

  // Signals are held from before the first host object exists: a SIGTERM must not kill us
  // between creating a cgroup and owning it.
  SignalBlock signals;
  HostSide host;
  ISOBENCH_TRY(create_cgroup(spec, cgroups_, host));
  outcome.cgroup_ns = monotonic_ns();
  ISOBENCH_TRY(open_channels(spec, signals, host));

  const ChildConfig config = child_config_for(spec, child_resources(*prepared, host, signals));
  auto cloned = clone_container(spec, host.join, config);
  if (!cloned) return cloned.error();
  outcome.cloned_ns = monotonic_ns();
  Subprocess& child = *cloned;  // killed and reaped by its destructor on an early return
  ISOBENCH_TRY(release_child(spec, child, host));
  outcome.released_ns = monotonic_ns();

  ContainerWatch watch(spec, child, host, outcome, on_started_);
  ISOBENCH_TRY(watch.run());
  const ExitStatus status = child.wait(&outcome.usage);
  outcome.exit_ns = monotonic_ns();
  watch.drain_error_pipe();

  ISOBENCH_TRY(collect_and_clean(spec, host, watch.layer_root(), outcome));
  if (watch.failure()) {
    describe_setup_failure(*watch.failure(), prepared->plan, spec, outcome);
    return outcome;
  }
  if (!watch.terminal_error().empty()) {
    outcome.ending = ContainerOutcome::Ending::kSetupFailed;
    outcome.exit_code = 125;
    outcome.message = watch.terminal_error();
    return outcome;
  }
  describe_ending(status, watch.timed_out(), outcome);
  return outcome;
}

}  // namespace isobench::runner
