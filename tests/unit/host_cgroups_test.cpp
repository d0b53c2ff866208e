#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "runner/cgroup/cgroup.h"

namespace isobench::runner {
namespace {

/// Sets ISOBENCH_CGROUP for one test and puts the old value back.
class CgroupRequestVariable {
 public:
  explicit CgroupRequestVariable(const char* value) {
    if (const char* old = std::getenv("ISOBENCH_CGROUP")) old_ = old;
    setenv("ISOBENCH_CGROUP", value, 1);
  }
  ~CgroupRequestVariable() {
    if (old_)
      setenv("ISOBENCH_CGROUP", old_->c_str(), 1);
    else
      unsetenv("ISOBENCH_CGROUP");
  }

 private:
  std::optional<std::string> old_;
};

TEST(HostCgroups, AnUnknownRequestIsAnErrorNamingIt) {
  CgroupRequestVariable request("v3");
  auto layout = host_cgroup_layout(CgroupRequest::kFromEnvironment);
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().message, "ISOBENCH_CGROUP: 'v3' is not auto or v2");
}

TEST(HostCgroups, TheHarnessLayoutIgnoresTheRequest) {
  CgroupRequestVariable request("v3");
  EXPECT_TRUE(host_cgroup_layout());
  EXPECT_TRUE(host_cgroup_layout(CgroupRequest::kAsMounted));
}

TEST(HostCgroups, AutoIsTheHostAsMounted) {
  CgroupRequestVariable request("auto");
  auto requested = host_cgroup_layout(CgroupRequest::kFromEnvironment);
  auto mounted = host_cgroup_layout();
  ASSERT_TRUE(requested && mounted);
  EXPECT_EQ(requested->mode, mounted->mode);
  EXPECT_EQ(requested->v1_mounts, mounted->v1_mounts);
}

TEST(HostCgroups, EveryV1ControllerMountIsAHierarchy) {
  auto layout = host_cgroup_layout();
  auto mounts = host_cgroup_mount_points();
  ASSERT_TRUE(layout && mounts);
  for (const auto& [controller, mount] : layout->v1_mounts)
    EXPECT_NE(std::find(mounts->begin(), mounts->end(), mount), mounts->end()) << controller;
  if (!layout->v2_mount.empty()) EXPECT_NE(std::find(mounts->begin(), mounts->end(), layout->v2_mount), mounts->end());
}

}  // namespace
}  // namespace isobench::runner
