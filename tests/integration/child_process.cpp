#include "tests/integration/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

extern char** environ;

namespace isobench::integration {

std::ostream& operator<<(std::ostream& stream, const ProcessResult& result) {
  stream << "exit code " << result.exit_code;
  if (result.signal) stream << " (signal " << result.signal << ")";
  if (result.timed_out) stream << " [killed: deadline passed]";
  return stream << "\n--- stdout ---\n" << result.out << "\n--- stderr ---\n" << result.err << "\n---";
}

namespace {

/// Appends what the pipe holds now; returns false once it reached end of file.
bool drain(UniqueFd& fd, std::string& into) {
  char buffer[65536];
  for (;;) {
    ssize_t got = read(fd.get(), buffer, sizeof buffer);
    if (got > 0) {
      into.append(buffer, static_cast<size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got == 0) {
      fd.reset();
      return false;
    }
    return true;  // EAGAIN: nothing more for now
  }
}

void fill_status(ProcessResult& result, int status) {
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
}

}  // namespace

Result<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return errno_error("pipe2");
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return errno_error("pipe2");
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);
  // The child's ends must block, as any program expects of its stdout.
  fcntl(out_write.get(), F_SETFL, 0);
  fcntl(err_write.get(), F_SETFL, 0);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);

  // Its own process group, so that a deadline can take down everything it started; the
  // default dispositions and an empty mask, whatever the test runner had.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigfillset(&defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int error = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) return Error{error, "cannot start " + argv[0]};

  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) {
    Error failure = errno_error("pidfd_open");
    ::kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return failure;
  }
  return ChildProcess(pid, std::move(pidfd), std::move(out_read), std::move(err_read));
}

ChildProcess::ChildProcess(pid_t pid, UniqueFd pidfd, UniqueFd out, UniqueFd err)
    : pid_(pid), pidfd_(std::move(pidfd)), out_(std::move(out)), err_(std::move(err)) {}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)) {}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  int status;
  kill_group_and_reap(status);
}

void ChildProcess::send_signal(int signal) const {
  if (pid_ > 0) syscall(SYS_pidfd_send_signal, pidfd_.get(), signal, nullptr, 0);
}

void ChildProcess::kill_group_and_reap(int& status) {
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

ProcessResult ChildProcess::wait(std::chrono::milliseconds deadline) {
  ProcessResult result;
  if (pid_ <= 0) {
    result.err = "ChildProcess::wait called twice";
    return result;
  }
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  bool exited = false;
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      int status;
      kill_group_and_reap(status);
      fill_status(result, status);
      result.timed_out = true;
      break;
    }
    pollfd fds[] = {{pidfd_.get(), POLLIN, 0}, {out_.get(), POLLIN, 0}, {err_.get(), POLLIN, 0}};
    if (poll(fds, 3, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      result.err = "poll failed";
      return result;
    }
    if (fds[1].revents && out_) drain(out_, result.out);
    if (fds[2].revents && err_) drain(err_, result.err);
    if (fds[0].revents) {
      int status;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
      fill_status(result, status);
      exited = true;
    }
  }
  // What the child wrote is in the pipes already; whatever else holds them open (a leaked
  // grandchild) must not make us wait for end of file.
  if (out_) drain(out_, result.out);
  if (err_) drain(err_, result.err);
  out_.reset();
  err_.reset();
  pidfd_.reset();
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds deadline) {
  auto child = ChildProcess::start(argv);
  if (!child) {
    ProcessResult result;
    result.err = child.error().text();
    return result;
  }
  return child->wait(deadline);
}

}  // namespace isobench::integration
