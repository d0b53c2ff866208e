// SIGKILL of `isobench bench` takes its runs with it: every launched target dies with the
// harness, and the workspace's guard force-deletes the containers runc leaves running and
// removes the scratch directory. A bench killed together with its guard leaves the scratch
// directory to the next bench, which never takes a running bench's.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "common/file_io.h"
#include "common/system.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {
namespace fs = std::filesystem;

using BenchKill = IsobenchTest;

/// Live processes in `root`'s tree whose command name is `name`.
std::vector<pid_t> descendants_named(pid_t root, const std::string& name) {
  std::vector<ProcessEntry> table = process_table();
  std::vector<pid_t> tree = {root}, found;
  for (size_t i = 0; i < tree.size(); ++i)
    for (const ProcessEntry& entry : table)
      if (entry.parent == tree[i]) {
        tree.push_back(entry.pid);
        if (entry.name == name) found.push_back(entry.pid);
      }
  return found;
}

std::vector<pid_t> wait_for_descendants(pid_t root, const std::string& name, size_t count) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    auto found = descendants_named(root, name);
    if (found.size() >= count) return found;
    std::this_thread::sleep_for(10ms);
  }
  return descendants_named(root, name);
}


bool ends_within(pid_t pid, std::chrono::milliseconds deadline) {
  UniqueFd fd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!fd) return true;  // gone already
  pollfd gone{fd.get(), POLLIN, 0};
  return poll(&gone, 1, static_cast<int>(deadline.count())) == 1;
}

bool disappears_within(const std::string& path, std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (fs::exists(path)) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

void reap_adopted(std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < give_up) {
    pid_t reaped = waitpid(-1, nullptr, WNOHANG | __WALL);
    if (reaped < 0) return;
    if (reaped == 0) std::this_thread::sleep_for(20ms);
  }
}

Result<ChildProcess> start_bench(const std::string& targets, int concurrency) {
  return ChildProcess::start({ISOBENCH_EXE, "bench", "--targets", targets, "--cmd", "/bin/sleep 15", "--concurrency",
                              std::to_string(concurrency), "--runs", "1", "--warmup", "0", "--memory-runs", "0", "-q"});
}

void expect_runs_die_with_the_bench(const std::string& targets) {
  SCOPED_TRACE("--targets " + targets);
  auto bench = start_bench(targets, 3);
  ASSERT_TRUE(bench.ok()) << bench.error().text();
  std::vector<pid_t> sleeps = wait_for_descendants(bench->pid(), "sleep", 3);
  ASSERT_GE(sleeps.size(), 3u) << bench->wait(1s);
  const std::string scratch = scratch_of(bench->pid());
  ASSERT_FALSE(scratch.empty()) << "the bench holds no scratch directory";

  bench->send_signal(SIGKILL);
  bench->wait(10s);
  for (pid_t sleep : sleeps) EXPECT_TRUE(ends_within(sleep, 10s)) << "run " << sleep << " outlived the killed bench";
  EXPECT_TRUE(disappears_within(scratch, 10s)) << scratch << " outlived the killed bench";
  reap_adopted(10s);  // the guard, once done
}

}  // namespace

TEST_F(BenchKill, ItsRunsAndScratchDirectoryDieWithIt) {
  if (access((image_path() + "/bin/sleep").c_str(), X_OK) != 0)
    GTEST_SKIP() << "no sleep in the image (busybox-static)";
  expect_runs_die_with_the_bench("bare");
  expect_runs_die_with_the_bench("isobench");
  if (!find_program("runc").empty()) expect_runs_die_with_the_bench("runc");
  ProcessResult next = run_in_container({}, {"noop"});  // stale cgroups of the killed runs, if any
  EXPECT_EQ(next.exit_code, 0) << next;
}

TEST_F(BenchKill, TheNextBenchRemovesTheScratchOfABenchKilledWithItsGuardButNotARunningOnes) {
  if (access((image_path() + "/bin/sleep").c_str(), X_OK) != 0)
    GTEST_SKIP() << "no sleep in the image (busybox-static)";
  auto killed = start_bench("bare", 1);
  ASSERT_TRUE(killed.ok()) << killed.error().text();
  ASSERT_FALSE(wait_for_descendants(killed->pid(), "sleep", 1).empty()) << killed->wait(1s);
  const std::string stale = scratch_of(killed->pid());
  std::vector<pid_t> guards = descendants_named(killed->pid(), "isobench-guard");
  ASSERT_EQ(guards.size(), 1u) << "the bench has no guard";
  ::kill(guards[0], SIGKILL);  // as when the whole process group is killed
  killed->send_signal(SIGKILL);
  killed->wait(10s);
  reap_adopted(5s);
  ASSERT_TRUE(fs::exists(stale)) << "nothing was left for the next bench to clean";

  auto running = start_bench("bare", 1);
  ASSERT_TRUE(running.ok()) << running.error().text();
  ASSERT_FALSE(wait_for_descendants(running->pid(), "sleep", 1).empty()) << running->wait(1s);
  const std::string live = scratch_of(running->pid());

  ProcessResult next = run_isobench({"bench", "--targets", "bare", "--workloads", "noop", "--runs", "1", "--warmup",
                                     "0", "--memory-runs", "0", "-q"});
  EXPECT_EQ(next.exit_code, 0) << next;
  EXPECT_FALSE(fs::exists(stale)) << "the next bench left the stale scratch directory " << stale;
  EXPECT_TRUE(fs::exists(live)) << "the next bench removed a running bench's scratch directory";

  running->send_signal(SIGKILL);
  running->wait(10s);
  EXPECT_TRUE(disappears_within(live, 10s));
  reap_adopted(10s);
}

}  // namespace isobench::integration
