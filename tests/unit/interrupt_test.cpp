// InterruptGuard: while it lives, SIGINT and SIGTERM request a stop (a readable descriptor
// and the signal's number) instead of killing; a second one of the same kind kills; the
// previous handlers come back afterwards; and nothing of it reaches a child: not the
// handler, not an ignored disposition, not a blocked mask.
#include "cli/interrupt.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "bench/harness/run_launch.h"

namespace isobench::cli {
namespace {

bool readable(int fd) {
  pollfd ready{fd, POLLIN, 0};
  return poll(&ready, 1, 0) == 1;
}

/// The guard as a foreground command gets it. Whoever started this test binary may have
/// left SIGINT ignored (a shell's background job: `.ci/run &`), and the guard keeps an
/// ignored signal ignored on purpose; the tests start from the default dispositions.
void default_dispositions() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

std::unique_ptr<InterruptGuard> install_guard() {
  default_dispositions();
  auto guard = InterruptGuard::install();
  if (!guard) {
    ADD_FAILURE() << guard.error().text();
    return nullptr;
  }
  return std::move(*guard);
}

/// Puts back the default disposition a test changed, whatever it asserted.
struct DefaultDispositions {
  ~DefaultDispositions() {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
  }
};

TEST(InterruptGuard, SigintRequestsAStopInsteadOfKilling) {
  auto guard = install_guard();
  ASSERT_TRUE(guard);
  EXPECT_FALSE(guard->requested());
  EXPECT_FALSE(readable(guard->stop_fd()));
  raise(SIGINT);
  EXPECT_TRUE(guard->requested());
  EXPECT_EQ(guard->signal(), SIGINT);
  EXPECT_EQ(guard->exit_status(), 130);
  EXPECT_TRUE(readable(guard->stop_fd()));
  EXPECT_TRUE(readable(guard->stop_fd())) << "the stop descriptor stays readable";
}

TEST(InterruptGuard, SigtermRequestsAStopToo) {
  auto guard = install_guard();
  ASSERT_TRUE(guard);
  raise(SIGTERM);
  EXPECT_EQ(guard->signal(), SIGTERM);
  EXPECT_EQ(guard->exit_status(), 143);
  EXPECT_TRUE(readable(guard->stop_fd()));
}

TEST(InterruptGuard, TheFirstSignalIsTheOneReported) {
  auto guard = install_guard();
  ASSERT_TRUE(guard);
  raise(SIGINT);
  raise(SIGTERM);
  EXPECT_EQ(guard->signal(), SIGINT);
}

TEST(InterruptGuard, ASecondCtrlCKills) {
  EXPECT_EXIT(
      {
        default_dispositions();
        auto guard = InterruptGuard::install();
        if (!guard) _exit(3);
        raise(SIGINT);
        if (!(*guard)->requested()) _exit(4);
        raise(SIGINT);
        _exit(0);
      },
      ::testing::KilledBySignal(SIGINT), "");
}

int g_previous_handler_calls = 0;
void count_call(int) {
  ++g_previous_handler_calls;
}

TEST(InterruptGuard, DestructionRestoresThePreviousHandlers) {
  DefaultDispositions restore;
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, count_call);
  g_previous_handler_calls = 0;
  {
    auto guard = InterruptGuard::install();  // over this test's own handler, not the defaults
    ASSERT_TRUE(guard.ok());
    raise(SIGINT);
    EXPECT_EQ(g_previous_handler_calls, 0) << "the guard's handler runs instead";
  }
  raise(SIGINT);
  EXPECT_EQ(g_previous_handler_calls, 1);
  struct sigaction terminate {};
  sigaction(SIGTERM, nullptr, &terminate);
  EXPECT_EQ(terminate.sa_handler, SIG_DFL);
}

TEST(InterruptGuard, OneAtATime) {
  auto first = install_guard();
  ASSERT_TRUE(first);
  auto second = InterruptGuard::install();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().errno_value, EBUSY);
  first.reset();
  EXPECT_TRUE(install_guard()) << "a new guard once the first is gone";
}

TEST(InterruptGuard, ANewGuardStartsWithNoStopRequested) {
  {
    auto guard = install_guard();
    ASSERT_TRUE(guard);
    raise(SIGINT);
  }
  auto guard = install_guard();
  ASSERT_TRUE(guard);
  EXPECT_FALSE(guard->requested());
  EXPECT_FALSE(readable(guard->stop_fd()));
}

TEST(InterruptGuard, ASignalIgnoredOnEntryStaysIgnored) {
  DefaultDispositions restore;
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_IGN);
  {
    auto installed = InterruptGuard::install();  // over the ignored SIGINT, not the defaults
    ASSERT_TRUE(installed.ok());
    auto& guard = *installed;
    raise(SIGINT);
    EXPECT_FALSE(guard->requested()) << "started in the background: a Ctrl-C for others does not stop us";
    raise(SIGTERM);
    EXPECT_EQ(guard->signal(), SIGTERM);
  }
  struct sigaction interrupt {};
  sigaction(SIGINT, nullptr, &interrupt);
  EXPECT_EQ(interrupt.sa_handler, SIG_IGN);
}

TEST(InterruptGuard, AForkedChildGetsTheDefaultActionAndDoesNotStopTheParent) {
  auto guard = install_guard();
  ASSERT_TRUE(guard);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    kill(getpid(), SIGINT);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  EXPECT_FALSE(guard->requested());
  EXPECT_FALSE(readable(guard->stop_fd()));
}

/// The value of the hexadecimal mask `field` ("SigBlk", "SigIgn", "SigCgt") in a
/// /proc/PID/status text.
uint64_t status_mask(const std::string& status, const std::string& field) {
  std::istringstream lines(status);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1), nullptr, 16);
  ADD_FAILURE() << "no " << field << " in\n" << status;
  return ~uint64_t{0};
}

uint64_t bit(int signal_number) {
  return uint64_t{1} << (signal_number - 1);
}

// Handlers reset on exec, but blocked masks and ignored dispositions would not: a run
// must start with exactly what it would have had without the guard.
TEST(InterruptGuard, RunsLaunchedMeanwhileInheritNoHandlerNoIgnoredAndNoBlockedSignal) {
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  ASSERT_FALSE(sigismember(&mask, SIGINT) || sigismember(&mask, SIGTERM)) << "the test runner blocks them";
  auto guard = install_guard();
  ASSERT_TRUE(guard);
  raise(SIGTERM);  // also after a handled signal
  bench::Invocation invocation;
  invocation.argv = {"/bin/cat", "/proc/self/status"};
  auto run = bench::launch(invocation);
  ASSERT_TRUE(run.ok()) << run.error().text();
  bench::FinishedRun finished = bench::wait_for(*run, 10);
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  const uint64_t ours = bit(SIGINT) | bit(SIGTERM);
  EXPECT_EQ(status_mask(finished.out, "SigBlk") & ours, 0u);
  EXPECT_EQ(status_mask(finished.out, "SigIgn") & ours, 0u);
  EXPECT_EQ(status_mask(finished.out, "SigCgt") & ours, 0u);
}

}  // namespace
}  // namespace isobench::cli
