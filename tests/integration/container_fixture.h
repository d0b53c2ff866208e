// What the container-verb tests (run -d, ps, logs, stop, rm, ...) stand on: a container store
// and a runtime directory of the test's own ($ISOBENCH_STORE, $ISOBENCH_RUNTIME_DIR in a
// temporary directory, never the host's), a busybox root to run shells and sleeps in, and a
// teardown that removes every container the test made and fails the test when a monitor or
// a container's files outlived that.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {

class ContainerTest : public IsobenchTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// `isobench ARGS...` with this test's store and runtime directory; each of `env`
  /// ("NAME=value") is set on top.
  ProcessResult isobench(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                         std::chrono::milliseconds deadline = kRunDeadline) const;
  Result<ChildProcess> start_isobench(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) const;

  /// `isobench run -d OPTIONS... --rootfs BUSYBOX -- COMMAND...`: the id it printed, or "" with
  /// a non-fatal failure saying why.
  std::string run_detached(const std::vector<std::string>& options, const std::vector<std::string>& command) const;

  /// `isobench inspect -f TEMPLATE CONTAINER`, trimmed; "" on failure.
  std::string inspect(const std::string& container, const std::string& format) const;

  /// Polls `isobench inspect` until the container's State.Status is `status` or the deadline passes.
  bool wait_for_status(const std::string& container, const std::string& status,
                       std::chrono::milliseconds deadline = kRunDeadline) const;

  /// Polls `isobench logs CONTAINER` until its stdout contains `text` (about 2 s at most);
  /// the last answer either way.
  ProcessResult logs_once_they_contain(const std::string& container, const std::string& text) const;

  /// The ids of the containers in the store, as its directories say (not through isobench).
  std::vector<std::string> stored_ids() const;

  const std::string& busybox_root() const { return busybox_root_; }
  const std::string& store() const { return store_; }
  const std::string& runtime_dir() const { return runtime_dir_; }
  std::string containers_dir() const { return store_ + "/containers"; }

 private:
  TemporaryDirectory home_;
  std::string busybox_root_;
  std::string store_;
  std::string runtime_dir_;
};

/// Whether `pid` runs: it exists and is no zombie (a container init whose monitor died is
/// reparented to the test, a subreaper, and waits there to be reaped).
bool process_is_live(pid_t pid);

/// The programs the busybox root has as links to /bin/busybox.
inline constexpr const char* kBusyboxTools[] = {"sh", "sleep", "echo", "cat", "ls", "true", "false", "printf",
                                                "kill", "wc", "touch", "test", "id", "env", "pwd", "head", "yes",
                                                "tty", "stty", "stat", "mkdir", "rmdir", "ln", "umount", "mkfifo"};

}  // namespace isobench::integration
