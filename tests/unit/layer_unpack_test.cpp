// A layer unpacks into its own directory with what overlayfs needs (modes, owners, xattrs,
// whiteouts as 0:0 devices, the opaque xattr), its diff_id is the sha256 of the uncompressed
// tar, and no entry of an untrusted layer reaches outside the directory: not by "..", an
// absolute name, a symlink or hard link planted by an earlier entry. Archives are written with
// libarchive in a scratch directory that holds the layer directory and, beside it, a sentinel
// directory that no attack may touch.
#include "runner/image/layer_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runner/image/digest.h"
#include "tests/fakes/test_archives.h"

using namespace isobench;
using namespace isobench::runner::image;
namespace fs = std::filesystem;
using namespace isobench::testing;

namespace {

/// One archive entry as the test writes it.
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string xattr_of(const std::string& path, const char* name) {
  char value[256];
  const ssize_t size = lgetxattr(path.c_str(), name, value, sizeof value);
  return size < 0 ? std::string("<none>") : std::string(value, static_cast<size_t>(size));
}

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return st;
}

std::set<std::string> names_in(const std::string& path) {
  std::set<std::string> names;
  for (const auto& item : fs::directory_iterator(path)) names.insert(item.path().filename().string());
  return names;
}

class LayerUnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-layer-unpack-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    base_ = scratch;
    layer_ = base_ + "/layer";
    sentinel_ = base_ + "/sentinel";
    ASSERT_EQ(mkdir(layer_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir(sentinel_.c_str(), 0755), 0);
    options_.privileged = geteuid() == 0;
  }
  void TearDown() override {
    if (!mounted_.empty()) umount2(mounted_.c_str(), MNT_DETACH);
    if (!remove_tree(base_)) {
      std::error_code ignored;
      fs::remove_all(base_, ignored);
    }
  }

  Result<UnpackedLayer> unpack(const std::vector<Entry>& entries, Compression compression = Compression::kNone) {
    return unpack_bytes(compressed(tar_of(entries), compression));
  }
  Result<UnpackedLayer> unpack_bytes(const std::string& bytes) {
    const std::string archive_path = base_ + "/layer.tar";
    std::ofstream(archive_path, std::ios::binary | std::ios::trunc) << bytes;
    return unpack_layer(archive_path, layer_, options_);
  }
  /// The attack failed, named its entry, and left the sentinel as it was.
  void expect_refused(const std::vector<Entry>& entries, const std::string& entry_name,
                      const std::set<std::string>& sentinel_names = {}) {
    auto result = unpack(entries);
    ASSERT_FALSE(result.ok()) << "unpacked an attack through " << entry_name;
    // A directory's name may come back with a trailing "/": the pax writer adds one.
    EXPECT_TRUE(contains(result.error().text(), "'" + entry_name)) << result.error().text();
    EXPECT_EQ(names_in(sentinel_), sentinel_names);
  }
  std::string in_layer(const std::string& path) const { return layer_ + "/" + path; }

  std::string base_, layer_, sentinel_, mounted_;
  UnpackOptions options_;
};

TEST_F(LayerUnpackTest, UnpacksFilesDirectoriesSymlinksAndHardLinks) {
  auto layer = unpack({dir("etc"), file("etc/hostname", "box\n"), file("./usr/bin/tool", "#!/bin/sh\n", 0755),
                       symlink_to("bin", "usr/bin"), hardlink_to("usr/bin/same", "usr/bin/tool")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(read_text(in_layer("etc/hostname")), "box\n");
  EXPECT_EQ(read_text(in_layer("usr/bin/tool")), "#!/bin/sh\n");
  EXPECT_EQ(fs::read_symlink(in_layer("bin")), "usr/bin");
  EXPECT_EQ(lstat_of(in_layer("usr/bin/same")).st_ino, lstat_of(in_layer("usr/bin/tool")).st_ino);
  EXPECT_EQ(layer->entries, 5u);
  EXPECT_EQ(layer->size_bytes, 4u + 10u);
}

TEST_F(LayerUnpackTest, KeepsModesAndTimesAndGivesDirectoriesTheirsAfterTheirContents) {
  Entry read_only = dir("ro", 0555);
  read_only.mtime = 1'500'000'000;
  auto layer = unpack({read_only, file("ro/inside", "x", 0600), file("tool", "x", 04755), dir("locked", 0000),
                       file("locked/secret", "y", 0640)});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(lstat_of(in_layer("ro")).st_mode & 07777, 0555u);
  EXPECT_EQ(lstat_of(in_layer("ro")).st_mtime, 1'500'000'000);
  EXPECT_EQ(lstat_of(in_layer("ro/inside")).st_mode & 07777, 0600u);
  EXPECT_EQ(lstat_of(in_layer("ro/inside")).st_mtime, 1'600'000'000);
  EXPECT_EQ(lstat_of(in_layer("tool")).st_mode & 07777, 04755u);
  EXPECT_EQ(lstat_of(in_layer("locked")).st_mode & 07777, 0000u);
}

TEST_F(LayerUnpackTest, TheRootEntryGivesTheLayerDirectoryItsModeAndANonDirectoryRootIsRefused) {
  Entry root = dir("./", 0750);
  root.uid = geteuid() == 0 ? 1000 : geteuid();
  auto layer = unpack({root, file("a")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(lstat_of(layer_).st_mode & 07777, 0750u);
  EXPECT_EQ(lstat_of(layer_).st_uid, static_cast<uid_t>(root.uid));
  auto refused = unpack({file(".")});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(contains(refused.error().text(), "'.'")) << refused.error().text();
}

TEST_F(LayerUnpackTest, KeepsOwnersAndSetuidBitsWhenPrivileged) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  Entry tool = file("tool", "x", 06755);
  tool.uid = 1234;
  tool.gid = 5678;
  Entry owned_dir = dir("home", 0700);
  owned_dir.uid = 1000;
  Entry link = symlink_to("link", "tool");
  link.uid = 4321;
  ASSERT_TRUE(unpack({tool, owned_dir, link}).ok());
  const struct stat st = lstat_of(in_layer("tool"));
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_gid, 5678u);
  EXPECT_EQ(st.st_mode & 07777, 06755u) << "chmod must come after chown, which clears setuid";
  EXPECT_EQ(lstat_of(in_layer("home")).st_uid, 1000u);
  EXPECT_EQ(lstat_of(in_layer("link")).st_uid, 4321u);
}

TEST_F(LayerUnpackTest, UnprivilegedUnpackLeavesOwnersToTheCaller) {
  options_.privileged = false;
  Entry tool = file("tool");
  tool.uid = 1234;
  ASSERT_TRUE(unpack({tool}).ok());
  EXPECT_EQ(lstat_of(in_layer("tool")).st_uid, geteuid());
}

TEST_F(LayerUnpackTest, MakesDeviceNodesAndFifosWhenPrivileged) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for mknod";
  const Entry null_device = node("dev/null", AE_IFCHR, 0666, 1, 3);
  const Entry fifo = node("run/pipe", AE_IFIFO, 0620);
  auto layer = unpack({null_device, fifo});
  if (!layer.ok() && layer.error().errno_value == EPERM) GTEST_SKIP() << "mknod not permitted here";
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  const struct stat st = lstat_of(in_layer("dev/null"));
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(1, 3));
  EXPECT_EQ(st.st_mode & 07777, 0666u);
  EXPECT_TRUE(S_ISFIFO(lstat_of(in_layer("run/pipe")).st_mode));
}

TEST_F(LayerUnpackTest, UnprivilegedUnpackRefusesDeviceNodesByNameButMakesFifos) {
  options_.privileged = false;
  ASSERT_TRUE(unpack({node("pipe", AE_IFIFO, 0600)}).ok());
  EXPECT_TRUE(S_ISFIFO(lstat_of(in_layer("pipe")).st_mode));
  auto refused = unpack({node("dev/sda", AE_IFBLK, 0660, 8, 0)});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(contains(refused.error().text(), "'dev/sda'")) << refused.error().text();
  EXPECT_FALSE(fs::exists(fs::symlink_status(in_layer("dev/sda"))));
}

TEST_F(LayerUnpackTest, KeepsUserXattrsAndNeverTheOverlaysOwn) {
  Entry tagged = file("tagged");
  tagged.xattrs = {{"user.origin", "test"}, {"trusted.overlay.redirect", "/etc"}, {"user.overlay.metacopy", ""}};
  Entry forged = dir("forged");
  forged.xattrs = {{"trusted.overlay.opaque", "y"}, {"user.overlay.opaque", "y"}};
  auto layer = unpack({tagged, forged});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(xattr_of(in_layer("tagged"), "user.origin"), "test");
  EXPECT_EQ(xattr_of(in_layer("tagged"), "trusted.overlay.redirect"), "<none>");
  EXPECT_EQ(xattr_of(in_layer("tagged"), "user.overlay.metacopy"), "<none>");
  EXPECT_EQ(xattr_of(in_layer("forged"), "trusted.overlay.opaque"), "<none>");
  EXPECT_EQ(xattr_of(in_layer("forged"), "user.overlay.opaque"), "<none>");
}

TEST_F(LayerUnpackTest, KeepsFileCapabilitiesWhenPrivileged) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to set security.capability";
  vfs_cap_data caps{};
  caps.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
  caps.data[0].permitted = 1u << CAP_NET_RAW;
  const std::string value(reinterpret_cast<const char*>(&caps), XATTR_CAPS_SZ_2);
  Entry ping = file("ping", "x", 0755);
  ping.uid = 1000;  // chown would clear the capability: it must come first
  ping.xattrs = {{"security.capability", value}};
  auto layer = unpack({ping});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(xattr_of(in_layer("ping"), "security.capability"), value);
}

TEST_F(LayerUnpackTest, WhiteoutsBecomeZeroZeroCharacterDevicesAndAufsMetadataIsSkipped) {
  // No root needed: since Linux 5.8 a 0:0 character device (a whiteout) needs no CAP_MKNOD.
  options_.privileged = false;
  auto layer = unpack({file(".wh.gone"), file(".wh..wh.plnk"), dir(".wh..wh.orph"), file("usr/.wh.lib")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  const struct stat gone = lstat_of(in_layer("gone"));
  EXPECT_TRUE(S_ISCHR(gone.st_mode));
  EXPECT_EQ(gone.st_rdev, makedev(0, 0));
  EXPECT_TRUE(S_ISCHR(lstat_of(in_layer("usr/lib")).st_mode));
  EXPECT_EQ(names_in(layer_), (std::set<std::string>{"gone", "usr"}));
  EXPECT_EQ(layer->entries, 4u);
}

TEST_F(LayerUnpackTest, OpaqueMarkerBecomesTheTrustedOpaqueXattr) {
  if (geteuid() != 0) GTEST_SKIP() << "trusted.overlay.opaque needs root";
  auto layer = unpack({dir("etc"), file("etc/.wh..wh..opq"), file("etc/kept")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(xattr_of(in_layer("etc"), "trusted.overlay.opaque"), "y");
  EXPECT_EQ(names_in(in_layer("etc")), (std::set<std::string>{"kept"}));
}

TEST_F(LayerUnpackTest, OpaqueMarkerUsesUserXattrsForARootlessOverlay) {
  options_.user_xattrs = true;
  ASSERT_TRUE(unpack({dir("etc"), file("etc/.wh..wh..opq")}).ok());
  EXPECT_EQ(xattr_of(in_layer("etc"), "user.overlay.opaque"), "y");
  EXPECT_EQ(xattr_of(in_layer("etc"), "trusted.overlay.opaque"), "<none>");
}

TEST_F(LayerUnpackTest, LaterEntriesReplaceEarlierOnesOfTheSameName) {
  auto layer =
      unpack({file("a", "first"), file("a", "second"), dir("d"), file("d/kept"), dir("d", 0700), symlink_to("s", "a"),
              file("s", "plain"), dir("gone"), file("gone/child"), file("gone", "file")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(read_text(in_layer("a")), "second");
  EXPECT_TRUE(fs::exists(in_layer("d/kept")));
  EXPECT_EQ(lstat_of(in_layer("d")).st_mode & 07777, 0700u);
  EXPECT_TRUE(S_ISREG(lstat_of(in_layer("s")).st_mode));
  EXPECT_EQ(read_text(in_layer("gone")), "file");
}

class LayerDiffIdTest : public LayerUnpackTest, public ::testing::WithParamInterface<Compression> {};

TEST_P(LayerDiffIdTest, DiffIdIsTheSha256OfTheWholeUncompressedTar) {
  std::string big(100'000, '\0');
  std::mt19937 random(7);
  for (char& c : big) c = static_cast<char>(random());
  const std::string tar = tar_of({dir("data"), file("data/big", big), file("data/small", "s")});
  ASSERT_EQ(tar.size() % 10240, 0u) << "the tar should end in record padding";
  const std::string blob = compressed(tar, GetParam());
  if (GetParam() != Compression::kNone) {
    ASSERT_NE(blob, tar);
  }
  auto layer = unpack_bytes(blob);
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(layer->diff_id, sha256_of(tar));
  EXPECT_EQ(read_text(in_layer("data/big")), big);
  EXPECT_EQ(layer->size_bytes, big.size() + 1);
}

INSTANTIATE_TEST_SUITE_P(Compressions, LayerDiffIdTest,
                         ::testing::Values(Compression::kNone, Compression::kGzip, Compression::kZstd),
                         [](const auto& info) {
                           return info.param == Compression::kNone   ? std::string("Plain")
                                  : info.param == Compression::kGzip ? std::string("Gzip")
                                                                     : std::string("Zstd");
                         });

TEST_F(LayerUnpackTest, ReadsAPipe) {
  const std::string blob = compressed(tar_of({file("from-pipe", "p")}), Compression::kGzip);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < blob.size()) {
      const ssize_t wrote = write(fds[1], blob.data() + done, blob.size() - done);
      if (wrote <= 0) break;
      done += static_cast<size_t>(wrote);
    }
    close(fds[1]);
  });
  auto layer = unpack_layer_from_fd(fds[0], layer_, options_);
  writer.join();
  close(fds[0]);
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_EQ(read_text(in_layer("from-pipe")), "p");
}

TEST_F(LayerUnpackTest, RefusesDotDotNames) {
  expect_refused({file("../sentinel/pwned")}, "../sentinel/pwned");
  expect_refused({file("../../etc/passwd")}, "../../etc/passwd");
  expect_refused({file("a/../../sentinel/x")}, "a/../../sentinel/x");
  expect_refused({dir("../sentinel/d")}, "../sentinel/d");
}

TEST_F(LayerUnpackTest, AbsoluteNamesLandInsideTheLayer) {
  auto layer = unpack({file("/etc/x"), file(sentinel_ + "/x")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_TRUE(fs::exists(in_layer("etc/x")));
  EXPECT_TRUE(fs::exists(layer_ + sentinel_ + "/x"));
  EXPECT_TRUE(names_in(sentinel_).empty());
}

TEST_F(LayerUnpackTest, RefusesWritingThroughASymlinkPlantedEarlier) {
  expect_refused({symlink_to("evil", "/"), file("evil" + sentinel_ + "/x")}, "evil" + sentinel_ + "/x");
  expect_refused({symlink_to("evil", "../.."), file("evil/" + fs::path(base_).filename().string() + "/sentinel/x")},
                 "evil/" + fs::path(base_).filename().string() + "/sentinel/x");
  expect_refused({symlink_to("evil", "../sentinel"), file("evil/x")}, "evil/x");
  expect_refused({symlink_to("evil", "../sentinel"), dir("evil/d")}, "evil/d");
  expect_refused({symlink_to("evil", "../sentinel"), symlink_to("evil/l", "/")}, "evil/l");
  expect_refused({symlink_to("evil", "../sentinel"), file("evil/.wh.x")}, "evil/.wh.x");
  expect_refused({symlink_to("evil", "../sentinel"), file("evil/.wh..wh..opq")}, "evil/.wh..wh..opq");
}

TEST_F(LayerUnpackTest, RefusesASymlinkedParentDeeperDown) {
  expect_refused({dir("a"), symlink_to("a/b", "../../sentinel"), file("a/b/c")}, "a/b/c");
  expect_refused({dir("a"), symlink_to("a/b", "../../sentinel"), file("a/b/c/d")}, "a/b/c/d");
}

TEST_F(LayerUnpackTest, ReplacesAPlantedSymlinkInsteadOfFollowingIt) {
  const mode_t sentinel_mode = lstat_of(sentinel_).st_mode;
  auto layer =
      unpack({symlink_to("evil", "../sentinel/target"), file("evil", "mine"), symlink_to("door", "../sentinel"),
              dir("door", 0700), symlink_to("node", "../sentinel/fifo"), node("node", AE_IFIFO, 0600)});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_TRUE(S_ISREG(lstat_of(in_layer("evil")).st_mode));
  EXPECT_TRUE(S_ISDIR(lstat_of(in_layer("door")).st_mode));
  EXPECT_TRUE(S_ISFIFO(lstat_of(in_layer("node")).st_mode));
  EXPECT_TRUE(names_in(sentinel_).empty());
  EXPECT_EQ(lstat_of(sentinel_).st_mode, sentinel_mode);
}

TEST_F(LayerUnpackTest, RefusesHardLinksOutOfTheLayer) {
  std::ofstream(sentinel_ + "/secret") << "secret";
  const nlink_t passwd_links = lstat_of("/etc/passwd").st_nlink;
  expect_refused({hardlink_to("h", "../sentinel/secret")}, "h", {"secret"});
  expect_refused({hardlink_to("h", "/etc/passwd")}, "h", {"secret"});
  expect_refused({symlink_to("evil", "../sentinel"), hardlink_to("h", "evil/secret")}, "h", {"secret"});
  EXPECT_EQ(lstat_of(sentinel_ + "/secret").st_nlink, 1u);
  EXPECT_EQ(lstat_of("/etc/passwd").st_nlink, passwd_links);
  EXPECT_FALSE(fs::exists(fs::symlink_status(in_layer("h"))));
}

TEST_F(LayerUnpackTest, AHardLinkToASymlinkLinksTheSymlinkItself) {
  auto layer = unpack({symlink_to("s", "/etc/passwd"), hardlink_to("h", "s")});
  ASSERT_TRUE(layer.ok()) << layer.error().text();
  EXPECT_TRUE(S_ISLNK(lstat_of(in_layer("h")).st_mode));
}

TEST_F(LayerUnpackTest, RefusesATruncatedGzipStream) {
  std::string big(200'000, '\0');
  std::mt19937 random(11);
  for (char& c : big) c = static_cast<char>(random());
  const std::string blob = compressed(tar_of({file("big", big), file("after")}), Compression::kGzip);
  auto layer = unpack_bytes(blob.substr(0, blob.size() / 2));
  ASSERT_FALSE(layer.ok());
  EXPECT_TRUE(contains(layer.error().text(), "'big'")) << layer.error().text();
  EXPECT_FALSE(fs::exists(in_layer("after")));
  EXPECT_TRUE(names_in(sentinel_).empty());
}

TEST_F(LayerUnpackTest, RefusesAStreamThatIsNotTar) {
  auto layer = unpack_bytes(compressed(std::string(4096, 'x'), Compression::kGzip));
  ASSERT_FALSE(layer.ok());
  EXPECT_TRUE(contains(layer.error().text(), "not a tar stream")) << layer.error().text();
}

TEST_F(LayerUnpackTest, RefusesMoreEntriesThanAllowed) {
  options_.max_entries = 3;
  auto layer = unpack({file("1"), file("2"), file("3"), file("4"), file("5")});
  ASSERT_FALSE(layer.ok());
  EXPECT_TRUE(contains(layer.error().text(), "more than 3")) << layer.error().text();
  EXPECT_TRUE(contains(layer.error().text(), "'4'")) << layer.error().text();
  EXPECT_FALSE(fs::exists(in_layer("4")));
}

TEST_F(LayerUnpackTest, RemoveTreeRemovesReadOnlyDirectoriesAndDoesNotFollowSymlinks) {
  std::ofstream(sentinel_ + "/keep") << "keep";
  ASSERT_TRUE(unpack({dir("usr", 0555), file("usr/lib", "x", 0444), dir("usr/empty", 0000), dir("ro", 0500),
                      file("ro/f"), symlink_to("out", "../sentinel"), symlink_to("abs", sentinel_)})
                  .ok());
  ASSERT_TRUE(remove_tree(layer_).ok());
  EXPECT_FALSE(fs::exists(fs::symlink_status(layer_)));
  EXPECT_EQ(names_in(sentinel_), (std::set<std::string>{"keep"}));
  EXPECT_EQ(read_text(sentinel_ + "/keep"), "keep");
  EXPECT_TRUE(remove_tree(layer_).ok()) << "a tree already gone is removed";
}

TEST_F(LayerUnpackTest, RemoveTreeStopsAtAMountPoint) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount";
  const std::string mount_point = layer_ + "/mnt";
  ASSERT_EQ(mkdir(mount_point.c_str(), 0755), 0);
  if (mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) GTEST_SKIP() << "cannot mount tmpfs here";
  mounted_ = mount_point;
  std::ofstream(mount_point + "/inside") << "x";
  auto removed = remove_tree(layer_);
  ASSERT_FALSE(removed.ok());
  EXPECT_TRUE(contains(removed.error().text(), "mnt")) << removed.error().text();
  EXPECT_TRUE(fs::exists(mount_point + "/inside"));
}

}  // namespace
