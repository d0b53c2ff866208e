// isobench behaves like the command it runs: its exit code, its signals, its output; and it
// stops a container that outlives --timeout or that it is asked to stop.
#include <signal.h>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using ProcessLifecycle = IsobenchTest;

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
