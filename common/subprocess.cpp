#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/system.h"

namespace isobench {

ExitStatus ExitStatus::from_wait_status(int status) {
  if (WIFSIGNALED(status)) return ExitStatus{0, WTERMSIG(status)};
  return ExitStatus{WEXITSTATUS(status), 0};
}

Subprocess::Subprocess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {
  // pidfd_open gives a close-on-exec descriptor whatever the flags: none leaks into a child.
  if (!pidfd_ && pid_ > 0) pidfd_.reset(static_cast<int>(syscall(SYS_pidfd_open, pid_, 0)));
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      reaped_(std::exchange(other.reaped_, false)),
      status_(other.status_) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    reaped_ = std::exchange(other.reaped_, false);
    status_ = other.status_;
  }
  return *this;
}

void Subprocess::send_signal(int signal) const {
  if (!running()) return;
  if (!pidfd_ || syscall(SYS_pidfd_send_signal, pidfd_.get(), signal, nullptr, 0) != 0) ::kill(pid_, signal);
}

bool Subprocess::exits_within(int timeout_ms) const {
  if (!running()) return true;
  if (!pidfd_) return false;
  pollfd ready{pidfd_.get(), POLLIN, 0};
  int waited;
  while ((waited = poll(&ready, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  return waited > 0;
}

ExitStatus Subprocess::wait(rusage* usage) {
  if (!running()) return status_;
  int status = 0;
  rusage ignored{};
  while (wait4(pid_, &status, 0, usage ? usage : &ignored) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  status_ = ExitStatus::from_wait_status(status);
  return status_;
}

ExitStatus Subprocess::kill_and_reap(rusage* usage) {
  send_signal(SIGKILL);
  return wait(usage);
}

namespace {

/// Makes `from` the child's descriptor `to`. dup2 onto itself would keep close-on-exec.
bool place(int from, int to) {
  if (from == SpawnOptions::kInherit) return true;
  if (from == to) return fcntl(to, F_SETFD, 0) == 0;
  return dup2(from, to) == to;
}

/// The child between fork and exec: system calls only, on what the parent prepared.
[[noreturn]] void exec_child(char* const* argv, const SpawnOptions& options, int null_fd, pid_t parent,
                             const std::string& failure_prefix) {
  if (options.die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) _exit(127);  // the parent died before the prctl
  }
  if (options.signal_mask) sigprocmask(SIG_SETMASK, options.signal_mask, nullptr);
  auto source = [&](int fd) { return fd == SpawnOptions::kNull ? null_fd : fd; };
  if (!place(source(options.stdin_fd), 0) || !place(source(options.stdout_fd), 1) ||
      !place(source(options.stderr_fd), 2))
    _exit(127);
  if (options.search_path)
    execvp(argv[0], argv);
  else
    execv(argv[0], argv);
  if (options.report_exec_failure) {
    const char* reason = strerrordesc_np(errno);
    (void)!write(2, failure_prefix.data(), failure_prefix.size());
    (void)!write(2, reason, std::strlen(reason));
    (void)!write(2, "\n", 1);
  }
  _exit(127);
}

bool uses_null(const SpawnOptions& options) {
  return options.stdin_fd == SpawnOptions::kNull || options.stdout_fd == SpawnOptions::kNull ||
         options.stderr_fd == SpawnOptions::kNull;
}

}  // namespace

Result<Subprocess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return plain_error("no program to run");
  std::vector<char*> args = exec_array(argv);
  UniqueFd null_fd;
  if (uses_null(options)) {
    null_fd.reset(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null_fd) return errno_error("/dev/null");
  }
  const std::string failure_prefix = "isobench: cannot run " + argv[0] + ": ";
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return errno_error("fork");
  if (pid == 0) exec_child(args.data(), options, null_fd.get(), parent, failure_prefix);
  return Subprocess(pid, UniqueFd());
}

Result<CommandResult> run_command(const std::vector<std::string>& argv, const CommandOptions& options) {
  SpawnOptions spawning;
  if (options.null_stdin) spawning.stdin_fd = SpawnOptions::kNull;
  UniqueFd output_read, output_write;
  if (options.output == CommandOptions::Output::kCapture) {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return errno_error("pipe2");
    output_read.reset(ends[0]);
    output_write.reset(ends[1]);
    spawning.stdout_fd = spawning.stderr_fd = output_write.get();
  } else if (options.output == CommandOptions::Output::kDiscard) {
    spawning.stdout_fd = spawning.stderr_fd = SpawnOptions::kNull;
  }
  auto child = spawn(argv, spawning);
  if (!child) return child.error();
  output_write.reset();  // EOF once the program (and whatever it left holding the pipe) is done
  CommandResult result;
  char buffer[4096];
  ssize_t got;
  while (output_read && ((got = read(output_read.get(), buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR)))
    if (got > 0 && result.output.size() < options.output_limit)
      result.output.append(buffer, std::min(static_cast<size_t>(got), options.output_limit - result.output.size()));
  result.status = child->wait();
  return result;
}

}  // namespace isobench
