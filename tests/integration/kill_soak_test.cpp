// SIGKILL of isobench, at any point of a container's start, leaves nothing behind: no
// process (the test is a child subreaper, so anything that outlives isobench becomes its
// child), no mount, no network namespace, and, once the next run has cleaned up, no cgroup.
// The soak kills a few hundred starts at random points; the KilledIsobench tests pin the
// clean-up of stale cgroups itself. ISOBENCH_KILL_SOAK_ROUNDS and ISOBENCH_KILL_SOAK_SEED
// change the soak's size and order (scripts/kill_soak.sh runs a long one).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"
#include "tests/integration/traced_runner.h"

namespace isobench::integration {
namespace {
namespace fs = std::filesystem;

using KillSoak = IsobenchTest;
using KilledIsobench = IsobenchTest;

uint64_t environment_number(const char* name, uint64_t fallback) {
  const char* text = getenv(name);
  return text && *text ? std::stoull(text) : fallback;
}

/// `isobench run OPTIONS -- COMMAND` with its output discarded: nothing of the test's (no
/// pipe, no process group of its own) keeps a leftover alive or kills it unseen.
pid_t start_quietly(const std::vector<std::string>& options, const std::vector<std::string>& command) {
  std::vector<std::string> argv = run_arguments(options, command);
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

/// Reaps the test's children as they end, until none is left or `deadline` passes.
void wait_for_adopted_children(std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < give_up) {
    pid_t reaped = waitpid(-1, nullptr, WNOHANG | __WALL);
    if (reaped < 0) return;  // no child at all
    if (reaped == 0) std::this_thread::sleep_for(20ms);
  }
}

std::set<std::string> nsfs_mounts_of_net_namespaces() {
  std::set<std::string> out;
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return out;
  std::istringstream lines(*mountinfo);
  for (std::string line; std::getline(lines, line);)
    if (line.find(" - nsfs ") != std::string::npos && line.find("net:[") != std::string::npos) out.insert(line);
  return out;
}

/// A network namespace lives as long as a process in it, a descriptor or a bind mount of it:
/// those of leftover processes (other than the test's own) and new nsfs mounts.
size_t leaked_net_namespaces(const Leftovers& leftovers, const std::set<std::string>& nsfs_before) {
  std::set<std::string> namespaces;
  const std::string ours = host_namespace("net");
  for (const LeftoverProcess& process : leftovers.processes) {
    std::error_code error;
    std::string ns = fs::read_symlink("/proc/" + std::to_string(process.pid) + "/ns/net", error).string();
    if (!error && ns != ours) namespaces.insert(ns);
  }
  for (const std::string& line : nsfs_mounts_of_net_namespaces())
    if (!nsfs_before.count(line)) namespaces.insert(line);
  return namespaces.size();
}

/// The v1 directories of `pid`'s container cgroup (memory, pids, cpuacct), or empty.
std::vector<std::string> container_cgroup_dirs(pid_t pid) {
  std::vector<std::string> dirs;
  for (const char* controller : {"memory", "cpuacct", "pids"}) {
    std::string dir = v1_cgroup_dir_of(pid, controller);
    if (dir.find("/isobench/") != std::string::npos) dirs.push_back(dir);
  }
  return dirs;
}

std::vector<std::string> existing(const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  for (const std::string& dir : dirs)
    if (fs::exists(dir)) out.push_back(dir);
  return out;
}

/// The cgroup directories a (traced) isobench holds locked, from its descriptors.
std::vector<std::string> locked_cgroup_dirs_of(pid_t runner) {
  std::vector<std::string> dirs;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(runner) + "/fd", error)) {
    std::string target = fs::read_symlink(entry.path(), error).string();
    if (!error && target.rfind("/sys/fs/cgroup/", 0) == 0 && fs::is_directory(target, error)) dirs.push_back(target);
  }
  return dirs;
}

/// Starts `isobench run -- inspect sleep 30`, waits for the workload and SIGKILLs isobench:
/// the container dies of it and leaves its (empty) cgroup directories. Returns them.
std::vector<std::string> kill_a_running_container() {
  auto container = start_container({}, {"inspect", "sleep", "30"});
  if (!container.ok()) {
    ADD_FAILURE() << container.error().text();
    return {};
  }
  auto workload = wait_for_workload(container->pid(), "inspect", 10s);
  if (!workload) {
    ADD_FAILURE() << "the workload did not start\n" << container->wait(1s);
    return {};
  }
  std::vector<std::string> dirs = container_cgroup_dirs(*workload);
  container->send_signal(SIGKILL);
  container->wait(10s);
  wait_for_adopted_children(10s);
  return dirs;
}

}  // namespace

TEST_F(KillSoak, IsobenchKilledAtRandomPointsOfItsStartLeavesNothingBehind) {
  const uint64_t rounds = environment_number("ISOBENCH_KILL_SOAK_ROUNDS", 1000);
  const uint64_t seed = environment_number("ISOBENCH_KILL_SOAK_SEED", std::random_device{}());
  // The start takes about 5 ms here (more on a busy host): most kills land inside it,
  // the earliest ones the most often (clone and the child's first steps), a few after exec.
  const double latest_kill_ms = 15;
  const std::vector<std::vector<std::string>> variants = {
      {}, {"--userns"}, {"-u", "1000:1000"}, {"--share", "pid"}, {"--memory", "64m", "--pids-limit", "64"}};
  const HostSnapshot before = take_host_snapshot(image_path());
  const std::set<std::string> nsfs_before = nsfs_mounts_of_net_namespaces();

  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  uint64_t kills = 0, failed_starts = 0;
  for (uint64_t round = 0; round < rounds; ++round) {
    pid_t runner = start_quietly(variants[round % variants.size()], {"inspect", "sleep", "30"});
    if (runner < 0) {
      ++failed_starts;
      continue;
    }
    const double u = unit(random);
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(u * u * latest_kill_ms * 1000)));
    kill(runner, SIGKILL);
    int status = 0;
    waitpid(runner, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++kills;
  }
  // The killed containers die of their death signal, their pid namespaces with them.
  wait_for_adopted_children(10s);
  Leftovers killed = find_leftovers(before, image_path());
  const size_t net_namespaces = leaked_net_namespaces(killed, nsfs_before);
  const size_t stale_cgroup_dirs = killed.cgroup_dirs.size();

  ProcessResult next = run_in_container({}, {"noop"});  // the next run's clean-up
  EXPECT_EQ(next.exit_code, 0) << next;
  Leftovers after = find_leftovers(before, image_path());

  std::cout << "[ kill soak ] " << kills << " kills of " << rounds << " starts (seed " << seed << ", " << failed_starts
            << " failed to fork): left behind " << killed.processes.size() << " processes, " << killed.mounts.size()
            << " mounts, " << net_namespaces << " network namespaces, " << stale_cgroup_dirs
            << " cgroup directories before the next run, " << after.cgroup_dirs.size() << " after it\n";
  RecordProperty("kills", static_cast<int>(kills));
  RecordProperty("leaked_processes", static_cast<int>(killed.processes.size()));
  RecordProperty("leaked_mounts", static_cast<int>(killed.mounts.size()));
  RecordProperty("leaked_net_namespaces", static_cast<int>(net_namespaces));
  RecordProperty("leaked_cgroup_dirs", static_cast<int>(after.cgroup_dirs.size()));

  EXPECT_GT(kills, rounds * 9 / 10) << "most runs should have been killed, not have ended";
  EXPECT_TRUE(killed.processes.empty()) << killed.describe();
  EXPECT_TRUE(killed.mounts.empty()) << killed.describe();
  EXPECT_EQ(net_namespaces, 0u);
  EXPECT_TRUE(after.cgroup_dirs.empty()) << after.describe();
  (void)remove_leftovers(killed);
}

TEST_F(KilledIsobench, LeavesItsEmptyCgroupWhichTheNextRunRemoves) {
  std::vector<std::string> dirs = kill_a_running_container();
  ASSERT_FALSE(dirs.empty()) << "the container had no cgroup below isobench/";
  ASSERT_EQ(existing(dirs), dirs) << "nothing was left to clean: the test proves nothing";
  ProcessResult next = run_in_container({}, {"noop"});
  EXPECT_EQ(next.exit_code, 0) << next;
  EXPECT_TRUE(existing(dirs).empty()) << "the next run left the stale cgroup " << existing(dirs).front();
}

TEST_F(KilledIsobench, LeavesItsEmptyCgroupWhichDoctorRemoves) {
  std::vector<std::string> dirs = kill_a_running_container();
  ASSERT_FALSE(dirs.empty()) << "the container had no cgroup below isobench/";
  ProcessResult doctor = run_isobench({"doctor", "--json"}, 60s);
  EXPECT_EQ(doctor.exit_code, 0) << doctor;
  EXPECT_TRUE(existing(dirs).empty()) << "doctor left the stale cgroup " << existing(dirs).front();
  EXPECT_NE(doctor.out.find("whose isobench was gone"), std::string::npos) << doctor;
}

TEST_F(KilledIsobench, TheNextRunSparesTheEmptyCgroupOfAContainerStillStarting) {
  // Held between creating its cgroup and its init's first instruction: empty, but alive.
  auto traced = TracedRunner::start({}, {"noop"});
  ASSERT_TRUE(traced);
  ASSERT_GT(traced->run_until_the_container_is_cloned(), 0);
  std::vector<std::string> dirs = locked_cgroup_dirs_of(traced->runner());
  ASSERT_FALSE(dirs.empty()) << "isobench holds no cgroup directory at clone time";
  ProcessResult next = run_in_container({}, {"noop"});
  EXPECT_EQ(next.exit_code, 0) << next;
  EXPECT_EQ(existing(dirs), dirs) << "the next run removed a starting container's cgroup";
  traced->kill_runner();
  int status = 0;
  EXPECT_TRUE(traced->release_init_and_wait(status, 10s));
  ProcessResult after = run_in_container({}, {"noop"});  // and now it is stale
  EXPECT_TRUE(existing(dirs).empty()) << "the stale cgroup stayed: " << existing(dirs).front();
}

}  // namespace isobench::integration
