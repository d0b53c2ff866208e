// Pulls that must fail, each with a clear message and a non-zero exit status, and leave no
// image in the store: malformed references, what the registry does not have, bytes that do
// not match their digest, a registry that refuses or never answers, a full disk, and a pull
// killed half-way (after which the next pull finishes and cleans up). The store is checked on
// disk (image_store_fixture.h): no index entry, an empty tmp/, no half-made layer.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file_io.h"
#include "common/unique_fd.h"
#include "tests/integration/image_store_fixture.h"

namespace isobench::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRepoTag = "isobench/layered:v1";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Where `registry` keeps the bytes of blob `digest` ("sha256:HEX"): distribution's layout.
std::string registry_blob_file(const LocalRegistry& registry, const std::string& digest) {
  const std::string hex = digest.substr(digest.find(':') + 1);
  return registry.storage_dir() + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
}

/// A TCP socket on a free 127.0.0.1 port, bound; listening (connections complete and then
/// hear nothing, as no one accepts them) or not (connections are refused).
struct LoopbackSocket {
  UniqueFd fd;
  int port = 0;
};

Result<LoopbackSocket> loopback_socket(bool listening) {
  LoopbackSocket socket_end;
  socket_end.fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_end.fd) return errno_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(socket_end.fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return errno_error("bind");
  if (listening && ::listen(socket_end.fd.get(), 64) != 0) return errno_error("listen");
  if (::getsockname(socket_end.fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) return errno_error("getsockname");
  socket_end.port = ntohs(address.sin_port);
  return socket_end;
}

/// A small tmpfs over `path` for the length of a test body; unmounted however it ends.
class TmpfsMount {
 public:
  TmpfsMount(std::string path, const std::string& options) : path_(std::move(path)) {
    if (::mount("isobench-test-tmpfs", path_.c_str(), "tmpfs", MS_NOSUID, options.c_str()) == 0) mounted_ = true;
    else error_ = errno_error("mount tmpfs on " + path_).text();
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  ~TmpfsMount() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

class ImageBadInputTest : public ImageStoreTest {
 protected:
  /// A pull that failed with `exit_code`, saying each of `said`, and left no image behind.
  void expect_refused(const ProcessResult& result, int exit_code, const std::vector<std::string>& said,
                      const std::string& what) {
    EXPECT_EQ(result.exit_code, exit_code) << what << "\n" << result;
    EXPECT_FALSE(result.timed_out) << what;
    EXPECT_TRUE(result.err.starts_with("isobench: error: ")) << what << "\n" << result;
    for (const std::string& part : said) EXPECT_TRUE(contains(result.err, part)) << what << ": no '" << part << "'\n" << result;
    expect_no_image_left(what);
  }

  /// The digest of the manifest tagged kRepoTag in `registry`.
  std::string manifest_digest(const LocalRegistry& registry) {
    auto manifest = skopeo_inspect(registry, kRepoTag);
    EXPECT_TRUE(manifest.ok()) << manifest.error().text();
    return manifest ? (*manifest)["Digest"].get<std::string>() : "";
  }
};

TEST_F(ImageBadInputTest, MalformedReferencesAreUsageErrorsThatTouchNothing) {
  const std::vector<std::string> names = {"Upper/Case:v1", "repo:bad:tag", "repo@sha256:1234", "a//b",
                                          "repo:" + std::string(200, 't')};
  for (const std::string& name : names) {
    ProcessResult refused = isobench({"pull", name});
    expect_refused(refused, 2, {}, "pull " + name.substr(0, 40));
    EXPECT_TRUE(contains(refused.err, name.substr(0, 20))) << "the message does not quote the reference\n" << refused;
  }
  EXPECT_FALSE(fs::exists(store() + "/index.json"));
}

TEST_F(ImageBadInputTest, UnknownTagRepositoryAndDigestAreNotFoundNamingTheImage) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  const std::string unknown_tag = name_in(*registry, "isobench/layered:nosuchtag");
  expect_refused(isobench({"pull", unknown_tag}), 125, {unknown_tag, "not found", "404"}, "an unknown tag");
  const std::string unknown_repository = name_in(*registry, "nobody/here:v1");
  expect_refused(isobench({"pull", unknown_repository}), 125, {unknown_repository, "not found", "404"},
                 "an unknown repository");
  const std::string unknown_digest = name_in(*registry, "isobench/layered@sha256:" + std::string(64, 'e'));
  expect_refused(isobench({"pull", unknown_digest}), 125, {unknown_digest, "not found", "404"}, "an unknown digest");
}

TEST_F(ImageBadInputTest, PlatformTheIndexLacksFailsNamingThePlatformsOffered) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  auto index = build_multi_platform_index(scratch_.path());
  ASSERT_TRUE(index.ok()) << index.error().text();
  ASSERT_TRUE(push_with_skopeo(*index, "isobench/multi:v1", *registry, /*all_platforms=*/true).ok());
  const std::string name = name_in(*registry, "isobench/multi:v1");
  expect_refused(isobench({"pull", "--platform", "linux/s390x", name}), 125,
                 {name, "linux/s390x", "linux/amd64", "linux/arm64"}, "a platform the index lacks");
  expect_refused(isobench({"pull", "--platform", "not a platform", name}), 2, {"not a platform"},
                 "a platform that does not parse");
}

TEST_F(ImageBadInputTest, ManifestWhoseBytesAreNotItsDigestIsRefused) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  const std::string digest = manifest_digest(*registry);
  ASSERT_FALSE(digest.empty());
  // One digit of a size changed in the registry's copy: still a manifest the registry serves
  // under the old digest, but no longer the bytes that digest names.
  const std::string data = registry_blob_file(*registry, digest);
  auto manifest = read_file(data);
  ASSERT_TRUE(manifest.ok()) << manifest.error().text();
  size_t at = manifest->find("\"size\"");
  ASSERT_NE(at, std::string::npos) << *manifest;
  at = manifest->find_first_of("0123456789", at);
  at = manifest->find_first_not_of("0123456789", at) - 1;
  (*manifest)[at] = (*manifest)[at] == '9' ? '8' : static_cast<char>((*manifest)[at] + 1);
  ASSERT_TRUE(write_regular_file(data, *manifest).ok());
  const std::string pinned = registry->host() + "/isobench/layered@" + digest;
  expect_refused(isobench({"pull", pinned}), 125, {pinned, "digest mismatch"}, "a manifest that is not its digest");
}

TEST_F(ImageBadInputTest, LayerBlobCorruptedInTheRegistryFailsWithDigestMismatch) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  auto layers = layout_layers(scratch_.path() + "/layout", kLayeredTag);
  ASSERT_TRUE(layers.ok() && !layers->empty());
  const std::string data = registry_blob_file(*registry, layers->front());
  {
    std::fstream blob(data, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(blob) << data;
    blob.seekg(0, std::ios::end);
    const std::streamoff middle = blob.tellg() / 2;
    blob.seekg(middle);
    const char byte = static_cast<char>(blob.get() ^ 0x5a);
    blob.seekp(middle);
    blob.put(byte);
  }
  const std::string name = name_in(*registry, kRepoTag);
  expect_refused(isobench({"pull", name}), 125, {"digest mismatch", layers->front().substr(7, 12)},
                 "a corrupted layer blob");
  EXPECT_FALSE(fs::exists(store() + "/blobs/sha256/" + layers->front().substr(7))) << "the corrupted blob was stored";
}

TEST_F(ImageBadInputTest, RegistryThatIsNotRunningIsConnectionRefused) {
  auto closed = loopback_socket(/*listening=*/false);
  ASSERT_TRUE(closed.ok()) << closed.error().text();
  const std::string host = "127.0.0.1:" + std::to_string(closed->port);
  ProcessResult refused = isobench({"pull", host + "/isobench/layered:v1"});
  expect_refused(refused, 125, {host + "/isobench/layered:v1"}, "a registry that is not running");
  EXPECT_TRUE(contains(refused.err, "refused") || contains(refused.err, "connect")) << refused;
}

TEST_F(ImageBadInputTest, RegistryThatNeverAnswersTimesOut) {
  auto silent = loopback_socket(/*listening=*/true);
  ASSERT_TRUE(silent.ok()) << silent.error().text();
  const std::string host = "127.0.0.1:" + std::to_string(silent->port);
  // Two seconds of silence per try instead of thirty, so that the retries fit the deadline.
  ProcessResult stalled = isobench({"pull", host + "/isobench/layered:v1"}, {"ISOBENCH_REGISTRY_TIMEOUT=2"}, 60s);
  expect_refused(stalled, 125, {host + "/isobench/layered:v1"}, "a registry that never answers");
  EXPECT_TRUE(contains(stalled.err, "too slow") || contains(stalled.err, "timed out")) << stalled;
}

TEST_F(ImageBadInputTest, RegistryTimeoutThatIsNotANumberIsAUsageError) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ProcessResult refused = isobench({"pull", name_in(*registry, kRepoTag)}, {"ISOBENCH_REGISTRY_TIMEOUT=soon"});
  expect_refused(refused, 2, {"ISOBENCH_REGISTRY_TIMEOUT", "soon"}, "a timeout that is not a number");
}

TEST_F(ImageBadInputTest, FullDiskFailsWithNoSpaceAndLeavesNoImage) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  fs::create_directories(store());
  // 1 MiB holds the store's skeleton and the small layers, not busybox (2 MB unpacked).
  TmpfsMount small(store(), "size=1m,mode=0700");
  ASSERT_TRUE(small.mounted()) << small.error();
  ProcessResult full = isobench({"pull", name_in(*registry, kRepoTag)});
  expect_refused(full, 125, {"No space left on device"}, "a pull onto a full disk");
}

/// Adds to the layered image in WORK_DIR/layout a top layer holding `bytes` random bytes
/// (random, so that gzip cannot shrink the transfer).
Status add_big_layer(const std::string& work_dir, size_t bytes) {
  const std::string staging = work_dir + "/big", tarball = work_dir + "/big.tar";
  std::error_code error;
  fs::create_directories(staging + "/big", error);
  {
    std::ifstream random("/dev/urandom", std::ios::binary);
    std::ofstream file(staging + "/big/random.bin", std::ios::binary);
    std::vector<char> buffer(1 << 20);
    for (size_t written = 0; written < bytes && random && file; written += buffer.size()) {
      random.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      file.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    }
    if (!random || !file) return plain_error("cannot write " + staging + "/big/random.bin");
  }
  auto packed = run_tool({"tar", "--create", "--file", tarball, "--numeric-owner", "--owner=0", "--group=0", "-C",
                          staging, "big"});
  if (!packed) return packed.error();
  auto added = run_tool({"umoci", "raw", "add-layer", "--image", work_dir + "/layout:" + kLayeredTag, tarball}, 180s);
  fs::remove_all(staging, error);
  fs::remove(tarball, error);
  if (!added) return added.error();
  return {};
}

/// Whether a pull's work area in ROOT/tmp is inside layer `index`: more than 1 MiB of its blob
/// downloaded, or its tree being unpacked.
bool pull_is_inside_layer(const std::string& root, size_t index) {
  for (const std::string& name : directory_names(root + "/tmp")) {
    if (!name.starts_with("pull-") || name.ends_with(".lock")) continue;
    const std::string area = root + "/tmp/" + name + "/";
    struct stat status{};
    if (::stat((area + "blob-" + std::to_string(index)).c_str(), &status) == 0 && status.st_size > (1 << 20)) return true;
    if (::stat((area + "layer-" + std::to_string(index)).c_str(), &status) == 0) return true;
  }
  return false;
}

TEST_F(ImageBadInputTest, PullKilledHalfWayLeavesNoImageAndTheNextPullFinishes) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_FALSE(layered_image().empty());
  Status big = add_big_layer(scratch_.path(), 48 << 20);
  ASSERT_TRUE(big.ok()) << big.error().text();
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  const std::string name = name_in(*registry, kRepoTag);

  auto pull = start_isobench({"pull", "-q", name});
  ASSERT_TRUE(pull.ok()) << pull.error().text();
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  bool inside = false;
  while (!inside && std::chrono::steady_clock::now() < give_up && read_store_files(store()).image_count() == 0) {
    inside = pull_is_inside_layer(store(), 3);
    if (!inside) std::this_thread::sleep_for(1ms);
  }
  pull->send_signal(SIGKILL);
  ProcessResult killed = pull->wait(kPullDeadline);
  ASSERT_TRUE(inside) << "never saw the pull inside its big layer\n" << killed;
  ASSERT_EQ(killed.signal, SIGKILL) << "the pull ended before it was killed\n" << killed;

  ProcessResult listed = images();
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 1) << "images shows a killed pull's image\n" << listed;
  EXPECT_EQ(read_store_files(store()).image_count(), 0u);

  ProcessResult again = isobench({"pull", "-q", name});
  ASSERT_EQ(again.exit_code, 0) << again;
  const StoreFiles files = read_store_files(store());
  EXPECT_EQ(files.image_count(), 1u);
  EXPECT_EQ(files.layers.size(), 4u) << joined(files.layers);
  EXPECT_TRUE(files.tmp.empty()) << "the next pull left the killed one's work area: " << joined(files.tmp);
  EXPECT_TRUE(incomplete_layers(store()).empty()) << joined(incomplete_layers(store()));
}

}  // namespace
}  // namespace isobench::integration
