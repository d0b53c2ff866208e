// Resource limits reach the kernel: the container's cgroup holds them, and a workload that
// exceeds them is stopped the documented way.
#include <unistd.h>

#include <map>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using Limits = IsobenchTest;

/// Files of a running container's cgroup, read while it ran.
struct CgroupFiles {
  std::string dir;
  std::map<std::string, std::string> values;  ///< file name -> trimmed contents
};

/// Starts `isobench run OPTIONS -- inspect sleep 2`, reads FILES from the v1 cgroup of
/// CONTROLLER its init is in while it runs, then lets it finish normally.
void read_cgroup_files_of_running_container(const std::vector<std::string>& options, const std::string& controller,
                                            const std::vector<std::string>& files, CgroupFiles& out) {
  auto container = start_container(options, {"inspect", "sleep", "2"});
  ASSERT_TRUE(container.ok()) << container.error().text();
  std::optional<pid_t> init = wait_for_workload(container->pid(), "inspect", 10s);
  ASSERT_TRUE(init) << "the container never exec'd its command\n" << container->wait(1s);

  out.dir = v1_cgroup_dir_of(*init, controller);
  ASSERT_EQ(out.dir.rfind("/sys/fs/cgroup/" + controller + "/isobench/", 0), 0u)
      << "the container's init is not in an isobench " << controller << " cgroup: '" << out.dir << "'";
  for (const std::string& file : files) {
    auto value = read_file(out.dir + "/" + file);
    ASSERT_TRUE(value.ok()) << value.error().text();
    out.values[file] = trim(*value);
  }

  ProcessResult finished = container->wait(kRunDeadline);
  EXPECT_EQ(finished.exit_code, 0) << finished;
}

bool host_has_v1_controller(const std::string& controller) {
  return access(("/sys/fs/cgroup/" + controller + "/cgroup.procs").c_str(), F_OK) == 0;
}

TEST_F(Limits, MemoryLimitOomKillsTheWorkloadWithExitCode137) {
  ProcessResult run = run_in_container({"--memory", "32m"}, {"mem", "--size", "64m"});
  EXPECT_EQ(run.exit_code, 137) << run;
  EXPECT_NE(run.err.find("OOM"), std::string::npos) << run;
}

TEST_F(Limits, StatsJsonReportsTheOomKill) {
  TemporaryDirectory scratch;
  const std::string stats_path = scratch.path() + "/stats.json";
  ProcessResult run = run_in_container({"--memory", "32m", "--stats-json", stats_path}, {"mem", "--size", "64m"});
  ASSERT_EQ(run.exit_code, 137) << run;

  auto text = read_file(stats_path);
  ASSERT_TRUE(text.ok()) << text.error().text();
  Json stats = parse_json(*text);
  ASSERT_TRUE(stats.is_object()) << *text;
  EXPECT_EQ(stats["ending"], "oom-killed") << *text;
  ASSERT_TRUE(stats["oom_kills"].is_number()) << *text;
  EXPECT_GE(stats["oom_kills"].get<int64_t>(), 1) << *text;
}

TEST_F(Limits, WorkloadWithinTheMemoryLimitIsNotKilled) {
  ProcessResult run = run_in_container({"--memory", "64m"}, {"mem", "--size", "8m"});
  EXPECT_EQ(run.exit_code, 0) << run;
}

TEST_F(Limits, PidsLimitMakesForkFailInside) {
  ProcessResult run = run_in_container({"--pids-limit", "10"}, {"fork", "--hold", "--count", "20"});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_NE(run.err.find("fork failed"), std::string::npos) << run;
}

TEST_F(Limits, CpusBecomesACfsQuotaPerPeriod) {
  if (!host_has_v1_controller("cpu")) GTEST_SKIP() << "no cgroup v1 cpu hierarchy on this host";
  CgroupFiles cpu;
  read_cgroup_files_of_running_container({"--cpus", "0.5"}, "cpu", {"cpu.cfs_quota_us", "cpu.cfs_period_us"}, cpu);
  EXPECT_EQ(cpu.values["cpu.cfs_quota_us"], "50000") << cpu.dir;
  EXPECT_EQ(cpu.values["cpu.cfs_period_us"], "100000") << cpu.dir;
}

TEST_F(Limits, MemoryBecomesTheCgroupLimitInBytes) {
  if (!host_has_v1_controller("memory")) GTEST_SKIP() << "no cgroup v1 memory hierarchy on this host";
  CgroupFiles memory;
  read_cgroup_files_of_running_container({"--memory", "48m"}, "memory", {"memory.limit_in_bytes"}, memory);
  EXPECT_EQ(memory.values["memory.limit_in_bytes"], "50331648") << memory.dir;
}

}  // namespace
}  // namespace isobench::integration
