#include <gtest/gtest.h>

#include "runner/cgroup/cgroup.h"

using namespace isobench::runner;

namespace {

// Abridged from this project's CI host: v1 controllers plus an almost empty v2 mount.
const char* kHybridMountinfo =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:28 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "33 30 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "34 30 0:30 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "35 30 0:31 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "36 30 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

const char* kV2Mountinfo = "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";

const char* kCoMountedV1 =
    "31 30 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "33 30 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";

}  // namespace

TEST(CgroupLayout, V1ControllersBesideACgroup2MountIsHybrid) {
  CgroupLayout layout = parse_cgroup_layout(kHybridMountinfo);
  EXPECT_EQ(layout.mode, CgroupMode::kHybrid);
  EXPECT_EQ(layout.v2_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(layout.v1_mounts.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(layout.v1_mounts.at("cpuacct"), "/sys/fs/cgroup/cpuacct");
  EXPECT_EQ(layout.v1_mounts.count("name=systemd"), 0u);
  EXPECT_EQ(layout.v1_mounts.count("rw"), 0u);
}

TEST(CgroupLayout, ACgroup2MountAloneIsV2) {
  CgroupLayout layout = parse_cgroup_layout(kV2Mountinfo);
  EXPECT_EQ(layout.mode, CgroupMode::kV2);
  EXPECT_EQ(layout.v2_mount, "/sys/fs/cgroup");
  EXPECT_TRUE(layout.v1_mounts.empty());
}

TEST(CgroupLayout, CoMountedV1ControllersShareTheirMountPoint) {
  CgroupLayout layout = parse_cgroup_layout(kCoMountedV1);
  EXPECT_EQ(layout.mode, CgroupMode::kV1);
  EXPECT_EQ(layout.v1_mounts.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout.v1_mounts.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
}

TEST(CgroupLayout, NoCgroupMountsIsNone) {
  EXPECT_EQ(parse_cgroup_layout("22 27 0:21 / /proc rw - proc proc rw\n").mode, CgroupMode::kNone);
}

TEST(CgroupMountPoints, NameEveryHierarchyOnceNamedAndV2OnesIncluded) {
  EXPECT_EQ(cgroup_mount_points(kHybridMountinfo),
            (std::vector<std::string>{"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/memory",
                                      "/sys/fs/cgroup/pids", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"}));
  EXPECT_EQ(cgroup_mount_points(std::string(kV2Mountinfo) + kV2Mountinfo), std::vector<std::string>{"/sys/fs/cgroup"});
  EXPECT_TRUE(cgroup_mount_points("22 27 0:21 / /proc rw - proc proc rw\n").empty());
}

TEST(CgroupParent, IsARelativePathOfCgroupNames) {
  for (const char* good : {"bench-isobench-12-3", "a/b", "A.b_c-9/x"}) EXPECT_TRUE(check_cgroup_parent(good)) << good;
  for (const char* bad : {"", "/abs", "trailing/", "a//b", "..", "a/../b", "./a", "with space", "semi;colon"}) {
    isobench::Status checked = check_cgroup_parent(bad);
    ASSERT_FALSE(checked) << bad;
    EXPECT_NE(checked.error().message.find("cgroup parent"), std::string::npos) << checked.error().message;
  }
  EXPECT_FALSE(check_cgroup_parent(std::string(201, 'a')));
}

TEST(CgroupHelpers, CpuBandwidthUsesA100msPeriod) {
  EXPECT_EQ(cpu_bandwidth(0.5).quota_us, 50000u);
  EXPECT_EQ(cpu_bandwidth(0.5).period_us, 100000u);
  EXPECT_EQ(cpu_bandwidth(2).quota_us, 200000u);
  EXPECT_EQ(cpu_bandwidth(0.001).quota_us, 1000u);  // the kernel's minimum quota
}

TEST(CgroupHelpers, KeyedValuesAndWordsAreMatchedExactly) {
  EXPECT_EQ(find_keyed_value("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill"), 3u);
  EXPECT_FALSE(find_keyed_value("low 0\nhigh 0\n", "oom_kill"));
  EXPECT_TRUE(contains_word("cpuset cpu io memory", "cpu"));
  EXPECT_FALSE(contains_word("cpuset io memory", "cpu"));
}
