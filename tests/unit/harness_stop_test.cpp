// A stop request (HarnessOptions::stop_fd readable): the waits wake at once, every run in
// flight is killed and reaped, nothing more starts, and the benchmark hands back what it
// measured before, marked interrupted, with nothing of the cell that was cut short. Runs
// are host processes of the bare target (true and sleep, from a two-program image): no
// root needed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "bench/harness/harness.h"
#include "bench/harness/run_launch.h"
#include "common/file_io.h"
#include "tests/fakes/stop_switch.h"

namespace isobench::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

LaunchedRun launch_command(const std::vector<std::string>& argv) {
  Invocation invocation;
  invocation.argv = argv;
  auto run = launch(invocation);
  if (!run) ADD_FAILURE() << run.error().text();
  return run ? std::move(*run) : LaunchedRun{};
}

/// Whether `pid` is still our child, alive or a zombie not reaped.
bool still_our_child(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/// Processes whose command line has the argument `marker`.
int processes_with_argument(const std::string& marker) {
  int found = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    auto cmdline = read_file(entry.path().string() + "/cmdline");
    if (cmdline && cmdline->find(std::string(1, '\0') + marker + '\0') != std::string::npos) ++found;
  }
  return found;
}

/// An image of two programs, copies of the host's true and sleep, for the bare target (which
/// runs the image's program from the host).
class TinyImage {
 public:
  TinyImage() {
    char pattern[] = "/tmp/isobench-harness-stop-XXXXXX";
    if (!mkdtemp(pattern)) return;
    root_ = pattern;
    std::error_code error;
    std::filesystem::create_directories(root_ + "/bin", error);
    for (const char* program : {"true", "sleep"})
      std::filesystem::copy_file(std::string("/bin/") + program, root_ + "/bin/" + program, error);
    if (error) ADD_FAILURE() << "cannot make the image in " << root_ << ": " << error.message();
  }
  ~TinyImage() {
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }
  TinyImage(const TinyImage&) = delete;
  TinyImage& operator=(const TinyImage&) = delete;
  TargetContext context() const { return TargetContext{"", root_, "", std::nullopt}; }

 private:
  std::string root_;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(WaitForAllStop, AStopKillsAndReapsEveryRunAtOnceMarkingThemInterrupted) {
  StopSwitch stop;
  LaunchedRun first = launch_command({"/bin/sleep", "30"});
  LaunchedRun second = launch_command({"/bin/sleep", "30"});
  std::vector<LaunchedRun*> runs = {&first, &second};
  auto started = Clock::now();
  auto stopper = stop.stop_after(100ms);
  std::vector<FinishedRun> finished = wait_for_all(runs, 60, stop.fd());
  EXPECT_LT(seconds_since(started), 5) << "the wait woke for the stop, not the runs' end";
  ASSERT_EQ(finished.size(), 2u);
  for (const FinishedRun& run : finished) {
    EXPECT_TRUE(run.interrupted);
    EXPECT_FALSE(run.timed_out);
    EXPECT_EQ(run.exit_code, 128 + SIGKILL);
    EXPECT_FALSE(still_our_child(run.pid)) << "not reaped";
  }
}

TEST(WaitForAllStop, RunsThatEndedBeforeTheStopKeepTheirOutcome) {
  StopSwitch stop;
  LaunchedRun quick = launch_command({"/bin/true"});
  LaunchedRun slow = launch_command({"/bin/sleep", "30"});
  std::vector<LaunchedRun*> runs = {&quick, &slow};
  auto stopper = stop.stop_after(500ms);
  std::vector<FinishedRun> finished = wait_for_all(runs, 60, stop.fd());
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_FALSE(finished[0].interrupted);
  EXPECT_EQ(finished[0].exit_code, 0);
  EXPECT_TRUE(finished[1].interrupted);
}

TEST(WaitForAllStop, AStopAlreadyRequestedEndsTheWaitAtOnce) {
  StopSwitch stop;
  stop.stop();
  LaunchedRun run = launch_command({"/bin/sleep", "30"});
  std::vector<LaunchedRun*> runs = {&run};
  auto started = Clock::now();
  std::vector<FinishedRun> finished = wait_for_all(runs, 60, stop.fd());
  EXPECT_LT(seconds_since(started), 5);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_TRUE(finished[0].interrupted);
}

TEST(Launch, SocketActivationAnnouncesTheHandshakeWithTheSpawnedProcesssOwnPid) {
  // What systemd-nspawn checks before it passes descriptor 3 on: LISTEN_PID is its own pid.
  Invocation invocation;
  invocation.argv = {"/bin/sh", "-c", "echo \"$LISTEN_PID $$ $LISTEN_FDS\"; test -e /proc/self/fd/3"};
  invocation.env = {"PATH=/bin"};
  invocation.socket_activation = true;
  auto run = launch(invocation);
  ASSERT_TRUE(run) << run.error().text();
  FinishedRun finished = wait_for(*run, 10);
  EXPECT_EQ(finished.exit_code, 0) << "descriptor 3 is open: " << finished.err;
  EXPECT_EQ(finished.out, std::to_string(finished.pid) + " " + std::to_string(finished.pid) + " 1\n");
}

TEST(Launch, WithoutSocketActivationNothingIsAnnounced) {
  Invocation invocation;
  invocation.argv = {"/bin/sh", "-c", "echo \"[$LISTEN_PID$LISTEN_FDS]\""};
  auto run = launch(invocation);
  ASSERT_TRUE(run) << run.error().text();
  EXPECT_EQ(wait_for(*run, 10).out, "[]\n");
}

/// A directory of the test's own under /tmp, removed with what is in it however the test ends.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    char dir[] = "/tmp/isobench-launch-test-XXXXXX";
    if (mkdtemp(dir)) path_ = dir;
  }
  ~ScratchDirectory() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::string& path() const { return path_; }
  /// A FIFO in it, as a target makes one for the start handshake; "" when none could be made.
  std::string fifo() const {
    const std::string fifo = path_ + "/start";
    return !path_.empty() && mkfifo(fifo.c_str(), 0600) == 0 ? fifo : "";
  }

 private:
  std::string path_;
};

TEST(Launch, AStartFifoCarriesTheHandshakeInsteadOfDescriptor3) {
  ScratchDirectory scratch;
  const std::string fifo = scratch.fifo();
  ASSERT_FALSE(fifo.empty());
  Invocation invocation;
  // 8 bytes, as a workload writes its start time; no descriptor 3 is given.
  invocation.argv = {"/bin/sh", "-c", "test ! -e /proc/self/fd/3 && printf 12345678 > \"$0\"", fifo};
  invocation.start_fifo = fifo;
  auto run = launch(invocation);
  ASSERT_TRUE(run) << run.error().text();
  FinishedRun finished = wait_for(*run, 10);
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  int64_t expected = 0;
  std::memcpy(&expected, "12345678", sizeof expected);
  EXPECT_EQ(finished.start_ns, expected);
}

TEST(Launch, ADescriptorTheHarnessInheritedDoesNotReachTheTarget) {
  // As a shell or a CI runner leaves one open: no close-on-exec, at 3 and above.
  UniqueFd opened(open("/etc/hostname", O_RDONLY));
  ASSERT_TRUE(opened);
  UniqueFd leaked(fcntl(opened.get(), F_DUPFD, 50));  // not 3, which the pipe's end replaces
  ASSERT_TRUE(leaked);
  const std::string path = "/proc/self/fd/" + std::to_string(leaked.get());
  for (bool with_fifo : {false, true}) {
    ScratchDirectory scratch;
    const std::string fifo = scratch.fifo();
    ASSERT_FALSE(fifo.empty());
    Invocation invocation;
    invocation.argv = {"/bin/sh", "-c", "ls /proc/self/fd; test ! -e \"$0\"", path};
    if (with_fifo) invocation.start_fifo = fifo;
    auto run = launch(invocation);
    ASSERT_TRUE(run) << run.error().text();
    FinishedRun finished = wait_for(*run, 10);
    EXPECT_EQ(finished.exit_code, 0) << (with_fifo ? "FIFO: " : "pipe: ") << finished.out;
  }
}

TEST(Launch, ARootDirectoryIsTheTargetsWholeView) {
  if (geteuid() != 0) GTEST_SKIP() << "chroot needs root";
  if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "needs busybox-static's /bin/busybox, a static program";
  ScratchDirectory scratch;
  ASSERT_FALSE(scratch.path().empty());
  const std::string& root = scratch.path();
  std::filesystem::create_directories(root + "/bin");
  std::filesystem::copy_file("/bin/busybox", root + "/bin/busybox");
  std::ofstream(root + "/marker") << "in the root\n";
  Invocation invocation;
  // The host's /etc/hostname is out of its reach, and it starts in its root.
  invocation.argv = {"/bin/busybox", "sh", "-c", "busybox cat marker && test ! -e /etc/hostname && pwd"};
  invocation.root_directory = root;
  auto run = launch(invocation);
  ASSERT_TRUE(run) << run.error().text();
  FinishedRun finished = wait_for(*run, 10);
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(finished.out, "in the root\n/\n");
}

TEST(Launch, AStartFifoThatIsNotAFifoIsRefused) {
  Invocation invocation;
  invocation.argv = {"/bin/true"};
  invocation.start_fifo = "/etc/passwd";
  auto run = launch(invocation);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().text().find("not a FIFO"), std::string::npos) << run.error().text();
}

TEST(StopRequested, OnlyAReadableDescriptorRequestsAStop) {
  StopSwitch stop;
  EXPECT_FALSE(stop_requested(-1));
  EXPECT_FALSE(stop_requested(stop.fd()));
  stop.stop();
  EXPECT_TRUE(stop_requested(stop.fd()));
  EXPECT_TRUE(stop_requested(stop.fd())) << "polling does not consume it";
}

HarnessOptions bare_options(const std::vector<std::string>& command, int stop_fd) {
  HarnessOptions options;
  options.targets = {"bare"};
  options.workloads = {custom_command(command)};
  options.runs = 5;
  options.warmup = 0;
  options.memory_runs = 0;  // as root, memory rounds would make cgroups
  options.timeout_seconds = 60;
  options.stop_fd = stop_fd;
  return options;
}

TEST(RunBenchmarkStop, AStopBeforeTheStartRunsNothing) {
  TinyImage image;
  StopSwitch stop;
  stop.stop();
  auto results = run_benchmark(bare_options({"/bin/true"}, stop.fd()), image.context());
  ASSERT_TRUE(results.ok()) << "an interrupted benchmark is no error: " << results.error().text();
  EXPECT_TRUE(results->interrupted);
  EXPECT_TRUE(results->records.empty());
}

TEST(RunBenchmarkStop, AStopBetweenRoundsKeepsTheFinishedRoundsAndStartsNoMore) {
  TinyImage image;
  StopSwitch stop;
  HarnessOptions options = bare_options({"/bin/true"}, stop.fd());
  options.warmup = 1;
  options.memory_runs = 1;
  auto after_two_rounds = [&](int round, int, const std::string&) {
    if (round == 1) stop.stop();
  };
  auto results = run_benchmark(options, image.context(), after_two_rounds);
  ASSERT_TRUE(results.ok()) << results.error().text();
  EXPECT_TRUE(results->interrupted);
  ASSERT_EQ(results->records.size(), 2u) << "rounds 0 and 1, then nothing: no memory round either";
  for (size_t i = 0; i < results->records.size(); ++i) {
    EXPECT_EQ(results->records[i].round, static_cast<int>(i));
    EXPECT_TRUE(results->records[i].ok) << results->records[i].error;
    EXPECT_FALSE(results->records[i].memory_round);
  }
}

TEST(RunBenchmarkStop, AStopDuringARunKillsItsWholeCellAndRecordsNoneOfIt) {
  TinyImage image;
  StopSwitch stop;
  const std::string marker = "30.0" + std::to_string(getpid());  // a sleep of ours, told apart
  HarnessOptions options = bare_options({"/bin/sleep", marker}, stop.fd());
  options.concurrency = {3};
  auto started = Clock::now();
  auto stopper = stop.stop_after(300ms);
  auto results = run_benchmark(options, image.context());
  EXPECT_LT(seconds_since(started), 5);
  ASSERT_TRUE(results.ok()) << results.error().text();
  EXPECT_TRUE(results->interrupted);
  EXPECT_TRUE(results->records.empty()) << "killed runs are neither measurements nor failures";
  EXPECT_EQ(processes_with_argument(marker), 0) << "a run outlived the stop";
}

TEST(RunBenchmarkStop, WithoutAStopTheResultsAreNotInterrupted) {
  TinyImage image;
  StopSwitch stop;
  HarnessOptions options = bare_options({"/bin/true"}, stop.fd());
  options.runs = 2;
  auto results = run_benchmark(options, image.context());
  ASSERT_TRUE(results.ok()) << results.error().text();
  EXPECT_FALSE(results->interrupted);
  EXPECT_EQ(results->records.size(), 2u);
}

}  // namespace
}  // namespace isobench::bench
