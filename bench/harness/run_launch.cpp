#include "bench/harness/run_launch.h"

#include "common/system.h"
#include "common/time_units.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <vector>

namespace isobench::bench {

namespace {

std::string read_all(int fd, size_t limit = 1 << 20) {
  std::string text;
  if (fd < 0) return text;
  lseek(fd, 0, SEEK_SET);
  char buffer[8192];
  ssize_t n;
  while (text.size() < limit && (n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

/// Writes `value`'s digits and a NUL at `out`, which has room for any pid; no library call,
/// so that a vfork child may.
void write_decimal(char* out, pid_t value) {
  char digits[16];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  while (count > 0) *out++ = digits[--count];
  *out = '\0';
}

/// What the vfork child sets up, as plain values only: it borrows our memory until exec, so
/// nothing of the caller may be clobbered.
struct ChildSetup {
  char* const* argv;
  char* const* envp;
  int handshake;              ///< the end it gets as descriptor 3, or -1
  int out, err;               ///< its stdout and stderr
  int mount_ns;               ///< setns into it, or -1
  int cgroup_join;            ///< write "0" to it, or -1
  int harness;                ///< our pidfd, readable once we exited
  char* listen_pid_digits;    ///< where LISTEN_PID's value goes, or null
  const char* root;           ///< chroot into it, or null
};

/// vfork: the child only makes system calls until exec.
///
/// Every target dies with the harness: SIGKILL on our death from the first instruction on,
/// and `harness` closes the window before the prctl. The death signal survives exec; what
/// the target started itself is its own business (isobench and bwrap take their containers
/// down; runc's and crun's outlive them, which the workspace's guard handles).
__attribute__((noinline)) pid_t vfork_exec(const ChildSetup& setup) {
  pid_t pid = vfork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (setup.listen_pid_digits) write_decimal(setup.listen_pid_digits, getpid());
  if (setup.harness >= 0) {
    pollfd gone{setup.harness, POLLIN, 0};
    if (poll(&gone, 1, 0) != 0) _exit(126);
  }
  if (setup.cgroup_join >= 0 && write(setup.cgroup_join, "0", 1) != 1) _exit(126);
  if (setup.handshake == kStartFd) {
    fcntl(kStartFd, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
  } else if (setup.handshake >= 0 && dup2(setup.handshake, kStartFd) < 0) {
    _exit(126);
  }
  if (dup2(setup.out, 1) < 0 || dup2(setup.err, 2) < 0) _exit(126);
  if (setup.mount_ns >= 0 && setns(setup.mount_ns, CLONE_NEWNS) != 0) _exit(126);
  if (setup.root && (chroot(setup.root) != 0 || chdir("/") != 0)) _exit(126);
  // Only 0-2 and the handshake reach the target: a descriptor the harness inherited
  // without close-on-exec (from a shell, a CI runner) must not reach a container.
  if (close_range(setup.handshake >= 0 ? kStartFd + 1 : kStartFd, ~0u, 0) != 0) _exit(126);
  execve(setup.argv[0], setup.argv, setup.envp);
  _exit(127);
}

/// The read end of the handshake, non-blocking (a run whose workload never signals must not
/// hang the harness), and the end the target gets as descriptor 3 (none with a FIFO).
Status open_handshake(const Invocation& invocation, UniqueFd& read_end, UniqueFd& write_end) {
  if (invocation.start_fifo.empty()) {
    ISOBENCH_TRY(make_pipe(read_end, write_end));
    fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
    return {};
  }
  // Held open from before the launch to the reaping: the workload's write never waits for a
  // reader, and its 8 bytes stay in the FIFO after it closed its end.
  read_end.reset(open(invocation.start_fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
  struct stat info {};
  if (!read_end || fstat(read_end.get(), &info) != 0) return errno_error("open the start FIFO " + invocation.start_fifo);
  if (!S_ISFIFO(info.st_mode)) return plain_error("the start FIFO " + invocation.start_fifo + " is not a FIFO");
  return {};
}

}  // namespace

Result<LaunchedRun> launch(const Invocation& invocation) {
  LaunchedRun run;
  UniqueFd start_write;
  ISOBENCH_TRY(open_handshake(invocation, run.start_pipe, start_write));
  run.stdout_file.reset(memfd_create("isobench-stdout", MFD_CLOEXEC));
  run.stderr_file.reset(memfd_create("isobench-stderr", MFD_CLOEXEC));
  if (!run.stdout_file || !run.stderr_file) return errno_error("memfd_create");
  std::vector<char*> argv = exec_array(invocation.argv);
  std::vector<std::string> env = invocation.env;
  if (invocation.socket_activation) {
    // The child writes its own pid over the zeros: it is known only once it exists.
    env.push_back("LISTEN_FDS=1");
    env.push_back("LISTEN_PID=0000000000000");
  }
  std::vector<char*> envp = exec_array(env);
  char* listen_pid_digits = invocation.socket_activation ? envp[env.size() - 1] + sizeof "LISTEN_PID=" - 1 : nullptr;
  UniqueFd harness(static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0)));  // close-on-exec
  const ChildSetup setup{argv.data(),
                         envp.data(),
                         start_write ? start_write.get() : -1,
                         run.stdout_file.get(),
                         run.stderr_file.get(),
                         invocation.mount_namespace_fd,
                         invocation.cgroup_join_fd,
                         harness.get(),
                         listen_pid_digits,
                         invocation.root_directory.empty() ? nullptr : invocation.root_directory.c_str()};
  if (invocation.start_stamp_realtime) run.launch_realtime_ns = realtime_ns();
  run.launch_ns = monotonic_ns();
  pid_t pid = vfork_exec(setup);
  if (pid < 0) return errno_error("vfork");
  run.process = Subprocess(pid, UniqueFd());  // with a pidfd of its own, close-on-exec
  return run;
}

namespace {

void kill_run(const LaunchedRun& run) {
  run.process.send_signal(SIGKILL);
}

/// Blocks until `run` exits, reaps it and reads what it left.
FinishedRun reap(LaunchedRun& run) {
  FinishedRun finished;
  finished.launch_ns = run.launch_ns;
  finished.pid = run.process.pid();
  const ExitStatus status = run.process.wait(&finished.usage);
  finished.exit_ns = monotonic_ns();
  finished.exit_code = status.shell_code();
  uint64_t start_ns = 0;
  if (read(run.start_pipe.get(), &start_ns, sizeof start_ns) == sizeof start_ns) {
    finished.start_ns = static_cast<int64_t>(start_ns);
    if (run.launch_realtime_ns) finished.start_ns = run.launch_ns + (finished.start_ns - *run.launch_realtime_ns);
  }
  finished.out = read_all(run.stdout_file.get());
  finished.err = read_all(run.stderr_file.get(), 4096);
  return finished;
}

}  // namespace

FinishedRun wait_for(LaunchedRun& run, double timeout_seconds) {
  bool timed_out = false;
  if (run.process.pidfd() >= 0 && !run.process.exits_within(static_cast<int>(s_to_ms(timeout_seconds)))) {
    timed_out = true;
    kill_run(run);
  }
  FinishedRun finished = reap(run);
  finished.timed_out = timed_out;
  return finished;
}

bool stop_requested(int stop_fd) {
  if (stop_fd < 0) return false;
  pollfd stop{stop_fd, POLLIN, 0};
  int ready;
  while ((ready = poll(&stop, 1, 0)) < 0 && errno == EINTR) {
  }
  return ready == 1;
}

}  // namespace isobench::bench

namespace isobench::bench {

std::vector<FinishedRun> wait_for_all(std::vector<LaunchedRun*>& runs, double timeout_seconds, int stop_fd) {
  std::vector<FinishedRun> finished(runs.size());
  std::vector<bool> done(runs.size(), false);
  const int64_t deadline = monotonic_ns() + s_to_ns(timeout_seconds);
  size_t remaining = runs.size();
  while (remaining > 0) {
    std::vector<pollfd> fds;
    std::vector<size_t> index;
    for (size_t i = 0; i < runs.size(); ++i) {
      if (done[i]) continue;
      fds.push_back({runs[i]->process.pidfd(), POLLIN, 0});
      index.push_back(i);
    }
    const size_t run_fds = fds.size();
    if (stop_fd >= 0) fds.push_back({stop_fd, POLLIN, 0});
    int64_t left_ms = ns_to_whole_ms(deadline - monotonic_ns());
    int ready = poll(fds.data(), fds.size(), static_cast<int>(left_ms > 0 ? left_ms : 0));
    const int poll_errno = errno;
    // Checked before the exits this poll saw: a Ctrl-C reaches the harness before any run
    // it also killed can be seen dead, so those runs end here as interrupted, not failed.
    if (stop_requested(stop_fd)) {
      for (size_t i = 0; i < runs.size(); ++i)
        if (!done[i]) kill_run(*runs[i]);
      for (size_t i = 0; i < runs.size(); ++i) {
        if (done[i]) continue;
        finished[i] = reap(*runs[i]);
        finished[i].interrupted = true;
        done[i] = true;
      }
      break;
    }
    if (ready < 0 && poll_errno == EINTR) continue;
    bool expired = ready <= 0;
    for (size_t k = 0; k < run_fds; ++k) {
      if (!expired && !fds[k].revents) continue;
      size_t i = index[k];
      // Expired: wait_for with no time left kills it first.
      finished[i] = wait_for(*runs[i], expired ? 0 : timeout_seconds);
      done[i] = true;
      --remaining;
    }
  }
  return finished;
}

}  // namespace isobench::bench
