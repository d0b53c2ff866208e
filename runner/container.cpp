#include "runner/container.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmath>

#include "common/file_io.h"
#include "common/system.h"
#include "common/unique_fd.h"
#include "runner/child.h"
#include "runner/rootfs_plan.h"
#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"
#include "runner/signal_block.h"

namespace isobench::runner {

namespace {

/// The container's init until reaped: killed and reaped on early return.
class ChildProcess {
 public:
  ChildProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  ~ChildProcess() {
    if (reaped_) return;
    kill(SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  void kill(int signal) const {
    if (!reaped_) syscall(SYS_pidfd_send_signal, pidfd_.get(), signal, nullptr, 0);
  }
  /// Blocks until the child exits; fills status and resource usage.
  void reap(int& status, rusage& usage) {
    while (wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }

 private:
  pid_t pid_;
  UniqueFd pidfd_;
  bool reaped_ = false;
};

Result<UniqueFd> arm_timer(double seconds) {
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
  if (!timer) return errno_error("timerfd_create");
  itimerspec spec{};
  double whole = std::floor(seconds);
  spec.it_value.tv_sec = static_cast<time_t>(whole);
  spec.it_value.tv_nsec = static_cast<long>((seconds - whole) * 1e9);
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

}  // namespace

Result<ContainerOutcome> ContainerLauncher::run(const ContainerSpec& spec) {
  const int64_t launch_ns = monotonic_ns();

  // 1. Everything the child needs, prepared while nothing exists yet to clean up.
  const bool has_mount_ns = spec.namespaces.has(Namespace::kMount);
  const bool has_user_ns = spec.namespaces.has(Namespace::kUser);
  ISOBENCH_TRY(check_inherited_descriptors(spec.preserve_fds));
  // Without a device cgroup nothing stops root inside from opening a host device it creates
  // or finds in the image: take away CAP_MKNOD and mount the root nodev.
  const bool devices_guarded = spec.use_cgroup && cgroups_ && cgroups_->guards_devices();
  // Without a pid namespace the container's init dying takes nothing with it: only a cgroup
  // finds what the command left running, to kill it at the end.
  if (!spec.namespaces.has(Namespace::kPid) && !(spec.use_cgroup && cgroups_))
    return plain_error(
        "--share pid needs the container's cgroup, the only way to find and kill what the command leaves "
        "running without a pid namespace: drop --no-cgroup (cgroups need root)");
  UniqueFd rootfs_fd;
  std::vector<RootfsStep> plan;
  if (has_mount_ns) {
    // Reserves a descriptor number for the child, which reopens the image on it.
    rootfs_fd.reset(open(spec.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!rootfs_fd) return errno_error("rootfs '" + spec.rootfs + "'");
    RootfsPlanInput input;
    input.rootfs = spec.rootfs;
    input.rootfs_fd = rootfs_fd.get();
    input.mode = spec.rootfs_mode;
    input.layer_bytes = spec.layer_bytes;
    input.nodev_root = !devices_guarded;
    input.user_namespace = has_user_ns;
    input.net_namespace = spec.namespaces.has(Namespace::kNet);
    input.ipc_namespace = spec.namespaces.has(Namespace::kIpc);
    plan = plan_rootfs(input);
  }
  const SeccompProgram* seccomp = nullptr;
  int last_cap = 0;
  if (spec.security == SecurityMode::kDefault) {
    seccomp = &default_seccomp_program();
    auto cap = last_capability();
    if (!cap) return cap.error();
    last_cap = *cap;
  }
  std::vector<std::string> argv_storage = spec.args;
  std::vector<char*> argv = exec_array(argv_storage);
  std::vector<char*> envp = exec_array(spec.env);
  ContainerOutcome outcome;
  outcome.launch_ns = launch_ns;
  outcome.prepared_ns = monotonic_ns();

  // 2. Host-side objects, each owned so that an early return undoes it. Signals are held
  // from before the first one exists: a SIGTERM must not kill us between creating a cgroup
  // and owning it.
  SignalBlock signals;
  std::unique_ptr<Cgroup> cgroup;
  CgroupJoin join;
  if (spec.use_cgroup && cgroups_) {
    auto created =
        cgroups_->create(spec.cgroup_parent.empty() ? spec.id : spec.cgroup_parent + "/" + spec.id, spec.limits);
    if (!created) return created.error();
    cgroup = std::move(*created);
    auto prepared = cgroup->prepare_join();
    if (!prepared) return prepared.error();
    join = std::move(*prepared);
  } else if (spec.limits.any()) {
    return plain_error("resource limits need cgroups, which are not available here (run as root)");
  }
  outcome.cgroup_ns = monotonic_ns();
  // Only a user namespace makes the child wait: for its id maps.
  UniqueFd sync_read, sync_write;
  if (has_user_ns) {
    int sync_pipe[2];
    if (pipe2(sync_pipe, O_CLOEXEC) != 0) return errno_error("pipe2");
    sync_read.reset(sync_pipe[0]);
    sync_write.reset(sync_pipe[1]);
  }
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) return errno_error("pipe2");
  UniqueFd error_read(error_pipe[0]), error_write(error_pipe[1]);

  UniqueFd signal_fd(signalfd(-1, &signals.blocked(), SFD_CLOEXEC));
  if (!signal_fd) return errno_error("signalfd");

  ChildConfig config;
  config.cgroup_dir_fd = join.clone_into_fd;
  config.cgroup_join_fds = join.self_join_fds.data();
  config.cgroup_join_count = join.self_join_fds.size();
  config.sync_fd = sync_read.get();
  config.error_fd = error_write.get();
  // Opened before clone, so that the child can tell whether we died before it could ask for
  // a death signal (pidfds are close-on-exec).
  UniqueFd runner_pidfd(static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0)));
  config.runner_pidfd = runner_pidfd.get();
  config.original_mask = signals.original();
  config.become_root = has_user_ns;
  config.unshare_cgroup = spec.namespaces.has(Namespace::kCgroup);
  config.hostname = spec.namespaces.has(Namespace::kUts) ? spec.hostname.c_str() : nullptr;
  config.rootfs = has_mount_ns ? &plan : nullptr;
  config.rootfs_fd = rootfs_fd.get();
  config.loopback_up = spec.namespaces.has(Namespace::kNet);
  config.cwd = spec.cwd.c_str();
  config.preserve_fds = spec.preserve_fds;
  config.set_ids = spec.uid != 0 || spec.gid != 0;
  config.clear_groups = !spec.deny_setgroups;
  config.uid = spec.uid;
  config.gid = spec.gid;
  config.limit_capabilities = spec.security == SecurityMode::kDefault;
  config.keep_capabilities = docker_default_capabilities();
  if (!devices_guarded) config.keep_capabilities &= ~(uint64_t{1} << CAP_MKNOD);
  config.last_capability = last_cap;
  config.no_new_privs = spec.security == SecurityMode::kDefault;
  config.seccomp = seccomp;
  config.executable = spec.executable.c_str();
  config.argv = argv.data();
  config.envp = envp.data();

  // 3. clone3 with fork semantics (no CLONE_VM, no new stack). The cgroup namespace comes
  // later, from the child, once it is inside its cgroup.
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

  outcome.cloned_ns = monotonic_ns();
  ChildProcess child(static_cast<pid_t>(pid), UniqueFd(raw_pidfd));
  sync_read.reset();
  error_write.reset();

  // 4. Host-side setup the child waits for, then let it go.
  if (has_user_ns) {
    ISOBENCH_TRY(write_id_maps(child.pid(), spec));
    char go = 1;
    if (write(sync_write.get(), &go, 1) != 1) return errno_error("cannot release the container's init");
    sync_write.reset();
  }
  outcome.released_ns = monotonic_ns();

  // 5. Wait for exec, exit, signals and timers.
  std::optional<ChildFailure> failure;
  UniqueFd timeout_timer, grace_timer;
  if (spec.timeout_seconds) {
    auto timer = arm_timer(*spec.timeout_seconds);
    if (!timer) return timer.error();
    timeout_timer = std::move(*timer);
  }
  bool timed_out = false;
  bool exited = false;
  UniqueFd layer_root;
  while (!exited) {
    pollfd fds[] = {{child.pidfd(), POLLIN, 0},
                    {error_read.get(), POLLIN, 0},
                    {signal_fd.get(), POLLIN, 0},
                    {timeout_timer.get(), POLLIN, 0},
                    {grace_timer.get(), POLLIN, 0}};
    if (poll(fds, std::size(fds), -1) < 0) {
      if (errno == EINTR) continue;
      return errno_error("poll");
    }
    if (fds[1].revents) {
      ChildFailure record;
      ssize_t got = read(error_read.get(), &record, sizeof record);
      if (got == sizeof record)
        failure = record;
      else if (got == 0) {
        outcome.exec_ns = monotonic_ns();  // close-on-exec: the workload runs
        // The writable layer, held open so that its fill level can be read after the
        // container's mount namespace is gone.
        if (has_mount_ns && spec.rootfs_mode == RootfsMode::kOverlay)
          layer_root.reset(open(("/proc/" + std::to_string(child.pid()) + "/root").c_str(),
                                O_PATH | O_DIRECTORY | O_CLOEXEC));
      }
      error_read.reset();
    }
    if (fds[2].revents) {
      signalfd_siginfo info;
      if (read(signal_fd.get(), &info, sizeof info) == sizeof info) {
        if (grace_timer) {
          child.kill(SIGKILL);  // a second signal: stop waiting
        } else {
          child.kill(static_cast<int>(info.ssi_signo));
          // An init without a handler ignores the signal (as in Docker without --init).
          auto timer = arm_timer(spec.stop_grace_seconds);
          if (timer) grace_timer = std::move(*timer);
        }
      }
    }
    if (fds[3].revents) {
      timed_out = true;
      timeout_timer.reset();
      child.kill(SIGKILL);
      if (cgroup) (void)cgroup->kill_all();
    }
    if (fds[4].revents) {
      grace_timer.reset();
      child.kill(SIGKILL);
    }
    if (fds[0].revents) exited = true;
  }
  int status = 0;
  child.reap(status, outcome.usage);
  outcome.exit_ns = monotonic_ns();
  if (error_read) {  // the exit may have raced the pipe: drain it
    ChildFailure record;
    if (read(error_read.get(), &record, sizeof record) == sizeof record) failure = record;
  }

  // 6. Figures, then teardown in reverse order of setup.
  if (cgroup) {
    auto stats = cgroup->stats();
    if (stats) outcome.cgroup = *stats;
    outcome.cgroup_path = cgroup->paths().empty() ? "" : cgroup->paths().front();
    ISOBENCH_TRY(cgroup->destroy());
  }
  outcome.cleaned_ns = monotonic_ns();
  if (file_system_full(layer_root.get()))
    outcome.warnings.push_back("the container's writable layer filled up: it holds " + size_text(spec.layer_bytes) +
                               " and one file per 4 KiB (--layer-size); writes past that failed with ENOSPC");
  layer_root.reset();

  if (failure) {
    describe_setup_failure(*failure, plan, spec, outcome);
    return outcome;
  }
  if (timed_out) {
    outcome.ending = ContainerOutcome::Ending::kTimedOut;
    outcome.exit_code = 124;
    outcome.signal = SIGKILL;
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
    outcome.exit_code = 128 + outcome.signal;
    bool oom = outcome.signal == SIGKILL && outcome.cgroup && outcome.cgroup->oom_kills > 0;
    outcome.ending = oom ? ContainerOutcome::Ending::kOomKilled : ContainerOutcome::Ending::kSignaled;
  } else {
    outcome.exit_code = WEXITSTATUS(status);
    // A child of init may have been OOM-killed while init itself exited normally.
    outcome.ending = ContainerOutcome::Ending::kExited;
  }
  return outcome;
}

}  // namespace isobench::runner
