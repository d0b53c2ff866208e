// Runs a program as a child of the test, captures its stdout and stderr, and never waits
// past a deadline: a hung child is killed with its whole process group, so a bug in the
// program under test fails one test instead of hanging the suite.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench::integration {

/// How a child ended and what it printed.
struct ProcessResult {
  int exit_code = -1;      ///< the exit status, or 128+N when killed by signal N
  int signal = 0;          ///< the signal that killed it, 0 if it exited
  bool timed_out = false;  ///< killed by us because it outlived its deadline
  std::string out;
  std::string err;
};

/// Prints everything a failing assertion needs to explain itself.
std::ostream& operator<<(std::ostream& stream, const ProcessResult& result);

/// A running child in its own process group, with stdin on /dev/null and stdout and
/// stderr on pipes. Destroying one that was not waited for kills its group and reaps it.
class ChildProcess {
 public:
  static Result<ChildProcess> start(const std::vector<std::string>& argv);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  /// Sends `signal` to the child alone (not to its group).
  void send_signal(int signal) const;

  /// Collects output until the child exits; past `deadline` kills its process group and
  /// reports timed_out. Call at most once.
  ProcessResult wait(std::chrono::milliseconds deadline);

 private:
  ChildProcess(pid_t pid, UniqueFd pidfd, UniqueFd out, UniqueFd err);
  void kill_group_and_reap(int& status);

  pid_t pid_ = -1;
  UniqueFd pidfd_;
  UniqueFd out_;
  UniqueFd err_;
};

/// start() then wait(); a child that cannot be started yields exit_code -1 and the reason in err.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds deadline);

}  // namespace isobench::integration
