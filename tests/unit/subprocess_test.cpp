// The one owner of child processes: typed exit statuses, kill-and-reap, and no process or
// zombie left behind by a destructor, whatever the owner did.
#include "common/subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>

namespace isobench {
namespace {

/// Whether `pid` is still our child, alive or a zombie not reaped: waitid fails with ECHILD
/// once it is reaped.
bool still_our_child(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

Subprocess spawned(const std::vector<std::string>& argv, const SpawnOptions& options = {}) {
  auto child = spawn(argv, options);
  if (!child) ADD_FAILURE() << child.error().text();
  return child ? std::move(*child) : Subprocess();
}

TEST(ExitStatus, AnExitAndASignalAreToldApart) {
  ExitStatus exited = ExitStatus::from_wait_status(3 << 8);
  EXPECT_TRUE(exited.exited());
  EXPECT_EQ(exited.code, 3);
  EXPECT_EQ(exited.shell_code(), 3);
  ExitStatus killed = ExitStatus::from_wait_status(SIGKILL);
  EXPECT_FALSE(killed.exited());
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(killed.shell_code(), 128 + SIGKILL);
  EXPECT_FALSE(killed.succeeded());
}

TEST(Subprocess, TrueSucceedsAndFalseExitsOne) {
  Subprocess yes = spawned({"/bin/true"});
  EXPECT_TRUE(yes.running());
  EXPECT_TRUE(yes.wait().succeeded());
  EXPECT_FALSE(yes.running());
  EXPECT_FALSE(still_our_child(yes.pid()));
  Subprocess no = spawned({"/bin/false"});
  EXPECT_EQ(no.wait(), (ExitStatus{1, 0}));
  EXPECT_EQ(no.wait(), (ExitStatus{1, 0})) << "a second wait gives the stored status";
}

TEST(Subprocess, EveryChildHasACloseOnExecPidfd) {
  Subprocess child = spawned({"/bin/true"});
  ASSERT_GE(child.pidfd(), 0);
  EXPECT_TRUE(fcntl(child.pidfd(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(child.exits_within(10000));
  child.wait();
}

TEST(Subprocess, TheDestructorKillsAndReapsARunningChild) {
  pid_t pid = -1;
  auto started = std::chrono::steady_clock::now();
  {
    Subprocess sleeper = spawned({"/bin/sleep", "30"});
    pid = sleeper.pid();
    EXPECT_FALSE(sleeper.exits_within(0));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  siginfo_t info{};
  EXPECT_NE(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG), 0);
  EXPECT_EQ(errno, ECHILD) << "reaped: no zombie left";
}

TEST(Subprocess, KillAndReapReportsTheSignal) {
  Subprocess sleeper = spawned({"/bin/sleep", "30"});
  rusage usage{};
  EXPECT_EQ(sleeper.kill_and_reap(&usage), (ExitStatus{0, SIGKILL}));
  EXPECT_FALSE(still_our_child(sleeper.pid()));
}

TEST(Subprocess, MovingHandsOverTheChildAndAssigningOverOneReapsIt) {
  Subprocess first = spawned({"/bin/sleep", "30"});
  const pid_t first_pid = first.pid();
  Subprocess moved = std::move(first);
  EXPECT_FALSE(first.running());  // NOLINT: moved-from state is specified
  EXPECT_EQ(moved.pid(), first_pid);
  moved = spawned({"/bin/true"});
  EXPECT_FALSE(still_our_child(first_pid)) << "the child assigned over was killed and reaped";
  EXPECT_TRUE(moved.wait().succeeded());
}

TEST(Subprocess, AProgramThatCannotRunExits127AndCanSaySo) {
  Subprocess missing = spawned({"/nonexistent/program"});
  EXPECT_EQ(missing.wait().code, 127);
  auto told = run_command({"/bin/sh", "-c", "exec 2>&1; exec /nonexistent/program"});
  ASSERT_TRUE(told.ok());
  EXPECT_EQ(told->status.code, 127);
}

TEST(Subprocess, SearchPathFindsAProgramByName) {
  SpawnOptions options;
  options.search_path = true;
  options.stdout_fd = SpawnOptions::kNull;
  EXPECT_TRUE(spawned({"true"}, options).wait().succeeded());
}

TEST(Subprocess, AFailedExecIsReportedOnTheChildsStderr) {
  int ends[2];
  ASSERT_EQ(pipe2(ends, O_CLOEXEC), 0);
  UniqueFd read_end(ends[0]), write_end(ends[1]);
  SpawnOptions options;
  options.stderr_fd = write_end.get();
  options.report_exec_failure = true;
  Subprocess missing = spawned({"/nonexistent/program"}, options);
  write_end.reset();
  EXPECT_EQ(missing.wait().code, 127);
  char text[256] = {};
  ASSERT_GT(read(read_end.get(), text, sizeof text - 1), 0);
  EXPECT_EQ(std::string(text), "isobench: cannot run /nonexistent/program: No such file or directory\n");
}

TEST(RunCommand, CapturesStdoutAndStderrTogether) {
  auto ran = run_command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(ran.ok()) << ran.error().text();
  EXPECT_EQ(ran->status.code, 3);
  EXPECT_EQ(ran->output, "out\nerr\n");
}

TEST(RunCommand, KeepsNoMoreThanTheLimitButReadsToTheEnd) {
  CommandOptions options;
  options.output_limit = 4;
  auto ran = run_command({"/bin/sh", "-c", "head -c 100000 /dev/zero; exit 5"}, options);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(ran->output.size(), 4u);
  EXPECT_EQ(ran->status.code, 5) << "the program ran to its end, not into a full pipe";
}

TEST(RunCommand, DiscardedOutputIsGoneAndTheStatusKept) {
  CommandOptions options;
  options.output = CommandOptions::Output::kDiscard;
  options.null_stdin = true;
  auto ran = run_command({"/bin/sh", "-c", "echo lost; read line; exit $?"}, options);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(ran->output, "");
  EXPECT_EQ(ran->status.code, 1) << "stdin was /dev/null: read hit EOF";
}

TEST(RunCommand, NoDescriptorOfOursReachesTheProgram) {
  // What the program may hold: stdin, the capture pipe on 1 and 2, and what this test
  // process itself inherited without close-on-exec; no pidfd, pipe end or /dev/null of ours.
  std::set<int> expected = {0, 1, 2};
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = std::stoi(entry.path().filename().string());
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) expected.insert(fd);
  }
  // ls lists the shell's descriptors ($$), not its own.
  auto ran = run_command({"/bin/sh", "-c", "ls /proc/$$/fd"});
  ASSERT_TRUE(ran.ok());
  std::set<int> held;
  std::istringstream lines(ran->output);
  for (std::string line; std::getline(lines, line);) held.insert(std::stoi(line));
  EXPECT_EQ(held, expected) << ran->output;
}

}  // namespace
}  // namespace isobench
