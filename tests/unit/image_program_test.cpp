// A command's program is the image's file under every target: found inside the image the
// way the containers find it, and reached by bare from the host without leaving the image.
#include "bench/image_program.h"
#include "runner/image.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

using namespace isobench::bench;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A fake image in a temporary directory: /bin/tool and /usr/bin/env programs, /bin/data
/// not executable, /bin/applet a relative link to /bin/multi (busybox's way), and symlinks
/// that a host following them would take out of the image.
class ImageProgramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-image-program-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    root_ = fs::canonical(scratch).string();
    fs::create_directories(root_ + "/bin");
    fs::create_directories(root_ + "/usr/bin");
    make_file("/bin/tool", 0755);
    make_file("/bin/multi", 0755);
    make_file("/bin/data", 0644);
    make_file("/usr/bin/env", 0755);
    fs::create_symlink("multi", root_ + "/bin/applet");
    fs::create_symlink("../bin", root_ + "/usr/sbin");  // relative: the host stays in the image too
    // Absolute, or climbing with "..": inside the image they mean its own files, but the host
    // following them would reach its own /usr/bin/env, /usr/bin/python3 or /bin.
    fs::create_symlink("/usr/bin/env", root_ + "/bin/env");
    fs::create_symlink("../../../../../../../../../../usr/bin/env", root_ + "/bin/up");
    fs::create_symlink("/usr/bin/python3", root_ + "/bin/python3");
    fs::create_symlink("/bin", root_ + "/sbin");
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  void make_file(const std::string& path, mode_t mode) {
    std::ofstream(root_ + path) << "#!/bin/true\n";
    chmod((root_ + path).c_str(), mode);
  }
  std::string root_;
  const std::string path_ = "/usr/local/bin:/usr/bin:/bin";
};

}  // namespace

TEST_F(ImageProgramTest, AnAbsoluteProgramIsItsOwnPathInTheImage) {
  auto found = find_image_program(root_, "/bin/tool", path_);
  ASSERT_TRUE(found) << found.error().text();
  EXPECT_EQ(*found, "/bin/tool");
}

TEST_F(ImageProgramTest, ABareNameIsSearchedAlongThePathInsideTheImage) {
  auto found = find_image_program(root_, "tool", path_);
  ASSERT_TRUE(found) << found.error().text();
  EXPECT_EQ(*found, "/bin/tool");
  auto env = find_image_program(root_, "env", path_);
  ASSERT_TRUE(env) << env.error().text();
  EXPECT_EQ(*env, "/usr/bin/env");  // PATH's order, not the host's
}

TEST_F(ImageProgramTest, ARelativePathIsTakenFromTheImagesRoot) {
  auto found = find_image_program(root_, "bin/tool", path_);
  ASSERT_TRUE(found) << found.error().text();
  EXPECT_EQ(*found, "/bin/tool");
}

TEST_F(ImageProgramTest, AProgramTheImageLacksIsRefusedNamingItTheImageAndWhatItHolds) {
  auto missing = find_image_program(root_, "/usr/bin/python3", path_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errno_value, ENOENT);
  const std::string& message = missing.error().message;
  EXPECT_TRUE(contains(message, "/usr/bin/python3 is not in the image (" + root_ + ")")) << message;
  EXPECT_TRUE(contains(message, "every target runs the image's program")) << message;
  EXPECT_TRUE(contains(message, "/bin/tool")) << message;
  EXPECT_TRUE(contains(message, "symlinks in /bin (ls " + root_ + "/bin)")) << message;
  EXPECT_FALSE(contains(message, "/bin/data")) << message;  // not a program
}

TEST_F(ImageProgramTest, ANameNotOnTheImagesPathIsRefusedNamingThePath) {
  auto missing = find_image_program(root_, "python3-nope", path_);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "'python3-nope' along the workload's PATH (" + path_ + ")"))
      << missing.error().message;
}

TEST_F(ImageProgramTest, ASymlinkToAHostProgramTheImageLacksIsNotInTheImage) {
  // The host may well have /usr/bin/python3; the image has not, so no target runs it.
  auto escaped = find_image_program(root_, "/bin/python3", path_);
  ASSERT_FALSE(escaped);
  EXPECT_EQ(escaped.error().errno_value, ENOENT);
  EXPECT_FALSE(host_path_of_image_program(root_, "/bin/python3"));
}

TEST_F(ImageProgramTest, AFileThatIsNotExecutableIsRefused) {
  auto data = find_image_program(root_, "/bin/data", path_);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().errno_value, EACCES);
  EXPECT_TRUE(contains(data.error().message, "/bin/data in the image (" + root_ + ") is not an executable file"));
}

TEST_F(ImageProgramTest, BareRunsTheImagesFileFromTheHost) {
  auto host = host_path_of_image_program(root_, "/bin/tool");
  ASSERT_TRUE(host) << host.error().text();
  EXPECT_EQ(*host, root_ + "/bin/tool");
}

TEST_F(ImageProgramTest, BareKeepsARelativeLinksNameForMultiCallPrograms) {
  auto host = host_path_of_image_program(root_, "/bin/applet");
  ASSERT_TRUE(host) << host.error().text();
  EXPECT_EQ(*host, root_ + "/bin/applet");  // busybox reads its applet from argv[0]
  auto through_directory = host_path_of_image_program(root_, "/usr/sbin/tool");
  ASSERT_TRUE(through_directory) << through_directory.error().text();
  EXPECT_EQ(*through_directory, root_ + "/usr/sbin/tool");
}

TEST_F(ImageProgramTest, AnAbsoluteSymlinkIsTheImagesFileInsideButRefusedForBare) {
  auto found = find_image_program(root_, "/bin/env", path_);
  ASSERT_TRUE(found) << found.error().text();  // inside the image: its own /usr/bin/env
  auto host = host_path_of_image_program(root_, "/bin/env");
  ASSERT_FALSE(host) << "bare would run " << *host << ", the host's /usr/bin/env";
  EXPECT_EQ(host.error().errno_value, ELOOP);
  EXPECT_TRUE(contains(host.error().message, "leads out of the image")) << host.error().message;
  EXPECT_TRUE(contains(host.error().message, "give the file itself, /usr/bin/env")) << host.error().message;
}

TEST_F(ImageProgramTest, DotDotClimbingPastTheRootIsRefusedForBare) {
  ASSERT_TRUE(find_image_program(root_, "/bin/up", path_));  // clamped at the image's root
  auto host = host_path_of_image_program(root_, "/bin/up");
  ASSERT_FALSE(host);
  EXPECT_TRUE(contains(host.error().message, "give the file itself, /usr/bin/env")) << host.error().message;
  EXPECT_FALSE(host_path_of_image_program(root_, "/bin/../../../../../../../../usr/bin/env"));
}

TEST_F(ImageProgramTest, AnAbsoluteDirectorySymlinkIsRefusedForBare) {
  ASSERT_TRUE(find_image_program(root_, "/sbin/tool", path_));
  auto host = host_path_of_image_program(root_, "/sbin/tool");
  ASSERT_FALSE(host);
  EXPECT_TRUE(contains(host.error().message, "give the file itself, /bin/tool")) << host.error().message;
}

TEST_F(ImageProgramTest, TheSummaryNamesProgramsOnceAndCountsSymlinks) {
  std::string summary = image_programs_summary(root_, "/bin:/usr/sbin:/usr/bin");
  EXPECT_EQ(summary, "/bin/multi, /bin/tool, /usr/bin/env, and 4 symlinks in /bin (ls " + root_ + "/bin)");
}

