// The container's filesystem: a throw-away copy-on-write layer on the image, a read-only
// mode, any directory as the rootfs, and a /proc that hides or freezes what it must.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using Rootfs = IsobenchTest;

TEST_F(Rootfs, WritesToTheRootSucceedInside) {
  ProcessResult write = run_in_container({}, {"inspect", "write", "/newfile", "x"});
  EXPECT_EQ(write.exit_code, 0) << write;
}

TEST_F(Rootfs, WritesVanishWhenTheContainerExits) {
  ProcessResult write = run_in_container({}, {"inspect", "write", "/newfile", "x"});
  ASSERT_EQ(write.exit_code, 0) << write;

  ProcessResult exists = run_in_container({}, {"inspect", "exists", "/newfile"});
  EXPECT_EQ(exists.exit_code, 1) << "a second container still sees the first one's file\n" << exists;
}

TEST_F(Rootfs, WritesInsideLeaveTheImageUnchanged) {
  const std::vector<std::string> before = list_tree(image_path());
  ASSERT_FALSE(before.empty());

  ProcessResult write = run_in_container({}, {"inspect", "write", "/newfile", "x"});
  ASSERT_EQ(write.exit_code, 0) << write;
  ProcessResult overwrite = run_in_container({}, {"inspect", "write", "/etc/hostname", "changed"});
  ASSERT_EQ(overwrite.exit_code, 0) << overwrite;

  EXPECT_NE(access((image_path() + "/newfile").c_str(), F_OK), 0);
  EXPECT_EQ(list_tree(image_path()), before);
  auto hostname = read_file(image_path() + "/etc/hostname");
  ASSERT_TRUE(hostname.ok());
  EXPECT_NE(*hostname, "changed");
}

TEST_F(Rootfs, ReadOnlyRejectsWritesWithEROFS) {
  ProcessResult write = run_in_container({"--read-only"}, {"inspect", "write", "/newfile", "x"});
  EXPECT_EQ(write.exit_code, 1) << write;
  EXPECT_NE(write.err.find("Read-only file system"), std::string::npos) << write;
  EXPECT_NE(access((image_path() + "/newfile").c_str(), F_OK), 0);
}

TEST_F(Rootfs, RootfsOptionRunsFromTheGivenDirectory) {
  TemporaryDirectory scratch;
  const std::string rootfs = copy_image_into(scratch);
  ASSERT_FALSE(rootfs.empty()) << "cannot copy the image into " << scratch.path();
  {
    std::ofstream marker(rootfs + "/etc/marker");
    marker << "from the copy";
  }

  ProcessResult read = run_in_container({"--rootfs", rootfs}, {"inspect", "read", "/etc/marker"});
  EXPECT_EQ(read.exit_code, 0) << read;
  EXPECT_EQ(read.out, "from the copy");
}

TEST_F(Rootfs, RootfsOptionAlsoGetsACopyOnWriteLayer) {
  TemporaryDirectory scratch;
  const std::string rootfs = copy_image_into(scratch);
  ASSERT_FALSE(rootfs.empty()) << "cannot copy the image into " << scratch.path();

  ProcessResult write = run_in_container({"--rootfs", rootfs}, {"inspect", "write", "/newfile", "x"});
  EXPECT_EQ(write.exit_code, 0) << write;
  EXPECT_NE(access((rootfs + "/newfile").c_str(), F_OK), 0);
}

TEST_F(Rootfs, ProcKcoreIsMasked) {
  ProcessResult read = run_in_container({}, {"inspect", "read", "/proc/kcore"});
  EXPECT_TRUE(read.exit_code != 0 || read.out.empty()) << read;
  EXPECT_FALSE(read.timed_out);
}

/// Paths that would leak host information are masked: files read as empty, directories
/// hide what the host has in them. Checked for each path this host actually has.
class MaskedPath : public IsobenchTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(MaskedPath, RevealsNothingOfTheHost) {
  namespace fs = std::filesystem;
  const fs::path path = GetParam();
  std::error_code error;
  if (!fs::exists(path, error)) GTEST_SKIP() << path << " does not exist on this host";

  if (fs::is_directory(path, error)) {
    fs::directory_iterator entries(path, error);
    if (error || entries == fs::directory_iterator()) GTEST_SKIP() << path << " is empty on this host";
    const std::string host_entry = entries->path().string();
    ProcessResult exists = run_in_container({}, {"inspect", "exists", host_entry});
    EXPECT_EQ(exists.exit_code, 1) << host_entry << " is visible inside\n" << exists;
  } else {
    ProcessResult read = run_in_container({}, {"inspect", "read", path.string()});
    EXPECT_TRUE(read.exit_code != 0 || read.out.empty()) << read;
  }
}

INSTANTIATE_TEST_SUITE_P(Rootfs, MaskedPath,
                         ::testing::Values("/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
                                           "/proc/acpi", "/proc/scsi", "/sys/firmware"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name.substr(1);
                         });

TEST_F(Rootfs, ProcSysIsReadOnly) {
  ProcessResult write = run_in_container({}, {"inspect", "write", "/proc/sys/kernel/hostname", "hijacked"});
  EXPECT_EQ(write.exit_code, 1) << write;
  EXPECT_NE(write.err.find("Read-only file system"), std::string::npos) << write;
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname);
  EXPECT_STRNE(hostname, "hijacked");
}

TEST_F(Rootfs, SysIsReadOnly) {
  ProcessResult write = run_in_container({}, {"inspect", "write", "/sys/kernel/uevent_helper", "/bin/sh"});
  EXPECT_EQ(write.exit_code, 1) << write;
  EXPECT_NE(write.err.find("Read-only file system"), std::string::npos) << write;
}

}  // namespace
}  // namespace isobench::integration
