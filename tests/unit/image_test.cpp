// Finding a command inside a rootfs, the way execvp would inside the container.
#include "runner/image.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace isobench::runner;
namespace fs = std::filesystem;

namespace {

class ResolveCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("isobench-image-test-" + std::to_string(getpid()));
    fs::create_directories(root_ / "bin");
    fs::create_directories(root_ / "usr/bin");
    make_file("bin/tool", 0755);
    make_file("usr/bin/other", 0755);
    make_file("bin/data", 0644);
    // An absolute symlink must resolve inside the rootfs, not on the host.
    fs::create_symlink("/usr/bin/other", root_ / "bin/link");
  }
  void TearDown() override { fs::remove_all(root_); }
  void make_file(const std::string& path, mode_t mode) {
    std::ofstream(root_ / path) << "#!/bin/true\n";
    chmod((root_ / path).c_str(), mode);
  }
  fs::path root_;
};

}  // namespace

TEST_F(ResolveCommandTest, SearchesPathInOrder) {
  EXPECT_EQ(*resolve_command(root_, "tool", "/usr/bin:/bin"), "/bin/tool");
  EXPECT_EQ(*resolve_command(root_, "other", "/usr/bin:/bin"), "/usr/bin/other");
}

TEST_F(ResolveCommandTest, TakesPathsWithASlashAsTheyAre) {
  EXPECT_EQ(*resolve_command(root_, "/bin/tool", ""), "/bin/tool");
  EXPECT_EQ(*resolve_command(root_, "bin/tool", ""), "/bin/tool");
}

TEST_F(ResolveCommandTest, AbsoluteSymlinksResolveInsideTheRootfs) {
  EXPECT_EQ(*resolve_command(root_, "/bin/link", ""), "/bin/link");
}

TEST_F(ResolveCommandTest, MissingCommandIsEnoentNamingIt) {
  auto missing = resolve_command(root_, "nope", "/bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errno_value, ENOENT);
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
  EXPECT_EQ(resolve_command(root_, "/bin/nope", "").error().errno_value, ENOENT);
}

TEST_F(ResolveCommandTest, NonExecutableFileIsEacces) {
  EXPECT_EQ(resolve_command(root_, "/bin/data", "").error().errno_value, EACCES);
  EXPECT_EQ(resolve_command(root_, "data", "/bin").error().errno_value, EACCES);
  EXPECT_EQ(resolve_command(root_, "/bin", "").error().errno_value, EACCES);  // a directory
}

TEST(CanonicalRootfs, RejectsMissingPathsAndFiles) {
  EXPECT_EQ(canonical_rootfs("/nonexistent/rootfs").error().errno_value, ENOENT);
  EXPECT_EQ(canonical_rootfs("/proc/self/status").error().errno_value, ENOTDIR);
  EXPECT_EQ(*canonical_rootfs("/tmp/../tmp"), "/tmp");
}

TEST(PathVariable, ReadsPathFromTheEnvironment) {
  EXPECT_EQ(path_variable({"HOME=/", "PATH=/a:/b"}), "/a:/b");
  EXPECT_EQ(path_variable({"HOME=/"}), "");
}
