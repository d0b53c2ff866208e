// Stale cgroups: the directories a SIGKILLed isobench leaves are found by their free lock
// and removed by the next start, never a live or starting container's, never one that
// still holds processes, and never outside isobench's own parent.
#include "runner/cgroup/stale_cgroups.h"

#include <gtest/gtest.h>

#include "runner/cgroup/cgroup_dirs.h"
#include "runner/cgroup/cgroup_v1.h"
#include "runner/cgroup/cgroup_v2.h"
#include "tests/fakes/fake_cgroup_fs.h"

using namespace isobench::runner;
using isobench::testing::FakeCgroupFs;
using Strings = std::vector<std::string>;

namespace {

class StaleCgroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& root : roots_) fs_.add_dir(root);
  }
  /// What a runner killed after creating `name` leaves: its directories, and no lock on them.
  void leave_dead_container(const std::string& name, const Strings& roots) {
    for (const std::string& root : roots) {
      auto dir = create_cgroup_dir(fs_, root, name, {});
      ASSERT_TRUE(dir) << dir.error().text();
    }  // the locks close here, as at the owner's death
  }
  /// A container whose runner is alive: its locks stay held while the returned value lives.
  std::vector<CgroupDir> live_container(const std::string& name) {
    std::vector<CgroupDir> dirs;
    for (const std::string& root : roots_) {
      auto dir = create_cgroup_dir(fs_, root, name, {});
      EXPECT_TRUE(dir) << dir.error().text();
      if (dir) dirs.push_back(std::move(*dir));
    }
    return dirs;
  }
  FakeCgroupFs fs_;
  const Strings roots_ = {"/cg/memory", "/cg/cpuacct", "/cg/pids"};
};

}  // namespace

TEST_F(StaleCgroupsTest, ADeadRunnersCgroupIsRemovedLastMadeFirst) {
  leave_dead_container("dead", roots_);
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy);
  EXPECT_EQ(sweep.removed,
            (Strings{"/cg/pids/isobench/dead", "/cg/cpuacct/isobench/dead", "/cg/memory/isobench/dead"}));
  EXPECT_TRUE(sweep.busy.empty());
  EXPECT_TRUE(sweep.failed.empty());
  for (const std::string& root : roots_) EXPECT_FALSE(fs_.has_dir(root + "/isobench/dead"));
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench")) << "the parent stays, as ever";
}

TEST_F(StaleCgroupsTest, WhatWasNestedInADeadOwnersCgroupGoesFirstDeepestFirst) {
  leave_dead_container("bench-1", roots_);
  leave_dead_container("bench-1/ctr", {"/cg/memory"});               // a killed container's cgroup inside
  ASSERT_TRUE(fs_.make_dir("/cg/memory/isobench/bench-1/ctr/sub"));  // nobody locks a runtime's own
  fs_.seed("/cg/memory/isobench/bench-1/ctr/cgroup.procs", "4242\n");
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy);
  EXPECT_EQ(sweep.removed,
            (Strings{"/cg/memory/isobench/bench-1/ctr/sub", "/cg/memory/isobench/bench-1/ctr",
                     "/cg/pids/isobench/bench-1", "/cg/cpuacct/isobench/bench-1", "/cg/memory/isobench/bench-1"}));
  EXPECT_EQ(sweep.killed, Strings{"/cg/memory/isobench/bench-1/ctr"});
  EXPECT_TRUE(sweep.busy.empty());
  EXPECT_TRUE(sweep.failed.empty());
}

TEST_F(StaleCgroupsTest, ALiveContainerNestedInADeadOwnersCgroupKeepsItAll) {
  leave_dead_container("bench-1", roots_);
  auto alive = create_cgroup_dir(fs_, "/cg/memory", "bench-1/ctr", {});
  ASSERT_TRUE(alive) << alive.error().text();
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy);
  EXPECT_TRUE(sweep.removed.empty());
  EXPECT_EQ(sweep.busy, Strings{"/cg/memory/isobench/bench-1/ctr"});
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench/bench-1/ctr"));
  EXPECT_TRUE(fs_.has_dir("/cg/pids/isobench/bench-1"));
}

TEST_F(StaleCgroupsTest, ALiveRunnersCgroupStays) {
  auto alive = live_container("alive");
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kEveryHierarchy);
  EXPECT_TRUE(sweep.removed.empty());
  for (const std::string& root : roots_) EXPECT_TRUE(fs_.has_dir(root + "/isobench/alive"));
}

TEST_F(StaleCgroupsTest, TheLeftoverProcessesOfAStaleCgroupAreKilledAndItIsRemoved) {
  leave_dead_container("orphans", roots_);
  fs_.seed("/cg/cpuacct/isobench/orphans/cgroup.procs", "4242\n");  // a --share pid leftover
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy);
  EXPECT_EQ(sweep.killed, (Strings{"/cg/cpuacct/isobench/orphans"}));
  EXPECT_EQ(fs_.killed(), (Strings{"/cg/cpuacct/isobench/orphans"}));
  EXPECT_TRUE(sweep.busy.empty());
  for (const std::string& root : roots_) EXPECT_FALSE(fs_.has_dir(root + "/isobench/orphans"));
}

TEST_F(StaleCgroupsTest, ALiveRunnersProcessesAreNeverKilled) {
  auto alive = live_container("alive");
  fs_.seed("/cg/memory/isobench/alive/cgroup.procs", "4243\n");
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kEveryHierarchy);
  EXPECT_TRUE(fs_.killed().empty());
  EXPECT_TRUE(sweep.killed.empty());
}

TEST_F(StaleCgroupsTest, OnlyDirectoriesBelowIsobenchsParentAreConsidered) {
  fs_.add_dir("/cg/memory/other");
  fs_.add_dir("/cg/memory/other/abc");
  fs_.add_dir("/cg/memory/isobench-bench-77");
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kEveryHierarchy);
  EXPECT_TRUE(sweep.removed.empty());
  EXPECT_TRUE(fs_.has_dir("/cg/memory/other/abc"));
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench-bench-77"));
}

TEST_F(StaleCgroupsTest, TheStartPathListsTheFirstHierarchyOnlyDoctorListsThemAll) {
  leave_dead_container("partial", {"/cg/cpuacct"});  // not made the runner's way
  EXPECT_TRUE(remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy).removed.empty());
  EXPECT_EQ(remove_stale_cgroups(fs_, roots_, SweepScope::kEveryHierarchy).removed,
            (Strings{"/cg/cpuacct/isobench/partial"}));
}

TEST_F(StaleCgroupsTest, AStartRemovesABoundedNumber) {
  for (const char* name : {"a", "b", "c", "d", "e"}) leave_dead_container(name, roots_);
  StaleCgroupSweep sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy, 2);
  EXPECT_EQ(sweep.removed.size(), 2u * roots_.size());
  EXPECT_EQ(fs_.list_dirs("/cg/memory/isobench")->size(), 3u);
}

TEST_F(StaleCgroupsTest, ACleanerThatRemovesANewDirectoryBeforeItIsLockedMakesTheCreatorTryAgain) {
  // The one moment a starting container's directory looks stale: made, not yet locked.
  bool cleaned = false;
  StaleCgroupSweep sweep;
  fs_.before_lock([&](const std::string& path) {
    if (cleaned || path != "/cg/memory/isobench/new") return;
    cleaned = true;
    sweep = remove_stale_cgroups(fs_, roots_, SweepScope::kFirstHierarchy);
  });
  auto dir = create_cgroup_dir(fs_, "/cg/memory", "new", {});
  ASSERT_TRUE(dir) << dir.error().text();
  EXPECT_EQ(sweep.removed, (Strings{"/cg/memory/isobench/new"})) << "the race did not happen";
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench/new"));
  EXPECT_EQ(fs_.lock_dir("/cg/memory/isobench/new", false).error().errno_value, EWOULDBLOCK)
      << "the creator must hold the lock of the directory that exists now";
}

TEST_F(StaleCgroupsTest, V1RootsStartWithMemoryAndNameEachMountOnce) {
  std::map<std::string, std::string> mounts = {{"cpu", "/cg/cpu,cpuacct"},
                                               {"cpuacct", "/cg/cpu,cpuacct"},
                                               {"memory", "/cg/memory"},
                                               {"blkio", "/cg/blkio"},
                                               {"pids", "/cg/pids"}};
  EXPECT_EQ(v1_sweep_roots(mounts), (Strings{"/cg/memory", "/cg/cpu,cpuacct", "/cg/pids", "/cg/blkio"}));
}

TEST_F(StaleCgroupsTest, AV1ManagerRemovesStaleCgroupsBeforeMakingOneAndSparesLiveOnes) {
  std::map<std::string, std::string> mounts = {
      {"memory", "/cg/memory"}, {"cpuacct", "/cg/cpuacct"}, {"pids", "/cg/pids"}};
  CgroupV1Manager manager(mounts, CgroupMode::kV1, fs_);
  auto first = manager.create("first", {});
  ASSERT_TRUE(first) << first.error().text();
  leave_dead_container("dead", roots_);
  auto second = manager.create("second", {});
  ASSERT_TRUE(second) << second.error().text();
  EXPECT_FALSE(fs_.has_dir("/cg/memory/isobench/dead"));
  EXPECT_FALSE(fs_.has_dir("/cg/pids/isobench/dead"));
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench/first")) << "a live container's cgroup was removed";
  EXPECT_TRUE(fs_.has_dir("/cg/memory/isobench/second"));
}

TEST_F(StaleCgroupsTest, AV2ManagerRemovesStaleCgroupsBeforeMakingOne) {
  fs_.add_dir("/v2");
  fs_.seed("/v2/cgroup.controllers", "memory pids\n");
  fs_.seed("/v2/cgroup.subtree_control", "memory pids\n");
  leave_dead_container("dead", {"/v2"});
  CgroupV2Manager manager("/v2", fs_);
  auto made = manager.create("new", {});
  ASSERT_TRUE(made) << made.error().text();
  EXPECT_FALSE(fs_.has_dir("/v2/isobench/dead"));
  EXPECT_TRUE(fs_.has_dir("/v2/isobench/new"));
}
