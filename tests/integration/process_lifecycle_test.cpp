// isobench behaves like the command it runs: its exit code, its signals, its output; it
// stops a container that outlives --timeout or that it is asked to stop; and when it is
// SIGKILLed itself, at whatever point, the container dies with it.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/integration/isobench_fixture.h"
#include "tests/integration/traced_runner.h"

namespace isobench::integration {
namespace {

using ProcessLifecycle = IsobenchTest;

/// Empty cgroups of a killed run are removed by the next run; without it they would be
/// reported as this test's leftovers.
void run_the_next_container() {
  ProcessResult next = run_in_container({}, {"noop"});
  EXPECT_EQ(next.exit_code, 0) << next;
}

TEST_F(ProcessLifecycle, ExitCodePassesThrough) {
  ProcessResult run = run_in_container({}, {"inspect", "exit", "7"});
  EXPECT_EQ(run.exit_code, 7) << run;
  EXPECT_EQ(run.signal, 0) << "isobench itself must exit, not die\n" << run;
}

TEST_F(ProcessLifecycle, SuccessIsExitCode0) {
  ProcessResult run = run_in_container({}, {"noop"});
  EXPECT_EQ(run.exit_code, 0) << run;
}

TEST_F(ProcessLifecycle, DeathBySigtermBecomesExitCode143) {
  // Not PID 1: the kernel ignores a signal a namespace's init sends itself without a handler.
  ProcessResult run = run_in_container({"--share", "pid"}, {"inspect", "kill-self", "15"});
  EXPECT_EQ(run.exit_code, 128 + SIGTERM) << run;
  EXPECT_EQ(run.signal, 0) << "isobench itself must exit, not die\n" << run;
}

TEST_F(ProcessLifecycle, DeathBySigkillBecomesExitCode137WithoutAnOomMessage) {
  ProcessResult run = run_in_container({"--share", "pid"}, {"inspect", "kill-self", "9"});
  EXPECT_EQ(run.exit_code, 128 + SIGKILL) << run;
  EXPECT_EQ(run.err.find("OOM"), std::string::npos) << run;
}

TEST_F(ProcessLifecycle, CommandMissingFromTheImageExits127) {
  ProcessResult run = run_in_container({}, {"no-such-command"});
  EXPECT_EQ(run.exit_code, 127) << run;
  EXPECT_NE(run.err.find("not found"), std::string::npos) << run;
}

TEST_F(ProcessLifecycle, TimeoutKillsTheContainerWithExitCode124) {
  ProcessResult run = run_in_container({"--timeout", "1"}, {"inspect", "sleep", "30"}, 15s);
  EXPECT_FALSE(run.timed_out) << "isobench ignored --timeout\n" << run;
  EXPECT_EQ(run.exit_code, 124) << run;
}

TEST_F(ProcessLifecycle, SigtermIsForwardedThenTheContainerIsKilledAfterStopTimeout) {
  auto container = start_container({"--stop-timeout", "1"}, {"inspect", "sleep", "30"});
  ASSERT_TRUE(container.ok()) << container.error().text();
  // Signal only a container that runs: earlier, the runner has not yet taken over SIGTERM.
  ASSERT_TRUE(wait_for_workload(container->pid(), "inspect", 10s)) << container->wait(1s);

  container->send_signal(SIGTERM);
  ProcessResult run = container->wait(15s);
  EXPECT_FALSE(run.timed_out) << "isobench did not stop the container\n" << run;
  EXPECT_EQ(run.signal, 0) << "isobench itself must exit, not die of the signal\n" << run;
  EXPECT_TRUE(run.exit_code == 128 + SIGKILL || run.exit_code == 128 + SIGTERM) << run;
}

TEST_F(ProcessLifecycle, IsobenchKilledBeforeTheContainerAskedForADeathSignalStillTakesItDown) {
  // PR_SET_PDEATHSIG covers only deaths after it; getppid() says 0 in a new pid namespace.
  auto traced = TracedRunner::start({}, {"inspect", "sleep", "30"});
  ASSERT_TRUE(traced);
  ASSERT_GT(traced->run_until_the_container_is_cloned(), 0);
  traced->kill_runner();  // before the init's first instruction
  int status = 0;
  ASSERT_TRUE(traced->release_init_and_wait(status, 10s))
      << "the container's init ran on after isobench was killed before it started";
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the workload ran";
  run_the_next_container();
}

TEST_F(ProcessLifecycle, IsobenchKilledAfterTheContainerChangedItsUserStillTakesItDown) {
  // Changing the uid clears the death signal: it must be asked for again, and the runner's
  // death meanwhile noticed.
  auto traced = TracedRunner::start({"-u", "1000:1000"}, {"inspect", "sleep", "30"});
  ASSERT_TRUE(traced);
  ASSERT_GT(traced->run_until_the_container_is_cloned(), 0);
  ASSERT_TRUE(traced->run_init_past_syscall(SYS_setresuid, 1000)) << "the init never switched to uid 1000";
  traced->kill_runner();
  int status = 0;
  ASSERT_TRUE(traced->release_init_and_wait(status, 10s))
      << "the container's init ran on after isobench was killed once it had changed its user";
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the workload ran";
  run_the_next_container();
}

TEST_F(ProcessLifecycle, IsobenchKilledWhileTheWorkloadRunsTakesItDown) {
  for (const std::vector<std::string>& options :
       {std::vector<std::string>{}, {"--share", "pid"}, {"--userns"}, {"-u", "1000:1000"}}) {
    auto container = start_container(options, {"inspect", "sleep", "30"});
    ASSERT_TRUE(container.ok()) << container.error().text();
    auto workload = wait_for_workload(container->pid(), "inspect", 10s);
    ASSERT_TRUE(workload) << container->wait(1s);
    UniqueFd workload_fd(static_cast<int>(syscall(SYS_pidfd_open, *workload, 0)));
    ASSERT_TRUE(workload_fd);
    container->send_signal(SIGKILL);
    container->wait(10s);
    pollfd gone{workload_fd.get(), POLLIN, 0};
    std::string with;
    for (const std::string& option : options) with += " " + option;
    EXPECT_EQ(poll(&gone, 1, 10000), 1) << "the workload outlived a SIGKILLed `isobench run" << with << "`";
    while (waitpid(*workload, nullptr, WNOHANG) > 0) {  // the test adopted it
    }
  }
  run_the_next_container();
}

TEST_F(ProcessLifecycle, SharingThePidNamespaceWithoutACgroupIsRefused) {
  // Nothing would find what the command leaves running in the background.
  ProcessResult run = run_in_container({"--share", "pid", "--no-cgroup"}, {"noop"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("--share pid needs"), std::string::npos) << run;
  EXPECT_EQ(run.out, "") << "the command ran";
}

TEST_F(ProcessLifecycle, BackgroundProcessesOfASharedPidNamespaceDieWhenTheCommandEnds) {
  if (access((image_path() + "/bin/sh").c_str(), X_OK) != 0) GTEST_SKIP() << "the image has no shell (busybox-static)";
  ProcessResult run = run_in_container({"--share", "pid"}, {"sh", "-c", "sleep 30 & echo $!"});
  ASSERT_EQ(run.exit_code, 0) << run;
  const pid_t background = std::stoi(run.out);
  // Orphaned, it became the test's child (a subreaper): dead means reapable now.
  bool reaped = false;
  for (int attempt = 0; attempt < 200 && !reaped; ++attempt) {
    reaped = waitpid(background, nullptr, WNOHANG) == background || ::kill(background, 0) != 0;
    if (!reaped) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(reaped) << "the background sleep " << background << " outlived isobench";
}

TEST_F(ProcessLifecycle, StdoutOfTheCommandPassesThrough) {
  ProcessResult run = run_in_container({}, {"hello"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out.rfind("Hello from isobench! pid=1 hostname=isobench\n", 0), 0u) << run;
}

TEST_F(ProcessLifecycle, StderrOfTheCommandPassesThrough) {
  ProcessResult run = run_in_container({}, {"inspect", "read", "/no/such/file"});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_NE(run.err.find("inspect: read /no/such/file"), std::string::npos) << run;
}

}  // namespace
}  // namespace isobench::integration
