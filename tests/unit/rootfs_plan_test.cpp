#include "runner/rootfs_plan.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>

using namespace isobench::runner;
using Kind = RootfsStep::Kind;

namespace {

RootfsPlanInput overlay_input() {
  RootfsPlanInput input;
  input.rootfs = "/img";
  input.rootfs_fd = 7;
  return input;
}

size_t index_of(const std::vector<RootfsStep>& steps, const std::function<bool(const RootfsStep&)>& match) {
  auto it = std::find_if(steps.begin(), steps.end(), match);
  return it == steps.end() ? SIZE_MAX : static_cast<size_t>(it - steps.begin());
}

bool mounts(const RootfsStep& step, const std::string& fstype, const std::string& target) {
  return step.kind == Kind::kMount && step.fstype == fstype && step.target == target;
}

}  // namespace

TEST(RootfsPlan, FirstStopsMountPropagation) {
  auto steps = plan_rootfs(overlay_input());
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].kind, Kind::kMount);
  EXPECT_EQ(steps[0].target, "/");
  EXPECT_EQ(steps[0].flags, static_cast<unsigned long>(MS_REC | MS_PRIVATE));
}

TEST(RootfsPlan, OverlayTakesItsLowerLayerFromTheReopenedImageDescriptor) {
  auto steps = plan_rootfs(overlay_input());
  size_t reopen = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kReopenAs; });
  size_t tmpfs = index_of(steps, [](const RootfsStep& s) { return mounts(s, "tmpfs", "/img"); });
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return mounts(s, "overlay", "/img/root"); });
  ASSERT_LT(reopen, tmpfs);  // the image must be opened before the tmpfs hides it
  ASSERT_LT(tmpfs, overlay);
  EXPECT_EQ(steps[reopen].fd, 7);
  EXPECT_EQ(steps[overlay].data, "lowerdir=/proc/self/fd/7,upperdir=/img/upper,workdir=/img/work");
}

TEST(RootfsPlan, ProcSysAndDevAreMountedInsideTheNewRootBeforePivot) {
  auto steps = plan_rootfs(overlay_input());
  size_t pivot = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kPivotRoot; });
  ASSERT_NE(pivot, SIZE_MAX);
  EXPECT_EQ(steps[pivot].target, "/img/root");
  for (auto [fstype, target] : {std::pair{"proc", "/img/root/proc"}, std::pair{"sysfs", "/img/root/sys"},
                                std::pair{"tmpfs", "/img/root/dev"}, std::pair{"devpts", "/img/root/dev/pts"}}) {
    size_t at = index_of(steps, [&](const RootfsStep& s) { return mounts(s, fstype, target); });
    EXPECT_LT(at, pivot) << fstype << " on " << target;
  }
  size_t sysfs = index_of(steps, [](const RootfsStep& s) { return mounts(s, "sysfs", "/img/root/sys"); });
  EXPECT_TRUE(steps[sysfs].flags & MS_RDONLY);
}

TEST(RootfsPlan, MaskedAndReadOnlyProcPathsComeAfterPivotAndMayBeMissing) {
  auto steps = plan_rootfs(overlay_input());
  size_t pivot = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kPivotRoot; });
  size_t kcore =
      index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kMask && s.target == "/proc/kcore"; });
  size_t sys =
      index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kReadOnlyBind && s.target == "/proc/sys"; });
  ASSERT_NE(kcore, SIZE_MAX);
  ASSERT_NE(sys, SIZE_MAX);
  EXPECT_GT(kcore, pivot);
  EXPECT_GT(sys, pivot);
  EXPECT_TRUE(steps[kcore].optional);
}

TEST(RootfsPlan, WithoutAUserNamespaceDevicesAreCreatedWithMknod) {
  auto steps = plan_rootfs(overlay_input());
  size_t null = index_of(steps, [](const RootfsStep& s) { return s.target == "/img/root/dev/null"; });
  ASSERT_NE(null, SIZE_MAX);
  EXPECT_EQ(steps[null].kind, Kind::kMakeDevice);
}

TEST(RootfsPlan, InAUserNamespaceDevicesAreBoundAndOverlayUsesUserXattrs) {
  RootfsPlanInput input = overlay_input();
  input.user_namespace = true;
  auto steps = plan_rootfs(input);
  size_t null = index_of(steps, [](const RootfsStep& s) { return s.target == "/img/root/dev/null"; });
  ASSERT_NE(null, SIZE_MAX);
  EXPECT_EQ(steps[null].kind, Kind::kBindDevice);
  EXPECT_EQ(steps[null].source, "/dev/null");
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.fstype == "overlay"; });
  EXPECT_NE(steps[overlay].data.find(",userxattr"), std::string::npos);
}

TEST(RootfsPlan, ReadOnlyBindsTheImageAndRemountsRootReadOnlyLast) {
  RootfsPlanInput input = overlay_input();
  input.mode = RootfsMode::kReadOnlyBind;
  auto steps = plan_rootfs(input);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.fstype == "overlay"; }), SIZE_MAX);
  size_t bind = index_of(
      steps, [](const RootfsStep& s) { return s.kind == Kind::kMount && s.source == "/img" && s.target == "/img"; });
  ASSERT_NE(bind, SIZE_MAX);
  const RootfsStep& last = steps.back();
  EXPECT_EQ(last.target, "/");
  EXPECT_EQ(last.flags, static_cast<unsigned long>(MS_BIND | MS_REMOUNT | MS_RDONLY));
}

TEST(RootfsPlan, WithoutItsOwnNetAndIpcNamespacesSysIsBorrowedAndNoMqueue) {
  RootfsPlanInput input = overlay_input();
  input.user_namespace = true;
  input.net_namespace = false;
  input.ipc_namespace = false;
  auto steps = plan_rootfs(input);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.fstype == "sysfs"; }), SIZE_MAX);
  EXPECT_NE(index_of(steps, [](const RootfsStep& s) { return s.source == "/sys" && (s.flags & MS_BIND); }), SIZE_MAX);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.fstype == "mqueue"; }), SIZE_MAX);
}

TEST(RootfsPlan, StepsDescribeThemselvesForErrorMessages) {
  auto steps = plan_rootfs(overlay_input());
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.fstype == "overlay"; });
  EXPECT_EQ(steps[overlay].describe(), "mount overlay on /img/root");
}
