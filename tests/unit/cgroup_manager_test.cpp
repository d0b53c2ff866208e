// The v1 and v2 managers against an in-memory cgroupfs: which directories and which limit
// files each writes, and that a failure leaves nothing behind.
#include <gtest/gtest.h>

#include "runner/cgroup/cgroup_v1.h"
#include "runner/cgroup/cgroup_v2.h"
#include "tests/fakes/fake_cgroup_fs.h"

using namespace isobench::runner;
using isobench::testing::FakeCgroupFs;

namespace {

class CgroupV1ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* controller : {"memory", "cpu", "cpuacct", "pids", "cpuset"}) {
      std::string mount = std::string("/cg/") + controller;
      fs_.add_dir(mount);
      mounts_[controller] = mount;
    }
    fs_.seed("/cg/cpuset/cpuset.cpus", "0-1\n");
    fs_.seed("/cg/cpuset/cpuset.mems", "0\n");
  }
  FakeCgroupFs fs_;
  std::map<std::string, std::string> mounts_;
};

class CgroupV2ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.add_dir("/cg");
    fs_.seed("/cg/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
    fs_.seed("/cg/cgroup.subtree_control", "memory\n");
  }
  FakeCgroupFs fs_;
};

}  // namespace

TEST_F(CgroupV1ManagerTest, DefaultCgroupJoinsMemoryCpuacctAndPidsOnly) {
  CgroupV1Manager manager(mounts_, CgroupMode::kHybrid, fs_);
  auto cgroup = manager.create("abc", {});
  ASSERT_TRUE(cgroup) << cgroup.error().text();
  auto paths = (*cgroup)->paths();
  EXPECT_EQ(paths,
            (std::vector<std::string>{"/cg/memory/isobench/abc", "/cg/cpuacct/isobench/abc", "/cg/pids/isobench/abc"}));
  EXPECT_FALSE(fs_.has_dir("/cg/cpu/isobench/abc"));
}

TEST_F(CgroupV1ManagerTest, LimitsGoToTheV1Files) {
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  ResourceLimits limits;
  limits.memory_bytes = 32u << 20;
  limits.cpus = 0.5;
  limits.pids = 10;
  limits.cpuset_cpus = "1";
  auto cgroup = manager.create("abc", limits);
  ASSERT_TRUE(cgroup) << cgroup.error().text();
  EXPECT_EQ(fs_.file("/cg/memory/isobench/abc/memory.limit_in_bytes"), "33554432");
  EXPECT_EQ(fs_.file("/cg/cpu/isobench/abc/cpu.cfs_period_us"), "100000");
  EXPECT_EQ(fs_.file("/cg/cpu/isobench/abc/cpu.cfs_quota_us"), "50000");
  EXPECT_EQ(fs_.file("/cg/pids/isobench/abc/pids.max"), "10");
  EXPECT_EQ(fs_.file("/cg/cpuset/isobench/abc/cpuset.cpus"), "1");
  // A new v1 cpuset group is unusable until cpus and mems are copied from above.
  EXPECT_EQ(fs_.file("/cg/cpuset/isobench/cpuset.mems"), "0");
  EXPECT_EQ(fs_.file("/cg/cpuset/isobench/abc/cpuset.mems"), "0");
}

TEST_F(CgroupV1ManagerTest, NewProcessesJoinThroughTheTasksFileOfEveryHierarchy) {
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  auto cgroup = manager.create("abc", {});
  ASSERT_TRUE(cgroup);
  auto join = (*cgroup)->prepare_join();
  ASSERT_TRUE(join) << join.error().text();
  EXPECT_EQ(join->clone_into_fd, -1);
  EXPECT_EQ(join->self_join_fds.size(), 3u);
  EXPECT_EQ(fs_.opened(), (std::vector<std::string>{"/cg/memory/isobench/abc/tasks", "/cg/cpuacct/isobench/abc/tasks",
                                                    "/cg/pids/isobench/abc/tasks"}));
}

TEST_F(CgroupV1ManagerTest, DestroyRemovesTheContainerDirsAndKeepsTheParent) {
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  auto cgroup = manager.create("abc", {});
  ASSERT_TRUE(cgroup);
  ASSERT_TRUE((*cgroup)->destroy());
  EXPECT_FALSE(fs_.has_dir("/cg/memory/isobench/abc"));
  EXPECT_FALSE(fs_.has_dir("/cg/pids/isobench/abc"));
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench"));
}

TEST_F(CgroupV1ManagerTest, ARefusedLimitFailsAndLeavesNoContainerDir) {
  fs_.refuse("/cg/memory/isobench/abc/memory.limit_in_bytes", EINVAL);
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  ResourceLimits limits;
  limits.memory_bytes = 1u << 20;
  auto cgroup = manager.create("abc", limits);
  ASSERT_FALSE(cgroup);
  EXPECT_EQ(cgroup.error().errno_value, EINVAL);
  for (const std::string& dir : fs_.dirs()) EXPECT_EQ(dir.find("/abc"), std::string::npos) << dir;
}

TEST_F(CgroupV1ManagerTest, AMissingControllerForARequestedLimitIsAnError) {
  mounts_.erase("cpu");
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  ResourceLimits limits;
  limits.cpus = 1;
  auto cgroup = manager.create("abc", limits);
  ASSERT_FALSE(cgroup);
  EXPECT_NE(cgroup.error().message.find("'cpu'"), std::string::npos);
  for (const std::string& dir : fs_.dirs()) EXPECT_EQ(dir.find("/abc"), std::string::npos) << dir;
}

TEST_F(CgroupV1ManagerTest, StatsReadPeakMemoryCpuAndOomKills) {
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  auto cgroup = manager.create("abc", {});
  ASSERT_TRUE(cgroup);
  fs_.seed("/cg/memory/isobench/abc/memory.max_usage_in_bytes", "1048576\n");
  fs_.seed("/cg/memory/isobench/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  fs_.seed("/cg/cpuacct/isobench/abc/cpuacct.usage", "7100\n");
  fs_.seed("/cg/cpuacct/isobench/abc/cpuacct.usage_user", "3000\n");
  fs_.seed("/cg/cpuacct/isobench/abc/cpuacct.usage_sys", "4000\n");
  auto stats = (*cgroup)->stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->memory_peak_bytes, 1048576u);
  EXPECT_EQ(stats->oom_kills, 2u);
  EXPECT_EQ(stats->cpu_total_ns, 7100u);
  EXPECT_EQ(stats->cpu_user_ns, 3000u);
  EXPECT_EQ(stats->cpu_system_ns, 4000u);
}

TEST_F(CgroupV1ManagerTest, ANestedNameIsMadeBelowItsExistingParentInEveryHierarchy) {
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  auto measuring = manager.create_accounting("bench");
  ASSERT_TRUE(measuring) << measuring.error().text();
  auto cgroup = manager.create("bench/abc", {});
  ASSERT_TRUE(cgroup) << cgroup.error().text();
  EXPECT_EQ((*cgroup)->paths(),
            (std::vector<std::string>{"/cg/memory/isobench/bench/abc", "/cg/cpuacct/isobench/bench/abc",
                                      "/cg/pids/isobench/bench/abc"}));
  ASSERT_TRUE((*cgroup)->destroy());
  EXPECT_FALSE(fs_.has_dir("/cg/memory/isobench/bench/abc"));
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench/bench")) << "the parent is its owner's";
}

TEST_F(CgroupV1ManagerTest, ANestedNameWhoseParentIsMissingIsAnErrorNamingIt) {
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  auto cgroup = manager.create("nowhere/abc", {});
  ASSERT_FALSE(cgroup);
  EXPECT_EQ(cgroup.error().errno_value, ENOENT);
  EXPECT_NE(cgroup.error().message.find("/cg/memory/isobench/nowhere does not exist"), std::string::npos)
      << cgroup.error().message;
  for (const std::string& dir : fs_.dirs()) EXPECT_EQ(dir.find("nowhere"), std::string::npos) << dir;
}

TEST_F(CgroupV1ManagerTest, AnAccountingCgroupHasTheDevicesGroupWithoutTheAllowList) {
  fs_.add_dir("/cg/devices");
  mounts_["devices"] = "/cg/devices";
  CgroupV1Manager manager(mounts_, CgroupMode::kV1, fs_);
  auto container = manager.create("guarded", {});
  ASSERT_TRUE(container) << container.error().text();
  EXPECT_EQ(fs_.file("/cg/devices/isobench/guarded/devices.deny"), "a");
  auto accounting = manager.create_accounting("open");
  ASSERT_TRUE(accounting) << accounting.error().text();
  EXPECT_TRUE(fs_.has_dir("/cg/devices/isobench/open")) << "nested containers need their parent there";
  for (const std::string& write : fs_.writes())
    EXPECT_EQ(write.find("/cg/devices/isobench/open/"), std::string::npos) << write;
}

TEST_F(CgroupV2ManagerTest, AnAccountingCgroupHasNoDeviceProgram) {
  CgroupV2Manager manager("/cg", fs_);
  auto accounting = manager.create_accounting("open");
  ASSERT_TRUE(accounting) << accounting.error().text();
  EXPECT_TRUE(fs_.device_filters().empty());
  auto container = manager.create("guarded", {});
  ASSERT_TRUE(container) << container.error().text();
  EXPECT_EQ(fs_.device_filters(), std::vector<std::string>{"/cg/isobench/guarded"});
}

TEST_F(CgroupV2ManagerTest, EnablesMissingControllersTopDownAndWritesV2Limits) {
  CgroupV2Manager manager("/cg", fs_);
  ResourceLimits limits;
  limits.memory_bytes = 64u << 20;
  limits.cpus = 1.5;
  limits.pids = 20;
  limits.cpuset_cpus = "0";
  auto cgroup = manager.create("abc", limits);
  ASSERT_TRUE(cgroup) << cgroup.error().text();
  EXPECT_EQ((*cgroup)->paths(), std::vector<std::string>{"/cg/isobench/abc"});
  // memory was already on at the root: only the others are requested there.
  EXPECT_EQ(fs_.file("/cg/cgroup.subtree_control"), "+pids +cpu +cpuset");
  EXPECT_EQ(fs_.file("/cg/isobench/cgroup.subtree_control"), "+memory +pids +cpu +cpuset");
  EXPECT_EQ(fs_.file("/cg/isobench/abc/memory.max"), "67108864");
  EXPECT_EQ(fs_.file("/cg/isobench/abc/cpu.max"), "150000 100000");
  EXPECT_EQ(fs_.file("/cg/isobench/abc/pids.max"), "20");
  EXPECT_EQ(fs_.file("/cg/isobench/abc/cpuset.cpus"), "0");
}

TEST_F(CgroupV2ManagerTest, AControllerMissingFromTheHostIsAnErrorNamingIt) {
  fs_.seed("/cg/cgroup.controllers", "memory pids\n");
  CgroupV2Manager manager("/cg", fs_);
  ResourceLimits limits;
  limits.cpus = 1;
  auto cgroup = manager.create("abc", limits);
  ASSERT_FALSE(cgroup);
  EXPECT_NE(cgroup.error().message.find("'cpu'"), std::string::npos);
  EXPECT_FALSE(fs_.has_dir("/cg/isobench/abc"));
}

TEST_F(CgroupV2ManagerTest, NewProcessesAreClonedIntoTheCgroupDirectory) {
  CgroupV2Manager manager("/cg", fs_);
  auto cgroup = manager.create("abc", {});
  ASSERT_TRUE(cgroup);
  auto join = (*cgroup)->prepare_join();
  ASSERT_TRUE(join) << join.error().text();
  EXPECT_GE(join->clone_into_fd, 0);
  EXPECT_TRUE(join->self_join_fds.empty());
  EXPECT_EQ(fs_.opened(), std::vector<std::string>{"/cg/isobench/abc"});
}

TEST_F(CgroupV2ManagerTest, StatsComeFromMemoryPeakEventsAndCpuStat) {
  CgroupV2Manager manager("/cg", fs_);
  auto cgroup = manager.create("abc", {});
  ASSERT_TRUE(cgroup);
  fs_.seed("/cg/isobench/abc/memory.peak", "2097152\n");
  fs_.seed("/cg/isobench/abc/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
  fs_.seed("/cg/isobench/abc/cpu.stat", "usage_usec 30\nuser_usec 10\nsystem_usec 20\n");
  auto stats = (*cgroup)->stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->memory_peak_bytes, 2097152u);
  EXPECT_EQ(stats->oom_kills, 1u);
  EXPECT_EQ(stats->cpu_total_ns, 30000u);
  EXPECT_EQ(stats->cpu_user_ns, 10000u);
  EXPECT_EQ(stats->cpu_system_ns, 20000u);
  ASSERT_TRUE((*cgroup)->destroy());
  EXPECT_FALSE(fs_.has_dir("/cg/isobench/abc"));
}

TEST(CgroupManagerFactory, PicksV1ForHybridAndV2ForUnified) {
  FakeCgroupFs fs;
  CgroupLayout hybrid;
  hybrid.mode = CgroupMode::kHybrid;
  hybrid.v1_mounts["memory"] = "/cg/memory";
  hybrid.v2_mount = "/cg/unified";
  EXPECT_EQ((*make_cgroup_manager(hybrid, fs))->mode(), CgroupMode::kHybrid);
  CgroupLayout unified;
  unified.mode = CgroupMode::kV2;
  unified.v2_mount = "/cg";
  EXPECT_EQ((*make_cgroup_manager(unified, fs))->mode(), CgroupMode::kV2);
  EXPECT_FALSE(make_cgroup_manager(CgroupLayout{}, fs));
}
