// The microVM's pure parts: QEMU's command line, console markers, and the initramfs cache key
// and contents (built by the real initramfs_builder, read back with a small cpio parser).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

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
