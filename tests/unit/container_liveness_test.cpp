#include "runner/lifecycle/container_liveness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "tests/fakes/container_store_scratch.h"

namespace isobench::runner::lifecycle {
namespace {

using ContainerLivenessTest = testing::ContainerStoreScratch;

ContainerState running() {
  ContainerState state;
  state.status = ContainerStatus::kRunning;
  state.pid = 4321;
  state.monitor_pid = 4320;
  state.started_at = "2026-01-02T03:04:05Z";
  return state;
}

TEST(ObservedState, ARunningContainerWhoseMonitorDiedHasExitedWithAnUnknownCode) {
  ContainerState recorded = running();
  recorded.exit_code = 0;  // never trusted once the monitor is gone
  const ContainerState observed = observed_state(recorded, false);
  EXPECT_EQ(observed.status, ContainerStatus::kExited);
  EXPECT_FALSE(observed.exit_code.has_value());
  EXPECT_EQ(observed.finished_at, "");
  EXPECT_EQ(observed.started_at, recorded.started_at);
  EXPECT_EQ(observed.pid, recorded.pid);
}

TEST(ObservedState, EverythingElseIsAsRecorded) {
  EXPECT_EQ(observed_state(running(), true), running());
  for (ContainerStatus status : {ContainerStatus::kCreated, ContainerStatus::kExited, ContainerStatus::kRemoving}) {
    ContainerState recorded = running();
    recorded.status = status;
    recorded.exit_code = 3;
    recorded.finished_at = "2026-01-02T03:04:06Z";
    EXPECT_EQ(observed_state(recorded, false), recorded);
    EXPECT_EQ(observed_state(recorded, true), recorded);
  }
}

TEST_F(ContainerLivenessTest, AMonitorIsAliveExactlyWhileItsProcessHoldsTheLock) {
  const std::string id = create("monitored");
  EXPECT_FALSE(store().monitor_alive(id));                      // no runtime directory at all
  EXPECT_FALSE(detail::exists(store().monitor_lock_path(id)));  // and asking made none
  ASSERT_TRUE(store().make_runtime_dir(id));
  ASSERT_TRUE(write_regular_file(store().monitor_lock_path(id), ""));
  EXPECT_FALSE(store().monitor_alive(id));  // a lock file nobody holds
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const std::string lock_path = store().monitor_lock_path(id);
  const pid_t monitor = ::fork();
  ASSERT_GE(monitor, 0);
  if (monitor == 0) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(1);
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  EXPECT_TRUE(store().monitor_alive(id));
  EXPECT_TRUE(store().monitor_alive(id));  // asking twice (two `ps` at once) disturbs nothing
  ::kill(monitor, SIGKILL);
  ::waitpid(monitor, nullptr, 0);
  EXPECT_FALSE(store().monitor_alive(id));
}

TEST(ProcessIdentity, APidIsThatProcessOnlyWithItsRecordedStartTime) {
  auto start = process_start_time(::getpid());
  ASSERT_TRUE(start) << start.error().text();
  EXPECT_GT(*start, 0u);
  EXPECT_TRUE(is_same_process(::getpid(), *start));
  EXPECT_FALSE(is_same_process(::getpid(), *start + 1));
  EXPECT_TRUE(open_process(::getpid(), *start));
  auto stranger = open_process(::getpid(), *start + 1);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().errno_value, ESRCH);
}

TEST(ProcessIdentity, AnEndedProcessIsNoLongerItself) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  auto start = process_start_time(child);
  ASSERT_TRUE(start) << start.error().text();
  EXPECT_TRUE(is_same_process(child, *start));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(is_same_process(child, *start));
  EXPECT_FALSE(open_process(child, *start));
  EXPECT_FALSE(process_start_time(0));
}

}  // namespace
}  // namespace isobench::runner::lifecycle
