// isobench under ptrace, so that a test can hold the container's init at a chosen point,
// SIGKILL isobench right there and let the init go on: a kill race made deterministic.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace isobench::integration {

class TracedRunner {
 public:
  /// Starts `isobench run OPTIONS -- COMMAND`, stopped before its first instruction; null
  /// when tracing fails.
  static std::unique_ptr<TracedRunner> start(const std::vector<std::string>& options,
                                             const std::vector<std::string>& command);
  /// Kills whatever is still traced.
  ~TracedRunner();
  TracedRunner(const TracedRunner&) = delete;
  TracedRunner& operator=(const TracedRunner&) = delete;

  pid_t runner() const { return runner_; }

  /// Runs isobench until it has cloned the container's init, which stays stopped before its
  /// first instruction, and isobench at the clone. The init's pid, or -1.
  pid_t run_until_the_container_is_cloned();

  /// Steps the init through its system calls until `number` with first argument `arg0` has
  /// returned, isobench running meanwhile. False if the init never makes that call.
  bool run_init_past_syscall(long number, uint64_t arg0);

  /// SIGKILLs isobench and reaps it.
  void kill_runner();

  /// Lets the init go on untraced (the test's child by then, as a subreaper) and waits for
  /// it to end. True when it ended, with its wait status in `status`.
  bool release_init_and_wait(int& status, std::chrono::milliseconds deadline);

 private:
  explicit TracedRunner(pid_t runner) : runner_(runner) {}
  pid_t runner_;
  pid_t init_ = -1;
  int pending_signal_ = 0;
};

}  // namespace isobench::integration
