// `isobench run --cgroup-parent`: the container's cgroup below one that already exists (a
// benchmark's measuring cgroup, which then accounts for the container), and only there.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CgroupParent : public IsobenchTest {
 protected:
  /// isobench/NAME in the v1 hierarchies a container's cgroup uses, locked as its owner
  /// would (an unlocked one is stale to isobench's sweeps); empty where the host is not v1.
  bool make_parent(const std::string& name) {
    for (const char* controller : {"memory", "cpuacct", "pids", "devices"}) {
      const std::string root = std::string("/sys/fs/cgroup/") + controller;
      struct stat st;
      if (stat(root.c_str(), &st) != 0) continue;
      mkdir((root + "/isobench").c_str(), 0755);
      const std::string dir = root + "/isobench/" + name;
      if (mkdir(dir.c_str(), 0755) != 0) return false;
      made_.push_back(dir);
      UniqueFd lock(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!lock || flock(lock.get(), LOCK_EX) != 0) return false;
      locks_.push_back(std::move(lock));
    }
    return !made_.empty();
  }
  void TearDown() override {
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) rmdir(it->c_str());
    locks_.clear();
    IsobenchTest::TearDown();
  }
  std::vector<std::string> made_;
  std::vector<UniqueFd> locks_;
};

}  // namespace

TEST_F(CgroupParent, PutsTheContainersCgroupBelowTheParentInEveryHierarchy) {
  if (access("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", F_OK) != 0 &&
      access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) != 0)
    GTEST_SKIP() << "needs a cgroup v1 memory hierarchy at /sys/fs/cgroup/memory";
  const std::string parent = "itest-parent-" + std::to_string(getpid());
  ASSERT_TRUE(make_parent(parent));
  // The host's cgroup namespace, so that the path is the host's.
  ProcessResult run =
      run_in_container({"--cgroup-parent", parent, "--share", "cgroup"}, {"/bin/cat", "/proc/self/cgroup"});
  ASSERT_EQ(run.exit_code, 0) << run;
  bool memory = false;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) {
    if (!contains(line, ":memory:")) continue;
    memory = true;
    EXPECT_TRUE(contains(line, ":/isobench/" + parent + "/")) << line;
  }
  EXPECT_TRUE(memory) << run;
  for (const std::string& dir : made_) {
    std::error_code error;
    size_t children = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) children += entry.is_directory(error);
    EXPECT_EQ(children, 0u) << dir << ": the container's cgroup is removed at its exit";
  }
}

TEST_F(CgroupParent, AMissingParentIsAnErrorNamingItAndNothingRuns) {
  ProcessResult run =
      run_in_container({"--cgroup-parent", "no-such-parent-" + std::to_string(getpid())}, {"/bin/echo", "ran"});
  EXPECT_NE(run.exit_code, 0) << run;
  EXPECT_FALSE(contains(run.out, "ran")) << run;
  EXPECT_TRUE(contains(run.err, "does not exist")) << run;
}

TEST_F(CgroupParent, IsRefusedWithoutACgroupOrOutsideIsobenchsOwn) {
  ProcessResult without = run_in_container({"--cgroup-parent", "x", "--no-cgroup"}, {"/bin/true"});
  EXPECT_NE(without.exit_code, 0) << without;
  EXPECT_TRUE(contains(without.err, "--no-cgroup")) << without;
  for (const char* outside : {"../x", "/x", "a//b"}) {
    ProcessResult refused = run_in_container({"--cgroup-parent", outside}, {"/bin/true"});
    EXPECT_NE(refused.exit_code, 0) << refused;
    EXPECT_TRUE(contains(refused.err, "--cgroup-parent")) << refused;
  }
}

}  // namespace isobench::integration
