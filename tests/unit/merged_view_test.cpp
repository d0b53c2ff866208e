// The image's merged view (runner/image/merged_view): what a killed owner left mounted is
// found in mountinfo, deepest first; a single layer is shown as it is, with nothing mounted.
// Mounting a real overlay needs root and is exercised by bench_image_test.
#include "runner/image/merged_view.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

namespace isobench::runner::image {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kMountinfo =
    "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "30 22 0:30 / /tmp/isobench-bench-abc123 rw shared:9 - tmpfs tmpfs rw\n"
    "31 30 0:31 / /tmp/isobench-bench-abc123/image-view-Q1w2E3 ro shared:10 - overlay overlay ro,lowerdir=/a:/b\n"
    "32 22 0:32 / /tmp/isobench-bench-abc1234/image-view-zzzzzz ro - overlay overlay ro\n"
    "33 30 0:33 / /tmp/isobench-bench-abc123/with\\040space ro - overlay overlay ro\n"
    "34 22 0:34 / /tmp/other rw - tmpfs tmpfs rw\n";

TEST(MountPointsBeneath, FindsTheDirectoryAndWhatIsBelowItDeepestFirst) {
  EXPECT_EQ(mount_points_beneath(kMountinfo, "/tmp/isobench-bench-abc123"),
            (Strings{"/tmp/isobench-bench-abc123/image-view-Q1w2E3", "/tmp/isobench-bench-abc123/with space",
                     "/tmp/isobench-bench-abc123"}));
}

TEST(MountPointsBeneath, ANameThatOnlyStartsLikeTheDirectoryIsNotBeneathIt) {
  EXPECT_EQ(mount_points_beneath(kMountinfo, "/tmp/isobench-bench-abc1234"),
            (Strings{"/tmp/isobench-bench-abc1234/image-view-zzzzzz"}));
  EXPECT_TRUE(mount_points_beneath(kMountinfo, "/tmp/nothing").empty());
  EXPECT_TRUE(mount_points_beneath("garbage\n\n", "/tmp").empty());
}

TEST(MergedView, ASingleLayerWithTheRuntimesMountPointsIsItsOwnTreeAndNothingIsMounted) {
  char scratch[] = "/tmp/isobench-merged-view-test-XXXXXX";
  ASSERT_NE(mkdtemp(scratch), nullptr);
  const std::string layer = scratch;
  for (const std::string& dir : runtime_mount_points()) ASSERT_EQ(mkdir((layer + "/" + dir).c_str(), 0755), 0) << dir;
  {
    auto view = MergedView::create({layer}, "/nonexistent-parent");
    ASSERT_TRUE(view) << view.error().text();
    EXPECT_EQ((*view)->path(), layer);
    EXPECT_FALSE((*view)->mounted());
  }
  struct stat info {};
  EXPECT_EQ(stat((layer + "/proc").c_str(), &info), 0) << "the store's layer is left as it was";
  std::error_code ignored;
  std::filesystem::remove_all(layer, ignored);
}

TEST(MergedView, TheRuntimesMountPointsAreTheDirectoriesTheyMountOn) {
  EXPECT_EQ(runtime_mount_points(), (Strings{"dev", "proc", "run", "sys", "tmp"}));
}

TEST(MergedView, AnImageWithoutLayersHasNoView) {
  EXPECT_FALSE(MergedView::create({}, "/tmp"));
}

}  // namespace
}  // namespace isobench::runner::image
