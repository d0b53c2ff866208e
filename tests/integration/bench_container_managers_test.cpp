// The container managers and engines among the bench's targets: systemd-nspawn, LXC, podman
// and Docker run the image's workloads with the start handshake (descriptor 3, or Docker's
// FIFO), isolated as the other containers are, and leave nothing on the host (their locks
// under /run, LXC's cgroups, the bench's own dockerd and containerd; the fixture checks
// mounts, cgroups below isobench/ and processes).
#include <unistd.h>

#include <dirent.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "common/system.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class BenchContainerManagers : public IsobenchTest {
 protected:
  void SetUp() override {
    IsobenchTest::SetUp();
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
  }
  /// `bench --targets TARGET ARGS...` into --json; the parsed results, or null.
  Json bench(const std::string& target, std::vector<std::string> args) {
    std::vector<std::string> argv = {"bench", "--targets", target, "--warmup", "0", "-q", "-o", json_path_};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult run = run_isobench(argv, 180s);
    EXPECT_EQ(run.exit_code, 0) << run;
    auto text = read_file(json_path_);
    return run.exit_code == 0 && text ? parse_json(*text) : Json();
  }
  void expect_every_run_ok_with_a_startup(const Json& doc, const std::string& target) {
    ASSERT_TRUE(doc.is_object());
    int runs = 0;
    for (const Json& record : doc["runs"]) {
      if (record.value("target", "") != target) continue;
      ++runs;
      EXPECT_TRUE(record.value("ok", false)) << record.dump();
      if (!record.value("memory_round", false))
        EXPECT_TRUE(record.contains("startup_ms") && record["startup_ms"].is_number())
            << "the workload signalled its start on descriptor 3: " << record.dump();
    }
    EXPECT_EQ(runs, 3) << "two timed runs and one memory round";
  }
  /// What the container sees, checked by a shell of the built-in image: each check that
  /// fails says so on stderr (the run's error) and fails the run. The shell runs under the
  /// start stamper, which takes the handshake (descriptor 3, or the FIFO at `fifo` for a
  /// target that passes no descriptor in) and removes its variables: the startup figure says
  /// it arrived, and the shell sees neither variable.
  void expect_isolated(const std::string& target, const std::string& fifo = "") {
    if (access((image_path() + "/bin/sh").c_str(), X_OK) != 0) GTEST_SKIP() << "no busybox shell in the image";
    const std::string script =
        "f=0; "
        "touch /isobench-probe 2>/dev/null && { echo \"the root is writable\" >&2; f=1; }; "
        "test \"$(ls /sys/class/net)\" = lo || { echo \"network devices: $(ls /sys/class/net)\" >&2; f=1; }; "
        "test -z \"$ISOBENCH_START_FD$ISOBENCH_START_PATH\" || { echo \"the handshake variables reached the command\" >&2; f=1; }; "
        "test \"$HOME\" = /root || { echo \"HOME=$HOME\" >&2; f=1; }; " +
        (fifo.empty() ? std::string() : "test -p " + fifo + " || { echo \"no FIFO at " + fifo + "\" >&2; f=1; }; ") +
        "test \"$(pwd)\" = / || { echo \"working directory $(pwd)\" >&2; f=1; }; "
        "test -w /tmp || { echo \"/tmp is not writable\" >&2; f=1; }; exit $f";
    Json doc = bench(target, {"--cmd", "/bin/sh -c '" + script + "'", "--runs", "1", "--memory-runs", "0"});
    ASSERT_TRUE(doc.is_object());
    ASSERT_EQ(doc["runs"].size(), 1u);
    const Json& record = doc["runs"][0];
    EXPECT_TRUE(record.value("ok", false)) << record.dump();
    EXPECT_TRUE(record.contains("startup_ms") && record["startup_ms"].is_number())
        << "the stamper's handshake did not arrive: " << record.dump();
  }

  TemporaryDirectory scratch_;
  const std::string json_path_ = scratch_.path() + "/results.json";
};

/// Processes whose command line names `program` and a bench scratch directory: a daemon the
/// bench started and left running.
std::vector<std::string> bench_daemons(const std::string& program) {
  std::vector<std::string> found;
  DIR* proc = opendir("/proc");
  if (!proc) return found;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    auto command = read_file(std::string("/proc/") + entry->d_name + "/cmdline");
    if (!command) continue;
    for (char& c : *command)
      if (c == '\0') c = ' ';
    if (command->find(program) != std::string::npos && command->find("/isobench-bench-") != std::string::npos)
      found.push_back(std::string(entry->d_name) + ": " + *command);
  }
  closedir(proc);
  return found;
}

/// containerd shims that the host's PID 1 adopted: what a dockerd without a subreaper above
/// it leaves (the shim outlives its parent), with its container's CPU.
int shims_adopted_by_init() {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto stat = read_file(entry.path().string() + "/stat");
    if (!stat) continue;
    const size_t open = stat->find('('), close = stat->rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat->substr(close + 2));
    std::string state;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == 1 && stat->compare(open + 1, 15, "containerd-shim") == 0) ++count;
  }
  return count;
}

#define SKIP_UNLESS_INSTALLED(program, package) \
  if (find_program(program).empty()) GTEST_SKIP() << program << " is not installed (apt-get install " package ")"

TEST_F(BenchContainerManagers, NspawnRunsTheBuiltinWorkloadWithItsStartHandshake) {
  SKIP_UNLESS_INSTALLED("systemd-nspawn", "systemd-container");
  const bool had_nspawn_state = std::filesystem::exists("/run/systemd/nspawn");
  expect_every_run_ok_with_a_startup(bench("nspawn", {"--workloads", "noop", "--runs", "2", "--memory-runs", "1"}),
                                     "nspawn");
  if (!had_nspawn_state) EXPECT_FALSE(std::filesystem::exists("/run/systemd/nspawn")) << "nspawn's locks on the host";
}

TEST_F(BenchContainerManagers, LxcRunsTheBuiltinWorkloadWithItsStartHandshake) {
  SKIP_UNLESS_INSTALLED("lxc-execute", "lxc");
  const bool had_lxc_state = std::filesystem::exists("/run/lxc");
  expect_every_run_ok_with_a_startup(bench("lxc", {"--workloads", "noop", "--runs", "2", "--memory-runs", "1"}), "lxc");
  if (!had_lxc_state) EXPECT_FALSE(std::filesystem::exists("/run/lxc")) << "LXC's locks on the host";
  for (const char* hierarchy : {"memory", "cpu", "pids", "freezer"})
    EXPECT_FALSE(std::filesystem::exists(std::string("/sys/fs/cgroup/") + hierarchy + "/lxc.pivot"))
        << "LXC's pivot cgroup at the hierarchy's root";
}

TEST_F(BenchContainerManagers, NspawnIsolatesLikeTheOtherContainers) {
  SKIP_UNLESS_INSTALLED("systemd-nspawn", "systemd-container");
  expect_isolated("nspawn");
}

TEST_F(BenchContainerManagers, LxcIsolatesLikeTheOtherContainers) {
  SKIP_UNLESS_INSTALLED("lxc-execute", "lxc");
  expect_isolated("lxc");
}

TEST_F(BenchContainerManagers, DockerRunsTheBuiltinWorkloadOnADaemonOfItsOwnWithAFifoHandshake) {
  SKIP_UNLESS_INSTALLED("dockerd", "docker.io");
  if (std::getenv("DOCKER_HOST")) GTEST_SKIP() << "DOCKER_HOST names a daemon of the user's";
  const int adopted_before = shims_adopted_by_init();
  Json doc = bench("docker", {"--workloads", "noop", "--runs", "2", "--memory-runs", "1"});
  expect_every_run_ok_with_a_startup(doc, "docker");
  EXPECT_EQ(shims_adopted_by_init(), adopted_before) << "a shim went to the host's init, its CPU lost";
  EXPECT_TRUE(bench_daemons("dockerd").empty()) << bench_daemons("dockerd")[0];
  EXPECT_TRUE(bench_daemons("containerd").empty()) << bench_daemons("containerd")[0];
  ASSERT_TRUE(doc.is_object());
  for (const Json& record : doc["runs"])
    if (!record.value("memory_round", false))
      EXPECT_GT(record.value("daemon_cpu_ms", 0.0), 0) << "the daemon's work is charged to the run: " << record.dump();
  bool told_rest = false;
  for (const Json& target : doc["targets"])
    for (const Json& note : target["notes"])
      told_rest = told_rest || note.get<std::string>().find("at rest") != std::string::npos;
  EXPECT_TRUE(told_rest) << "the daemon's resting cost is in the notes: " << doc["targets"].dump();
}

TEST_F(BenchContainerManagers, PodmanRunsTheBuiltinWorkloadWithItsStartHandshake) {
  SKIP_UNLESS_INSTALLED("podman", "podman");
  expect_every_run_ok_with_a_startup(bench("podman", {"--workloads", "noop", "--runs", "2", "--memory-runs", "1"}),
                                     "podman");
  EXPECT_TRUE(bench_daemons("conmon").empty()) << bench_daemons("conmon")[0];
}

TEST_F(BenchContainerManagers, GvisorRunsTheBuiltinWorkloadWithAStartInsideItsRun) {
  SKIP_UNLESS_INSTALLED("runsc", "runsc");
  Json doc = bench("runsc", {"--workloads", "noop", "--runs", "2", "--memory-runs", "1"});
  expect_every_run_ok_with_a_startup(doc, "runsc");
  ASSERT_TRUE(doc.is_object());
  // The sentry's CLOCK_MONOTONIC starts at the sandbox's boot: a stamp on it, taken as the
  // host's, would put the start before the launch (or hours after it).
  for (const Json& record : doc["runs"]) {
    if (record.value("memory_round", false) || !record.contains("startup_ms")) continue;
    EXPECT_GT(record["startup_ms"].get<double>(), 0) << record.dump();
    EXPECT_LT(record["startup_ms"].get<double>(), record.value("wall_ms", 0.0)) << record.dump();
  }
}

TEST_F(BenchContainerManagers, GvisorIsolatesLikeTheOtherContainers) {
  SKIP_UNLESS_INSTALLED("runsc", "runsc");
  expect_isolated("runsc", "/run/isobench-start");
}

TEST_F(BenchContainerManagers, DockerIsolatesLikeTheOtherContainers) {
  SKIP_UNLESS_INSTALLED("dockerd", "docker.io");
  expect_isolated("docker", "/run/isobench-start");
}

TEST_F(BenchContainerManagers, PodmanIsolatesLikeTheOtherContainers) {
  SKIP_UNLESS_INSTALLED("podman", "podman");
  expect_isolated("podman");
}

}  // namespace
}  // namespace isobench::integration
