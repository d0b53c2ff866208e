// The scratch directories of killed benches: removed by the next bench when nobody holds
// them locked, and only those that bench or demo made (name, owner, mkdtemp's mode).
#include "cli/bench_workspace.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using isobench::cli::remove_stale_workspaces;

namespace {

class StaleWorkspaces : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/stale-workspaces-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    tmp_ = pattern;
  }
  void TearDown() override {
    if (held_ >= 0) close(held_);
    std::error_code ignored;
    fs::remove_all(tmp_, ignored);
  }
  std::string make(const std::string& name, mode_t mode = 0700) {
    std::string path = tmp_ + "/" + name;
    EXPECT_EQ(mkdir(path.c_str(), 0700), 0);
    std::ofstream(path + "/config.json") << "{}";
    chmod(path.c_str(), mode);
    return path;
  }
  std::string tmp_;
  int held_ = -1;
};

}  // namespace

TEST_F(StaleWorkspaces, AnUnlockedScratchDirectoryOfBenchOrDemoIsRemovedWithItsContents) {
  std::string bench = make("isobench-bench-a1b2c3");
  std::string demo = make("isobench-demo-Zz9Yy8");
  auto removed = remove_stale_workspaces(tmp_);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{bench, demo}));
  EXPECT_FALSE(fs::exists(bench));
  EXPECT_FALSE(fs::exists(demo));
}

TEST_F(StaleWorkspaces, ALockedScratchDirectoryBelongsToARunningBenchAndStays) {
  std::string running = make("isobench-bench-R0nn1n");
  held_ = open(running.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_EQ(flock(held_, LOCK_EX | LOCK_NB), 0);
  EXPECT_TRUE(remove_stale_workspaces(tmp_).empty());
  EXPECT_TRUE(fs::exists(running + "/config.json"));
}

TEST_F(StaleWorkspaces, DirectoriesThatBenchDidNotMakeStay) {
  std::string tests = make("isobench-test-abcdef");          // the integration tests' own
  std::string longer = make("isobench-bench-abcdefg");       // not mkdtemp's six letters
  std::string shared = make("isobench-bench-open00", 0755);  // not mkdtemp's mode
  EXPECT_TRUE(remove_stale_workspaces(tmp_).empty());
  for (const std::string& path : {tests, longer, shared}) EXPECT_TRUE(fs::exists(path)) << path;
}

TEST_F(StaleWorkspaces, ASymlinkNamedLikeAScratchDirectoryIsNotFollowed) {
  std::string target = make("elsewhere");
  fs::create_directory_symlink(target, tmp_ + "/isobench-bench-l1nk00");
  EXPECT_TRUE(remove_stale_workspaces(tmp_).empty());
  EXPECT_TRUE(fs::exists(target + "/config.json"));
}
