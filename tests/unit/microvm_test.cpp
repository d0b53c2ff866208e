// The microVM's pure parts: QEMU's command line, console markers, and the initramfs cache key
// and contents (built by the real initramfs_builder, read back with a small cpio parser).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "runner/vm/kvm_probe.h"
#include "runner/vm/microvm.h"
#include "runner/vm/vm_assets.h"

using namespace isobench::runner;
namespace fs = std::filesystem;

namespace {

VmSpec sample_spec() {
  VmSpec spec;
  spec.qemu = "/usr/bin/qemu-system-x86_64";
  spec.kernel = "/boot/vmlinuz";
  spec.initramfs = "/cache/initramfs.cpio";
  spec.memory_mib = 128;
  spec.cpus = 2;
  spec.accel = Accelerator::kTcg;
  spec.command = {"/bin/mem", "--size", "16m"};
  return spec;
}

std::string value_after(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

/// Names of the entries of an uncompressed newc cpio archive.
std::set<std::string> cpio_names(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  std::set<std::string> names;
  size_t at = 0;
  auto hex = [&](size_t offset) { return std::stoul(data.substr(at + offset, 8), nullptr, 16); };
  while (at + 110 <= data.size() && data.compare(at, 6, "070701") == 0) {
    size_t file_size = hex(54), name_size = hex(94);
    std::string name = data.substr(at + 110, name_size - 1);
    if (name == "TRAILER!!!") break;
    names.insert(name);
    at = (at + 110 + name_size + 3) & ~size_t{3};
    at = (at + file_size + 3) & ~size_t{3};
  }
  return names;
}

class ImageDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("isobench-vm-test-" + std::to_string(getpid()));
    fs::create_directories(root_ / "image/bin");
    std::ofstream(root_ / "image/bin/noop") << "not really a program";
    fs::create_symlink("noop", root_ / "image/bin/link");
    std::ofstream(root_ / "init") << "an init";
    fs::create_directories(root_ / "cache");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

}  // namespace

TEST(QemuCommandLine, BootsAMicrovmWithClocksNoAcpiAndNoReboot) {
  auto argv = qemu_command_line(sample_spec());
  ASSERT_TRUE(argv) << argv.error().text();
  EXPECT_EQ(value_after(*argv, "-M"), "microvm,pit=on,pic=on,rtc=on,acpi=off");
  EXPECT_EQ(value_after(*argv, "-accel"), "tcg");
  EXPECT_EQ(value_after(*argv, "-m"), "128M");
  EXPECT_EQ(value_after(*argv, "-smp"), "2");
  EXPECT_EQ(value_after(*argv, "-kernel"), "/boot/vmlinuz");
  EXPECT_EQ(value_after(*argv, "-initrd"), "/cache/initramfs.cpio");
  EXPECT_NE(std::find(argv->begin(), argv->end(), "-no-reboot"), argv->end());
  EXPECT_EQ(value_after(*argv, "-serial"), "stdio");
}

TEST(QemuCommandLine, TheWorkloadFollowsTheDoubleDashOnTheKernelCommandLine) {
  auto argv = qemu_command_line(sample_spec());
  ASSERT_TRUE(argv);
  std::string append = value_after(*argv, "-append");
  EXPECT_NE(append.find("rdinit=/init"), std::string::npos);
  EXPECT_NE(append.find("console=ttyS0"), std::string::npos);
  EXPECT_TRUE(append.ends_with(" -- /bin/mem --size 16m")) << append;
}

TEST(QemuCommandLine, KvmIsNamedWhenChosen) {
  VmSpec spec = sample_spec();
  spec.accel = Accelerator::kKvm;
  EXPECT_EQ(value_after(*qemu_command_line(spec), "-accel"), "kvm");
}

TEST(QemuCommandLine, WordsWithSpacesOrNoCommandAreRefused) {
  VmSpec spec = sample_spec();
  spec.command = {"/bin/sh", "-c", "echo hi"};
  auto refused = qemu_command_line(spec);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("echo hi"), std::string::npos);
  spec.command.clear();
  EXPECT_FALSE(qemu_command_line(spec));
}

TEST(ConsoleMarker, IsFoundAfterThePrefixWithoutLineEndings) {
  EXPECT_EQ(console_marker("@@isobench:exit 7\r"), "exit 7");
  EXPECT_EQ(console_marker("garbage@@isobench:init 123 0.91"), "init 123 0.91");
  EXPECT_EQ(console_marker("Hello from isobench!"), "");
}

TEST_F(ImageDirectory, ContentHashIsStableAndFollowsContentModeAndInit) {
  auto first = content_hash(root_ / "image", root_ / "init");
  ASSERT_TRUE(first) << first.error().text();
  EXPECT_EQ(first->size(), 16u);
  EXPECT_EQ(*content_hash(root_ / "image", root_ / "init"), *first);
  std::ofstream(root_ / "image/bin/noop") << "changed";
  auto second = content_hash(root_ / "image", root_ / "init");
  EXPECT_NE(*second, *first);
  std::ofstream(root_ / "init") << "another init";
  EXPECT_NE(*content_hash(root_ / "image", root_ / "init"), *second);
}

TEST_F(ImageDirectory, TheInitramfsHoldsTheImageAndTheInitAndIsCached) {
  const char* builder = ISOBENCH_INITRAMFS_BUILDER;
  if (access(builder, X_OK) != 0) GTEST_SKIP() << "initramfs_builder not built";
  // cached_initramfs looks for the builder next to its own executable; call it directly.
  std::string out = (root_ / "cache/test.cpio").string();
  std::string command =
      std::string(builder) + " " + out + " " + (root_ / "image").string() + " " + (root_ / "init").string();
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::set<std::string> names = cpio_names(out);
  EXPECT_TRUE(names.count("init")) << "no /init";
  EXPECT_TRUE(names.count("bin/noop"));
  EXPECT_TRUE(names.count("bin/link"));
}

/// The first bytes of a bzImage: the boot flag and the setup header's magic, zeros elsewhere.
std::string bzimage_header() {
  std::string header(1024, '\0');
  header[0x1FE] = '\x55';
  header[0x1FF] = '\xAA';
  header.replace(0x202, 4, "HdrS");
  return header;
}

TEST(KernelFormat, ABzImageAndAnX86ElfAreKernelsAndTextIsNot) {
  EXPECT_EQ(kernel_format(bzimage_header()), KernelFormat::kBzImage);
  std::string elf = std::string("\177ELF\2\1\1", 7) + std::string(11, '\0') + std::string("\x3e\0", 2);
  EXPECT_EQ(kernel_format(elf), KernelFormat::kElf);
  std::string arm_elf = elf;
  arm_elf[18] = '\xb7';  // EM_AARCH64
  EXPECT_EQ(kernel_format(arm_elf), KernelFormat::kUnknown);
  EXPECT_EQ(kernel_format("root:x:0:0:root:/root:/bin/bash\n"), KernelFormat::kUnknown);
  EXPECT_EQ(kernel_format(""), KernelFormat::kUnknown);
  EXPECT_EQ(kernel_format(bzimage_header().substr(0, 0x204)), KernelFormat::kUnknown);  // cut short
}

TEST_F(ImageDirectory, OnlyAKernelImagePassesTheKernelCheck) {
  std::ofstream(root_ / "vmlinuz") << bzimage_header();
  EXPECT_TRUE(check_kernel_image((root_ / "vmlinuz").string(), "--kernel"));
  isobench::Status text = check_kernel_image("/etc/passwd", "--kernel");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("--kernel /etc/passwd: not a Linux kernel image"), std::string::npos)
      << text.error().message;
  EXPECT_FALSE(check_kernel_image("/dev/zero", "--kernel"));
  EXPECT_FALSE(check_kernel_image(root_.string(), "--kernel"));
  EXPECT_FALSE(check_kernel_image((root_ / "missing").string(), "--kernel"));
  EXPECT_FALSE(find_guest_kernel("/etc/passwd"));
  // Debian's own kernel, where it is installed.
  if (auto installed = find_guest_kernel("")) EXPECT_TRUE(check_kernel_image(*installed, "kernel")) << *installed;
}

VmOutcome ended(VmOutcome::Ending ending, std::vector<std::string> tail = {}) {
  VmOutcome outcome;
  outcome.ending = ending;
  outcome.console_tail = std::move(tail);
  return outcome;
}

TEST(KvmVerdictCache, ARunWorkloadOrAHangSaysSomethingAboutKvm) {
  EXPECT_TRUE(conclusive_about_kvm(ended(VmOutcome::Ending::kExited)));
  EXPECT_TRUE(conclusive_about_kvm(ended(VmOutcome::Ending::kTimedOut)));
  EXPECT_TRUE(conclusive_about_kvm(
      ended(VmOutcome::Ending::kNoWorkload, {"qemu-system-x86_64: failed to initialize kvm: Permission denied"})));
  EXPECT_TRUE(conclusive_about_kvm(ended(VmOutcome::Ending::kNoWorkload, {"KVM internal error. Suberror: 1"})));
}

// A boot that failed for another reason must not leave a "KVM unusable" verdict in the cache.
TEST(KvmVerdictCache, ABootThatFailedForAnotherReasonSaysNothing) {
  EXPECT_FALSE(conclusive_about_kvm(ended(VmOutcome::Ending::kInterrupted)));
  EXPECT_FALSE(conclusive_about_kvm(
      ended(VmOutcome::Ending::kNoWorkload, {"qemu-system-x86_64: linux kernel too old to load a ram disk"})));
  EXPECT_FALSE(conclusive_about_kvm(
      ended(VmOutcome::Ending::kNoWorkload, {"[    0.000000] kvm-clock: Using msrs", "Kernel panic - not syncing"})));
  EXPECT_FALSE(conclusive_about_kvm(ended(VmOutcome::Ending::kNoWorkload)));
}
