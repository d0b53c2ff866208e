// Attacks a hostile container (or a hostile image, or a careless caller) would try on the
// host, each one reproduced here as it was found against isobench run: host devices through
// CAP_MKNOD, symlinks in the image that redirect /proc and /dev, descriptors of the runner
// that lead out of the root, and an unbounded writable layer in the host's memory.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

namespace fs = std::filesystem;

std::string core_pattern() {
  auto text = read_file("/proc/sys/kernel/core_pattern");
  return text ? *text : std::string();
}

/// A shell script, run as root in a default container, that reports for each device
/// whether it could be created and opened: "NAME:created:opened" or "NAME:created:denied".
const char* kDeviceProbe =
    "for spec in kmsg:c:1:11 loop0:b:7:0 loopctl:c:10:237 null:c:1:3 tty:c:5:0; do"
    "  IFS=:; set -- $spec; unset IFS;"
    "  if mknod /tmp/$1 $2 $3 $4 2>/dev/null; then made=created; else made=refused; fi;"
    "  if [ $made = created ] && true > /tmp/$1 2>/dev/null; then got=opened; else got=denied; fi;"
    "  echo $1:$made:$got;"
    "done";

using Escape = IsobenchTest;

// Escape 1: root inside keeps CAP_MKNOD, as in Docker; only the device cgroup stops it.
TEST_F(Escape, HostDevicesMayBeCreatedButNotOpened) {
  ProcessResult run = run_in_container({}, {"/bin/sh", "-c", kDeviceProbe});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_NE(run.out.find("kmsg:created:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("loop0:created:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("loopctl:created:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("null:created:opened"), std::string::npos) << run;
  EXPECT_NE(run.out.find("tty:created:"), std::string::npos) << run;
}

TEST_F(Escape, TheCgroupV2DeviceProgramDeniesHostDevicesToo) {
  // The hybrid host's cgroup2 mount, used alone: the BPF device program does the guarding.
  ProcessResult run = isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -- /bin/sh -c '" + std::string(kDeviceProbe) +
                                 "'");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_NE(run.out.find("kmsg:created:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("loop0:created:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("loopctl:created:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("null:created:opened"), std::string::npos) << run;
}

TEST_F(Escape, WithoutACgroupThereIsNoMknodAndDeviceFilesInTheImageStayClosed) {
  TemporaryDirectory dir;
  std::string rootfs = copy_image_into(dir);
  ASSERT_FALSE(rootfs.empty());
  // A hostile image ships a device node: unpacking an image as root makes one.
  ASSERT_EQ(mknod((rootfs + "/tmp/kmsg").c_str(), S_IFCHR | 0666, makedev(1, 11)), 0);
  ProcessResult run = run_in_container(
      {"--no-cgroup", "--rootfs", rootfs},
      {"/bin/sh", "-c",
       std::string(kDeviceProbe) + "; if true > /tmp/kmsg 2>/dev/null; then echo image:opened; else echo image:denied; fi"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_NE(run.out.find("kmsg:refused:denied"), std::string::npos) << run;
  EXPECT_NE(run.out.find("image:denied"), std::string::npos) << run;
  // /dev stays usable.
  ProcessResult null = run_in_container({"--no-cgroup"}, {"/bin/sh", "-c", "echo x > /dev/null && echo ok"});
  EXPECT_EQ(null.exit_code, 0) << null;
  EXPECT_EQ(null.out, "ok\n");
}

// Escape 2: an image whose /proc (or /dev) is a symlink redirected the proc mount and with it
// every mask and the read-only /proc/sys.
class SymlinkedImage : public IsobenchTest {
 protected:
  /// A copy of the image whose `name` is a symlink to `target` (with `target` a real directory).
  std::string image_with_link(const std::string& name, const std::string& link_text, const std::string& target_dir) {
    rootfs_ = copy_image_into(dir_);
    if (rootfs_.empty()) return {};
    std::error_code error;
    fs::remove_all(rootfs_ + "/" + name, error);
    fs::create_directories(rootfs_ + "/" + target_dir, error);
    fs::create_symlink(link_text, rootfs_ + "/" + name, error);
    return error ? std::string() : rootfs_;
  }

 private:
  TemporaryDirectory dir_;
  std::string rootfs_;
};

TEST_F(SymlinkedImage, AnAbsoluteProcSymlinkIntoTheRootIsRefused) {
  const std::string before = core_pattern();
  // Resolving inside the new root (the overlay is mounted on <rootfs>/root): /xproc there.
  std::string rootfs = image_with_link("proc", "placeholder", "xproc");
  ASSERT_FALSE(rootfs.empty());
  fs::remove(rootfs + "/proc");
  fs::create_symlink(rootfs + "/root/xproc", rootfs + "/proc");
  ProcessResult run = run_in_container({"--rootfs", rootfs},
                                       {"/bin/sh", "-c", "echo '|/bin/false' > /xproc/sys/kernel/core_pattern"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("symbolic link"), std::string::npos) << run;
  EXPECT_EQ(core_pattern(), before);
}

TEST_F(SymlinkedImage, ARelativeProcSymlinkIsRefused) {
  std::string rootfs = image_with_link("proc", "xproc", "xproc");
  ASSERT_FALSE(rootfs.empty());
  ProcessResult run = run_in_container({"--rootfs", rootfs}, {"/bin/true"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("'/proc' in the rootfs is, or passes through, a symbolic link"), std::string::npos) << run;
}

TEST_F(SymlinkedImage, ADevSymlinkIsRefusedRatherThanMasksSkipped) {
  std::string rootfs = image_with_link("dev", "xdev", "xdev");
  ASSERT_FALSE(rootfs.empty());
  ProcessResult run = run_in_container({"--rootfs", rootfs}, {"/bin/cat", "/proc/timer_list"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("/dev"), std::string::npos) << run;
  EXPECT_EQ(run.out, "");
}

TEST_F(SymlinkedImage, ASysSymlinkIsRefusedInReadOnlyModeToo) {
  std::string rootfs = image_with_link("sys", "/", "unused");
  ASSERT_FALSE(rootfs.empty());
  ProcessResult run = run_in_container({"--read-only", "--rootfs", rootfs}, {"/bin/true"});
  EXPECT_NE(run.exit_code, 0) << run;
  EXPECT_NE(run.err.find("/sys"), std::string::npos) << run;
}

TEST_F(Escape, MasksHoldInADefaultContainer) {
  ProcessResult run = run_in_container({}, {"/bin/sh", "-c", "wc -c < /proc/timer_list; wc -c < /proc/keys; ls /proc/acpi | wc -l"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "0\n0\n0\n");
  ProcessResult sysctl = run_in_container({}, {"/bin/sh", "-c", "echo 1 > /proc/sys/vm/drop_caches"});
  EXPECT_NE(sysctl.exit_code, 0) << sysctl;
}

// Escape 3: descriptors the runner inherited or opened led out of the root (CVE-2024-21626).
TEST_F(Escape, AnInheritedDirectoryDescriptorDoesNotReachTheContainer) {
  ProcessResult run = isobench_shell(
      "\"$ISOBENCH\" run -- /bin/sh -c 'if [ -e /proc/self/fd/3/etc/hostname ]; then echo LEAK; else echo closed; fi' "
      "3</");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "closed\n");
}

TEST_F(Escape, AWorkingDirectoryThroughAMagicLinkIsRefused) {
  TemporaryDirectory host_dir;
  ASSERT_FALSE(host_dir.path().empty());
  ProcessResult run = isobench_shell("\"$ISOBENCH\" run -w /proc/self/fd/3 -- /bin/sh -c 'echo pwned > escaped' 3<" +
                                 host_dir.path());
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("working directory"), std::string::npos) << run;
  EXPECT_FALSE(fs::exists(host_dir.path() + "/escaped"));
}

TEST_F(Escape, TheWorkingDirectoryIsResolvedFromTheRootNotFromTheRunnersDirectory) {
  // Without a mount namespace the container shares the runner's filesystem and cwd.
  ProcessResult run = isobench_shell("cd /proc && \"$ISOBENCH\" run --share mnt -w /tmp -- /bin/pwd");
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "/tmp\n");
  ProcessResult inside = run_in_container({"-w", "/etc"}, {"/bin/pwd"});
  EXPECT_EQ(inside.exit_code, 0) << inside;
  EXPECT_EQ(inside.out, "/etc\n");
}

TEST_F(Escape, AMissingWorkingDirectoryIsMadeInsideTheRootAsDockerDoes) {
  ProcessResult made = run_in_container({"-w", "/made/for/work"}, {"/bin/pwd"});
  EXPECT_EQ(made.exit_code, 0) << made;
  EXPECT_EQ(made.out, "/made/for/work\n");
  EXPECT_FALSE(fs::exists("/made/for/work"));
}

TEST_F(Escape, AWorkingDirectoryMadeUnderAnAbsoluteSymlinkNeverLandsOnTheHost) {
  TemporaryDirectory dir;
  TemporaryDirectory host_dir;
  ASSERT_FALSE(dir.path().empty() || host_dir.path().empty());
  const std::string rootfs = copy_image_into(dir);
  // In the image, /escape points at a host path; made through, it would create host_dir/made.
  fs::create_directory_symlink(host_dir.path(), rootfs + "/escape");
  ProcessResult run = run_in_container({"--rootfs", rootfs, "-w", "/escape/made"}, {"/bin/pwd"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("working directory"), std::string::npos) << run;
  EXPECT_FALSE(fs::exists(host_dir.path() + "/made"));
  ProcessResult magic = run_in_container({"-w", "/proc/self/root/made-by-magic"}, {"/bin/pwd"});
  EXPECT_EQ(magic.exit_code, 125) << magic;
  EXPECT_FALSE(fs::exists("/made-by-magic"));
}

TEST_F(Escape, NoDescriptorOfTheRunnerIsAWayOutOnCgroupV2) {
  // With CLONE_INTO_CGROUP the runner holds the container's cgroup directory open; whatever
  // number it has, neither a working directory nor a path through it may lead there.
  for (int fd = 3; fd < 16; ++fd) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    ProcessResult run =
        isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -w " + path + " -- /bin/sh -c 'ls cgroup.procs'");
    EXPECT_EQ(run.exit_code, 125) << path << "\n" << run;
    ProcessResult through = isobench_shell("ISOBENCH_CGROUP=v2 \"$ISOBENCH\" run -- /bin/sh -c 'ls " + path +
                                       "/cgroup.procs 2>/dev/null && echo LEAK; ls /proc/self/fd'");
    EXPECT_EQ(through.out.find("LEAK"), std::string::npos) << path << "\n" << through;
  }
}

TEST_F(Escape, OnlyStdioAndPreservedDescriptorsCrossIntoTheContainer) {
  TemporaryDirectory dir;
  const std::string file = dir.path() + "/passed";
  std::ofstream(file) << "passed on\n";
  ProcessResult run = isobench_shell(
      "\"$ISOBENCH\" run --preserve-fds 1 -- /bin/sh -c "
      "'cat <&3; for n in 4 5 6 7 8 9 10 11 12; do [ -e /proc/self/fd/$n ] && echo open:$n; done; true' 3<" +
      file + " 4</ 5</");
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "passed on\n");
}

TEST_F(Escape, APreservedDirectoryOrStdioDirectoryIsRefused) {
  ProcessResult preserved = isobench_shell("\"$ISOBENCH\" run --preserve-fds 1 -- /bin/true 3</");
  EXPECT_EQ(preserved.exit_code, 125) << preserved;
  EXPECT_NE(preserved.err.find("descriptor 3 is a directory"), std::string::npos) << preserved;
  ProcessResult stdin_dir = isobench_shell("\"$ISOBENCH\" run -- /bin/true < /");
  EXPECT_EQ(stdin_dir.exit_code, 125) << stdin_dir;
  ProcessResult missing = isobench_shell("\"$ISOBENCH\" run --preserve-fds 2 -- /bin/true 3</dev/null");
  EXPECT_EQ(missing.exit_code, 125) << missing;
  EXPECT_NE(missing.err.find("descriptor 4"), std::string::npos) << missing;
}

// Escape 5: the writable layer was a tmpfs bounded only by half of the host's memory.
TEST_F(Escape, TheWritableLayerIsBoundedAndSaysWhenItFills) {
  ProcessResult run =
      run_in_container({"--layer-size", "8m"}, {"/bin/sh", "-c", "dd if=/dev/zero of=/big bs=1M count=32 2>&1"});
  EXPECT_NE(run.exit_code, 0) << run;
  EXPECT_NE(run.out.find("No space left"), std::string::npos) << run;
  EXPECT_NE(run.err.find("writable layer filled up"), std::string::npos) << run;
  EXPECT_NE(run.err.find("8 MiB"), std::string::npos) << run;
}

TEST_F(Escape, TheDefaultWritableLayerHoldsOneGibibyte) {
  ProcessResult run = run_in_container({}, {"/bin/sh", "-c", "stat -f -c '%b %S' /"});
  ASSERT_EQ(run.exit_code, 0) << run;
  std::istringstream figures(run.out);
  uint64_t blocks = 0, block_size = 0;
  figures >> blocks >> block_size;
  EXPECT_EQ(blocks * block_size, uint64_t{1} << 30) << run;
}

}  // namespace
}  // namespace isobench::integration
