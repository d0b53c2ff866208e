// The leftover check that every integration test relies on sees each kind of leftover and
// removes it. Without these, "creates nothing on the host" would pass vacuously.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class LeftoverCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to create cgroups and mounts";
    adopt_orphans();
    before_ = take_host_snapshot(image_path());
  }

  HostSnapshot before_;
};

TEST_F(LeftoverCheck, FindsAndRemovesAContainerCgroupDirectory) {
  const std::string parent = "/sys/fs/cgroup/memory/isobench";
  if (access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) != 0) GTEST_SKIP() << "no v1 memory hierarchy";
  mkdir(parent.c_str(), 0755);
  const std::string dir = parent + "/leftover-check-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0) << std::strerror(errno);

  Leftovers found = find_leftovers(before_, image_path());
  EXPECT_EQ(found.cgroup_dirs, std::vector<std::string>{dir}) << found.describe();
  EXPECT_TRUE(remove_leftovers(found).empty());
  EXPECT_NE(access(dir.c_str(), F_OK), 0);
  rmdir(dir.c_str());
}

TEST_F(LeftoverCheck, FindsAndKillsAProcessRunningFromTheImage) {
  auto stray = ChildProcess::start({image_path() + "/bin/inspect", "sleep", "30"});
  ASSERT_TRUE(stray.ok()) << stray.error().text();
  const pid_t pid = stray->pid();

  Leftovers found = find_leftovers(before_, image_path());
  ASSERT_EQ(found.processes.size(), 1u) << found.describe();
  EXPECT_EQ(found.processes[0].pid, pid);
  EXPECT_TRUE(found.processes[0].is_our_child);
  EXPECT_TRUE(remove_leftovers(found).empty());
  EXPECT_NE(kill(pid, 0), 0) << "the stray process still exists";
}

TEST_F(LeftoverCheck, FindsAndUnmountsAMountNamingIsobench) {
  TemporaryDirectory scratch;  // its path holds "isobench"
  ASSERT_FALSE(scratch.path().empty());
  ASSERT_EQ(mount("tmpfs", scratch.path().c_str(), "tmpfs", 0, "size=1m"), 0) << std::strerror(errno);

  Leftovers found = find_leftovers(before_, image_path());
  EXPECT_EQ(found.mounts.size(), 1u) << found.describe();
  if (!found.mounts.empty()) {
    EXPECT_EQ(found.mounts[0].mount_point, scratch.path());
  }
  EXPECT_TRUE(remove_leftovers(found).empty());
  EXPECT_TRUE(find_leftovers(before_, image_path()).empty());
  umount2(scratch.path().c_str(), MNT_DETACH);  // in case the check missed it
}

TEST_F(LeftoverCheck, FindsNothingAfterACleanRun) {
  ProcessResult run = run_in_container({"--memory", "64m"}, {"noop"});
  ASSERT_EQ(run.exit_code, 0) << run;
  Leftovers found = find_leftovers(before_, image_path());
  EXPECT_TRUE(found.empty()) << found.describe();
  remove_leftovers(found);
}

}  // namespace
}  // namespace isobench::integration
