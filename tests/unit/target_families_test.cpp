// The targets doctor lists and the reports group: every name of make_target's table once,
// isobench's namespaces-only profile beside it, each with the kind of isolation it is; and
// the memory the vm target gives a guest for its initramfs.
#include <gtest/gtest.h>

#include <algorithm>

#include "bench/targets/prepared_target.h"
#include "bench/targets/target.h"

namespace isobench::bench {
namespace {

TEST(TargetFamilies, EveryTargetIsListedOnceWithItsKind) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"bare", kProcess},          {"isobench", kOciRuntime},         {"isobench:ns", kNamespacesOnly},
      {"runc", kOciRuntime},       {"crun", kOciRuntime},             {"runsc", kUserSpaceKernel},
      {"bwrap", kNamespacesOnly},  {"nspawn", kContainerManager},     {"lxc", kContainerManager},
      {"docker", kEngine},         {"podman", kEngine},               {"vm", kVirtualMachine}};
  std::vector<std::string> names = target_names();
  ASSERT_EQ(names.size(), expected.size());
  for (const auto& [name, family] : expected) {
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name;
    EXPECT_EQ(isolation_family(name), family) << name;
  }
}

TEST(TargetFamilies, AnIsobenchProfileIsAnOciRuntimesButNamespacesOnlyIsNot) {
  EXPECT_EQ(isolation_family("isobench:full"), kOciRuntime);
  EXPECT_EQ(isolation_family("isobench:no-net,no-seccomp"), kOciRuntime);
  EXPECT_EQ(isolation_family("isobench:ns"), kNamespacesOnly);
  EXPECT_EQ(isolation_family("qemu"), "");
  EXPECT_EQ(isolation_family("runc:x"), "") << "runc takes no profile";
}

TEST(VmGuestMemory, TheDefaultServesASmallInitramfsAndALargeOneGetsFourTimesItsSizeAndAMargin) {
  EXPECT_EQ(guest_memory_for(0), 0u);
  EXPECT_EQ(guest_memory_for(12), 0u);   // the built-in image: 176 MiB needed, the default 256 serves
  EXPECT_EQ(guest_memory_for(32), 0u);   // exactly 256
  EXPECT_EQ(guest_memory_for(33), 320u);  // 260, rounded up to 64
  // The Debian python3 image: 184 MiB of initramfs died silently in 640 MiB and booted in 768.
  EXPECT_EQ(guest_memory_for(184), 896u);
  EXPECT_GT(guest_memory_for(184), 768u);
}

}  // namespace
}  // namespace isobench::bench
