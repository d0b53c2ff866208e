#include "runner/rootfs_plan.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <functional>

using namespace isobench::runner;
using Kind = RootfsStep::Kind;

namespace {

RootfsPlanInput overlay_input() {
  RootfsPlanInput input;
  input.rootfs = "/img";
  input.rootfs_fd = 7;
  input.layer_bytes = 1u << 30;
  return input;
}

size_t index_of(const std::vector<RootfsStep>& steps, const std::function<bool(const RootfsStep&)>& match) {
  auto it = std::find_if(steps.begin(), steps.end(), match);
  return it == steps.end() ? SIZE_MAX : static_cast<size_t>(it - steps.begin());
}

bool mounts(const RootfsStep& step, const std::string& fstype, const std::string& target) {
  return step.kind == Kind::kMount && step.fstype == fstype && step.target == target;
}

size_t pivot_of(const std::vector<RootfsStep>& steps) {
  return index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kPivotRoot; });
}

}  // namespace

TEST(RootfsPlan, FirstStopsMountPropagation) {
  auto steps = plan_rootfs(overlay_input());
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].kind, Kind::kPrivatePropagation);
}

TEST(RootfsPlan, OverlayTakesItsLowerLayerFromTheReopenedImageDescriptor) {
  auto steps = plan_rootfs(overlay_input());
  size_t reopen = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kReopenImage; });
  size_t layer = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kLayerTmpfs; });
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; });
  ASSERT_LT(reopen, layer);  // the image must be opened before the tmpfs hides it
  ASSERT_LT(layer, overlay);
  EXPECT_EQ(steps[reopen].fd, 7);
  EXPECT_EQ(steps[layer].fd, 7);  // the layer is attached over the image by descriptor
  EXPECT_EQ(steps[overlay].target, "/img/root");
  EXPECT_EQ(steps[overlay].data(), "lowerdir=/proc/self/fd/7,upperdir=/img/upper,workdir=/img/work");
}

TEST(RootfsPlan, AKeptLayerIsTheGivenDirectoryBoundWhereTheTmpfsWouldBe) {
  RootfsPlanInput input = overlay_input();
  input.layer_dir = "/store/containers/ID/layer";
  auto steps = plan_rootfs(input);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kLayerTmpfs; }), SIZE_MAX);
  size_t reopen = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kReopenImage; });
  size_t layer = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kLayerDirectory; });
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; });
  ASSERT_LT(reopen, layer);
  ASSERT_LT(layer, overlay);
  EXPECT_EQ(steps[layer].source, "/store/containers/ID/layer");
  EXPECT_EQ(steps[layer].fd, 7);
  EXPECT_FALSE(steps[layer].inside_root());
  EXPECT_EQ(steps[overlay].data(), "lowerdir=/proc/self/fd/7,upperdir=/img/upper,workdir=/img/work");
}

TEST(RootfsPlan, AnImagesLayersStackTopFirstEachAsItsOwnLowerdir) {
  RootfsPlanInput input = overlay_input();
  // fsconfig takes at most 256 bytes a value: long store paths must not be joined.
  const std::string long_path = "/var/lib/isobench/layers/sha256/" + std::string(64, 'a') + "/diff";
  input.lower_layers = {long_path, long_path + "2", long_path + "3"};
  auto steps = plan_rootfs(input);
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; });
  ASSERT_NE(overlay, SIZE_MAX);
  EXPECT_EQ(steps[overlay].data(), "lowerdir+=/proc/self/fd/7,lowerdir+=" + long_path + ",lowerdir+=" + long_path + "2,lowerdir+=" +
                                       long_path + "3,upperdir=/img/upper,workdir=/img/work");
  for (const MountOption& option : steps[overlay].options) EXPECT_LT(option.value.size(), 256u) << option.key;
}

TEST(RootfsPlan, AReadOnlyLayeredImageIsAnOverlayOfItsLayersAloneMountedReadOnly) {
  RootfsPlanInput input = overlay_input();
  input.mode = RootfsMode::kReadOnlyBind;
  input.lower_layers = {"/store/l2", "/store/l1"};
  auto steps = plan_rootfs(input);
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; });
  ASSERT_NE(overlay, SIZE_MAX);
  EXPECT_EQ(steps[overlay].data(), "lowerdir+=/proc/self/fd/7,lowerdir+=/store/l2,lowerdir+=/store/l1");
  EXPECT_TRUE(steps[overlay].attributes & MOUNT_ATTR_RDONLY);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kLayerTmpfs; }), SIZE_MAX);
}

TEST(RootfsPlan, TheWritableLayerIsBoundedInBytesAndInodes) {
  auto steps = plan_rootfs(overlay_input());
  size_t layer = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kLayerTmpfs; });
  ASSERT_NE(layer, SIZE_MAX);
  EXPECT_EQ(steps[layer].data(), "mode=0755,size=1073741824,nr_inodes=263168");
}

TEST(RootfsPlan, DevAndDevShmAreBoundedInInodesToo) {
  auto steps = plan_rootfs(overlay_input());
  for (const char* target : {"dev", "dev/shm"}) {
    size_t at = index_of(steps, [&](const RootfsStep& s) { return mounts(s, "tmpfs", target); });
    ASSERT_NE(at, SIZE_MAX) << target;
    EXPECT_NE(steps[at].data().find("size=67108864,nr_inodes=17408"), std::string::npos) << steps[at].data();
  }
}

TEST(RootfsPlan, EveryStepAfterTheRootIsMadeNamesAPathRelativeToIt) {
  // Absolute targets would be resolved by the kernel's ordinary lookup, symlinks and all.
  auto steps = plan_rootfs(overlay_input());
  for (const RootfsStep& step : steps) {
    if (!step.inside_root()) continue;
    ASSERT_FALSE(step.target.empty()) << step.describe();
    EXPECT_NE(step.target[0], '/') << step.describe();
    EXPECT_EQ(step.target.find(".."), std::string::npos) << step.describe();
  }
}

TEST(RootfsPlan, ProcSysAndDevAreMountedInsideTheNewRootBeforePivot) {
  auto steps = plan_rootfs(overlay_input());
  size_t pivot = pivot_of(steps);
  ASSERT_NE(pivot, SIZE_MAX);
  EXPECT_EQ(steps[pivot].target, "/img/root");
  for (auto [fstype, target] : {std::pair{"proc", "proc"}, std::pair{"sysfs", "sys"}, std::pair{"tmpfs", "dev"},
                                std::pair{"devpts", "dev/pts"}}) {
    size_t at = index_of(
        steps, [&, fstype = fstype, target = target](const RootfsStep& s) { return mounts(s, fstype, target); });
    EXPECT_LT(at, pivot) << fstype << " on " << target;
  }
  size_t sysfs = index_of(steps, [](const RootfsStep& s) { return mounts(s, "sysfs", "sys"); });
  EXPECT_TRUE(steps[sysfs].attributes & MOUNT_ATTR_RDONLY);
}

TEST(RootfsPlan, MaskedAndReadOnlyProcPathsComeAfterPivotAndMayBeMissing) {
  auto steps = plan_rootfs(overlay_input());
  size_t pivot = pivot_of(steps);
  size_t kcore = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kMask && s.target == "proc/kcore"; });
  size_t sys = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kReadOnly && s.target == "proc/sys"; });
  ASSERT_NE(kcore, SIZE_MAX);
  ASSERT_NE(sys, SIZE_MAX);
  EXPECT_GT(kcore, pivot);
  EXPECT_GT(sys, pivot);
  EXPECT_TRUE(steps[kcore].optional);
}

TEST(RootfsPlan, WithoutAUserNamespaceDevicesAreCreatedWithMknod) {
  auto steps = plan_rootfs(overlay_input());
  size_t null = index_of(steps, [](const RootfsStep& s) { return s.target == "dev/null"; });
  ASSERT_NE(null, SIZE_MAX);
  EXPECT_EQ(steps[null].kind, Kind::kMakeDevice);
}

TEST(RootfsPlan, InAUserNamespaceDevicesAreBoundAndOverlayUsesUserXattrs) {
  RootfsPlanInput input = overlay_input();
  input.user_namespace = true;
  auto steps = plan_rootfs(input);
  size_t null = index_of(steps, [](const RootfsStep& s) { return s.target == "dev/null"; });
  ASSERT_NE(null, SIZE_MAX);
  EXPECT_EQ(steps[null].kind, Kind::kBindDevice);
  EXPECT_EQ(steps[null].source, "/dev/null");
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; });
  EXPECT_NE(steps[overlay].data().find(",userxattr"), std::string::npos);
}

TEST(RootfsPlan, WithoutADeviceCgroupTheRootIsMountedNodev) {
  RootfsPlanInput input = overlay_input();
  auto guarded = plan_rootfs(input);
  input.nodev_root = true;
  auto unguarded = plan_rootfs(input);
  auto overlay = [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; };
  EXPECT_FALSE(guarded[index_of(guarded, overlay)].attributes & MOUNT_ATTR_NODEV);
  EXPECT_TRUE(unguarded[index_of(unguarded, overlay)].attributes & MOUNT_ATTR_NODEV);
  // /dev itself keeps its devices: the container needs /dev/null.
  size_t dev = index_of(unguarded, [](const RootfsStep& s) { return mounts(s, "tmpfs", "dev"); });
  EXPECT_FALSE(unguarded[dev].attributes & MOUNT_ATTR_NODEV);
}

TEST(RootfsPlan, ReadOnlyBindsTheImageReadOnlyAllTheWayDown) {
  RootfsPlanInput input = overlay_input();
  input.mode = RootfsMode::kReadOnlyBind;
  auto steps = plan_rootfs(input);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; }), SIZE_MAX);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kLayerTmpfs; }), SIZE_MAX);
  size_t bind = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kBindRoot && s.source == "/img"; });
  ASSERT_NE(bind, SIZE_MAX);
  EXPECT_TRUE(steps[bind].attributes & MOUNT_ATTR_RDONLY);  // applied to the whole tree
}

TEST(RootfsPlan, WithoutItsOwnNetAndIpcNamespacesSysIsBorrowedAndNoMqueue) {
  RootfsPlanInput input = overlay_input();
  input.user_namespace = true;
  input.net_namespace = false;
  input.ipc_namespace = false;
  auto steps = plan_rootfs(input);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.fstype == "sysfs"; }), SIZE_MAX);
  size_t sys = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kBindHost && s.source == "/sys"; });
  ASSERT_NE(sys, SIZE_MAX);
  EXPECT_TRUE(steps[sys].attributes & MOUNT_ATTR_RDONLY);
  EXPECT_EQ(index_of(steps, [](const RootfsStep& s) { return s.fstype == "mqueue"; }), SIZE_MAX);
}

TEST(RootfsPlan, StepsDescribeThemselvesForErrorMessages) {
  auto steps = plan_rootfs(overlay_input());
  size_t overlay = index_of(steps, [](const RootfsStep& s) { return s.kind == Kind::kOverlayRoot; });
  EXPECT_EQ(steps[overlay].describe(), "mount overlay on /img/root");
  size_t proc = index_of(steps, [](const RootfsStep& s) { return mounts(s, "proc", "proc"); });
  EXPECT_EQ(steps[proc].describe(), "mount proc on /proc");
}
