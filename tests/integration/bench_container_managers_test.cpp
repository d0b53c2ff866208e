// The container managers among the bench's targets: systemd-nspawn and LXC run the image's
// workloads with the start handshake passed in, isolated as the other containers are, and
// leave nothing on the host (their locks under /run, LXC's cgroups; the fixture checks
// mounts, cgroups below isobench/ and processes).
#include <unistd.h>

#include <filesystem>
#include <string>

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
  /// fails says so on stderr (the run's error) and fails the run.
  void expect_isolated(const std::string& target) {
    if (access((image_path() + "/bin/sh").c_str(), X_OK) != 0) GTEST_SKIP() << "no busybox shell in the image";
    const std::string script =
        "f=0; "
        "touch /isobench-probe 2>/dev/null && { echo \"the root is writable\" >&2; f=1; }; "
        "test \"$(ls /sys/class/net)\" = lo || { echo \"network devices: $(ls /sys/class/net)\" >&2; f=1; }; "
        "test \"$ISOBENCH_START_FD\" = 3 || { echo \"ISOBENCH_START_FD=$ISOBENCH_START_FD\" >&2; f=1; }; "
        "test \"$HOME\" = /root || { echo \"HOME=$HOME\" >&2; f=1; }; "
        "test -e /proc/self/fd/3 || { echo \"descriptor 3 did not arrive\" >&2; f=1; }; "
        "test \"$(pwd)\" = / || { echo \"working directory $(pwd)\" >&2; f=1; }; "
        "test -w /tmp || { echo \"/tmp is not writable\" >&2; f=1; }; exit $f";
    Json doc = bench(target, {"--cmd", "/bin/sh -c '" + script + "'", "--runs", "1", "--memory-runs", "0"});
    ASSERT_TRUE(doc.is_object());
    ASSERT_EQ(doc["runs"].size(), 1u);
    const Json& record = doc["runs"][0];
    EXPECT_TRUE(record.value("ok", false)) << record.dump();
  }

  TemporaryDirectory scratch_;
  const std::string json_path_ = scratch_.path() + "/results.json";
};

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

}  // namespace
}  // namespace isobench::integration
