// `isobench pull` and the verbs around it, driven as a user would against a real registry
// (tests/integration/local_registry.h): the container course's sequence (pull, images,
// inspect, tag, rmi), pulls by digest and by platform, basic auth and TLS, an interrupted
// pull, and two pulls at once. What the store holds is checked on disk. Bad input is
// image_bad_input_test.cpp's.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include "common/file_io.h"
#include "tests/integration/image_store_fixture.h"

namespace isobench::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRepoTag = "isobench/layered:v1";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

/// The whitespace-separated words of `line`.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream stream(line);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Inode numbers of the store's layer trees and blobs, by name: what a second pull must not replace.
std::map<std::string, ino_t> store_inodes(const std::string& root) {
  std::map<std::string, ino_t> inodes;
  struct stat status{};
  for (const std::string& layer : directory_names(root + "/layers/sha256"))
    if (::stat((root + "/layers/sha256/" + layer + "/diff").c_str(), &status) == 0) inodes["layer " + layer] = status.st_ino;
  for (const std::string& blob : directory_names(root + "/blobs/sha256"))
    if (::stat((root + "/blobs/sha256/" + blob).c_str(), &status) == 0) inodes["blob " + blob] = status.st_ino;
  return inodes;
}

class ImagePullTest : public ImageStoreTest {
 protected:
  /// Pushes the layered image as kRepoTag and pulls it; the pull's result.
  ProcessResult push_and_pull(const LocalRegistry& registry, const std::vector<std::string>& env = {}) {
    push_layered(registry, kRepoTag);
    if (HasFatalFailure()) return {};
    return isobench({"pull", name_in(registry, kRepoTag)}, env);
  }

  /// `image inspect NAME` as JSON: the one object of its list; null (and a failure) otherwise.
  Json inspect(const std::string& name) {
    ProcessResult shown = isobench({"image", "inspect", name});
    EXPECT_EQ(shown.exit_code, 0) << shown;
    const Json list = parse_json(shown.out);
    EXPECT_TRUE(list.is_array() && list.size() == 1) << shown;
    return list.is_array() && list.size() == 1 ? list[0] : Json();
  }

  /// An auth file (Docker's config.json "auths") holding USER:PASSWORD for `registry`.
  std::string write_auth_file(const LocalRegistry& registry, const std::string& user, const std::string& password) {
    const std::string path = home_.path() + "/auth-" + user + ".json";
    const Json auths = {{"auths", {{registry.host(), {{"auth", base64(user + ":" + password)}}}}}};
    EXPECT_TRUE(write_regular_file(path, auths.dump()).ok());
    return path;
  }
};

TEST_F(ImagePullTest, PullDownloadsTheImageAndSaysWhatItPulled) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ProcessResult pulled = push_and_pull(*registry);
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  auto manifest = skopeo_inspect(*registry, kRepoTag);
  ASSERT_TRUE(manifest.ok()) << manifest.error().text();
  const std::string repository = registry->host() + "/isobench/layered";
  EXPECT_TRUE(contains(pulled.out, "v1: Pulling from " + repository + "\n")) << pulled;
  EXPECT_TRUE(contains(pulled.out, "Digest: " + (*manifest)["Digest"].get<std::string>() + "\n")) << pulled;
  EXPECT_TRUE(contains(pulled.out, "Status: Downloaded newer image for " + repository + ":v1\n")) << pulled;
  EXPECT_EQ(lines_of(pulled.out).back(), repository + ":v1") << pulled;
  const StoreFiles files = read_store_files(store());
  EXPECT_EQ(files.image_count(), 1u) << files.index.dump();
  EXPECT_EQ(files.layers.size(), 3u) << joined(files.layers);
  EXPECT_TRUE(files.tmp.empty()) << joined(files.tmp);
  EXPECT_TRUE(incomplete_layers(store()).empty()) << joined(incomplete_layers(store()));
}

TEST_F(ImagePullTest, ImagesListsThePulledImageAsDockerDoes) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_EQ(push_and_pull(*registry).exit_code, 0);
  const Json inspected = inspect(name_in(*registry, kRepoTag));
  const std::string id = inspected.value("Id", "");
  ASSERT_TRUE(id.starts_with("sha256:")) << inspected.dump();
  const std::string short_id = id.substr(7, 12);

  ProcessResult table = images();
  ASSERT_EQ(table.exit_code, 0) << table;
  const std::vector<std::string> rows = lines_of(table.out);
  ASSERT_EQ(rows.size(), 2u) << table;
  EXPECT_EQ(words_of(rows[0]), (std::vector<std::string>{"REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE"})) << table;
  const std::vector<std::string> row = words_of(rows[1]);
  ASSERT_GE(row.size(), 5u) << table;
  EXPECT_EQ(row[0], registry->host() + "/isobench/layered") << table;
  EXPECT_EQ(row[1], "v1");
  EXPECT_EQ(row[2], short_id);
  // The size is Docker's (kB or MB of the unpacked layers: busybox is about 2 MB).
  EXPECT_TRUE(row.back().ends_with("MB") || row.back().ends_with("kB")) << table;

  ProcessResult quiet = images({"-q"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet;
  EXPECT_EQ(quiet.out, short_id + "\n");

  ProcessResult json = images({"--json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  const Json listed = parse_json(json.out);
  ASSERT_TRUE(listed.is_array() && listed.size() == 1) << json;
  EXPECT_EQ(listed[0]["Id"], id);
  EXPECT_EQ(listed[0]["RepoTags"], Json::array({registry->host() + "/isobench/layered:v1"}));
  EXPECT_EQ(listed[0]["Layers"], 3);
  EXPECT_EQ(listed[0]["Platform"], "linux/amd64");
  EXPECT_GT(listed[0]["Size"].get<int64_t>(), 1'000'000);

  ProcessResult digests = images({"--digests"});
  ASSERT_EQ(digests.exit_code, 0) << digests;
  const std::vector<std::string> digest_rows = lines_of(digests.out);
  ASSERT_EQ(digest_rows.size(), 2u) << digests;
  EXPECT_EQ(words_of(digest_rows[0])[2], "DIGEST") << digests;
  EXPECT_EQ(words_of(digest_rows[1])[2], inspected["Manifest"]["Digest"]) << digests;
}

TEST_F(ImagePullTest, ImageInspectShowsTheConfigAndEveryLayerWithItsPath) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_EQ(push_and_pull(*registry).exit_code, 0);
  const Json image = inspect(name_in(*registry, kRepoTag));
  ASSERT_TRUE(image.is_object());
  EXPECT_EQ(image["RepoTags"], Json::array({registry->host() + "/isobench/layered:v1"}));
  EXPECT_EQ(image["Architecture"], "amd64");
  EXPECT_EQ(image["Os"], "linux");
  EXPECT_EQ(image["Config"]["Cmd"], Json::array({"/bin/sh", "-c", kLayeredCommand})) << image.dump(2);
  EXPECT_TRUE(image["Config"]["Entrypoint"].is_null()) << image.dump(2);
  const Json env = image["Config"]["Env"];
  EXPECT_NE(std::find(env.begin(), env.end(), "FOO=bar"), env.end()) << env.dump();
  EXPECT_EQ(image["Config"]["WorkingDir"], "/opt");
  EXPECT_EQ(image["Config"]["Labels"]["org.isobench.test"], "layered");
  const Json layers = image["Layers"];
  ASSERT_EQ(layers.size(), 3u) << image.dump(2);
  auto pushed_layers = layout_layers(scratch_.path() + "/layout", kLayeredTag);
  ASSERT_TRUE(pushed_layers.ok()) << pushed_layers.error().text();
  for (size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(layers[i]["Blob"], (*pushed_layers)[i]);
    EXPECT_EQ(layers[i]["DiffID"], image["RootFS"]["Layers"][i]);
    const std::string path = layers[i]["Path"];
    EXPECT_EQ(path, store() + "/layers/" + layers[i]["ChainID"].get<std::string>().replace(6, 1, "/") + "/diff");
    EXPECT_TRUE(fs::is_directory(path)) << path;
  }
  // The bottom layer's chain id is its diff id (the OCI image spec's definition).
  EXPECT_EQ(layers[0]["ChainID"], layers[0]["DiffID"]);
}

TEST_F(ImagePullTest, UnpackedLayersHoldTheFilesAndOverlayWhiteouts) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_EQ(push_and_pull(*registry).exit_code, 0);
  const Json layers = inspect(name_in(*registry, kRepoTag))["Layers"];
  ASSERT_EQ(layers.size(), 3u);
  const std::string bottom = layers[0]["Path"], middle = layers[1]["Path"], top = layers[2]["Path"];

  struct stat busybox{}, original{};
  ASSERT_EQ(::stat((bottom + "/bin/busybox").c_str(), &busybox), 0) << bottom;
  ASSERT_EQ(::stat("/bin/busybox", &original), 0);
  EXPECT_TRUE(S_ISREG(busybox.st_mode));
  EXPECT_EQ(busybox.st_size, original.st_size);
  EXPECT_EQ(busybox.st_mode & 0777, 0755u);
  EXPECT_EQ(fs::read_symlink(bottom + "/bin/sh"), "busybox");
  auto passwd = read_file(bottom + "/etc/passwd");
  ASSERT_TRUE(passwd.ok());
  EXPECT_TRUE(contains(*passwd, "app:x:1000:1000:")) << *passwd;
  EXPECT_TRUE(fs::is_regular_file(bottom + "/data/keep/x"));
  EXPECT_TRUE(fs::is_regular_file(middle + "/opt/doomed.txt"));
  auto hello = read_file(middle + "/opt/hello.txt");
  EXPECT_TRUE(hello.ok() && *hello == "hello from layer 2\n");

  // opt/.wh.doomed.txt became what overlayfs reads as a deleted file: a 0:0 character device.
  struct stat whiteout{};
  ASSERT_EQ(::lstat((top + "/opt/doomed.txt").c_str(), &whiteout), 0) << top;
  EXPECT_TRUE(S_ISCHR(whiteout.st_mode)) << std::oct << whiteout.st_mode;
  EXPECT_EQ(major(whiteout.st_rdev), 0u);
  EXPECT_EQ(minor(whiteout.st_rdev), 0u);
  EXPECT_FALSE(fs::exists(top + "/opt/.wh.doomed.txt"));
  // data/.wh..wh..opq became the opaque xattr on data/, which hides the lower layers' data/.
  char opaque[8] = {};
  const ssize_t length = ::getxattr((top + "/data").c_str(), "trusted.overlay.opaque", opaque, sizeof opaque);
  EXPECT_EQ(std::string(opaque, length > 0 ? static_cast<size_t>(length) : 0), "y") << strerror(errno);
  EXPECT_FALSE(fs::exists(top + "/data/.wh..wh..opq"));
  EXPECT_EQ(list_tree(top + "/data"), (std::vector<std::string>{"new"}));
}

TEST_F(ImagePullTest, TagAddsANameAndRmiUntagsUntilTheLastNameDeletesTheImage) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_EQ(push_and_pull(*registry).exit_code, 0);
  const std::string pulled_name = name_in(*registry, kRepoTag);
  ProcessResult tagged = isobench({"tag", pulled_name, "course/app:2"});
  ASSERT_EQ(tagged.exit_code, 0) << tagged;
  ProcessResult both = images();
  EXPECT_EQ(lines_of(both.out).size(), 3u) << both;
  EXPECT_TRUE(contains(both.out, "course/app ")) << both;
  const std::vector<std::string> layers_before = read_store_files(store()).layers;

  ProcessResult untagged = isobench({"rmi", "course/app:2"});
  ASSERT_EQ(untagged.exit_code, 0) << untagged;
  EXPECT_EQ(untagged.out, "Untagged: course/app:2\n");
  StoreFiles files = read_store_files(store());
  EXPECT_EQ(files.image_count(), 1u);
  EXPECT_EQ(files.layers, layers_before) << "untagging one of two names removed layers";
  EXPECT_TRUE(contains(images().out, registry->host() + "/isobench/layered "));

  const std::string id = inspect(pulled_name).value("Id", "");
  ProcessResult deleted = isobench({"rmi", pulled_name});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_EQ(deleted.out, "Untagged: " + pulled_name + "\nDeleted: " + id + "\n");
  files = read_store_files(store());
  EXPECT_EQ(files.image_count(), 0u) << files.index.dump();
  EXPECT_TRUE(files.layers.empty()) << joined(files.layers);
  EXPECT_TRUE(files.blobs.empty()) << joined(files.blobs);
  EXPECT_EQ(images({"-q"}).out, "");
}

TEST_F(ImagePullTest, SecondPullIsUpToDateAndReplacesNothing) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_EQ(push_and_pull(*registry).exit_code, 0);
  const std::map<std::string, ino_t> before = store_inodes(store());
  ASSERT_EQ(before.size(), 3u + 5u);  // three layers; their blobs, the config and the manifest
  ProcessResult again = isobench({"pull", name_in(*registry, kRepoTag)});
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_TRUE(contains(again.out, "Status: Image is up to date for " + name_in(*registry, kRepoTag) + "\n")) << again;
  EXPECT_EQ(store_inodes(store()), before) << "the second pull replaced a layer or a blob";
  EXPECT_TRUE(read_store_files(store()).tmp.empty());
}

TEST_F(ImagePullTest, PullByDigestStoresTheImageUnderItsDigest) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  auto manifest = skopeo_inspect(*registry, kRepoTag);
  ASSERT_TRUE(manifest.ok()) << manifest.error().text();
  const std::string digest = (*manifest)["Digest"];
  const std::string by_digest = registry->host() + "/isobench/layered@" + digest;
  ProcessResult pulled = isobench({"pull", by_digest});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  EXPECT_TRUE(contains(pulled.out, digest + ": Pulling from ")) << pulled;
  EXPECT_EQ(lines_of(pulled.out).back(), by_digest);
  const Json image = inspect(by_digest);
  EXPECT_EQ(image["Manifest"]["Digest"], digest);
  EXPECT_EQ(image["RepoDigests"], Json::array({by_digest}));
  EXPECT_EQ(image["RepoTags"], Json::array());
  // Listed as Docker lists an image pulled by digest: its repository, no tag.
  ProcessResult listed = images({"--digests"});
  const std::vector<std::string> rows = lines_of(listed.out);
  ASSERT_EQ(rows.size(), 2u) << listed;
  const std::vector<std::string> row = words_of(rows[1]);
  ASSERT_GE(row.size(), 3u) << listed;
  EXPECT_EQ(row[0], registry->host() + "/isobench/layered") << listed;
  EXPECT_EQ(row[1], "<none>") << listed;
  EXPECT_EQ(row[2], digest) << listed;
}

TEST_F(ImagePullTest, TwoPullsOfOneImageAtOnceBothSucceedAndStoreEachLayerOnce) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  auto first = start_isobench({"pull", "-q", name_in(*registry, kRepoTag)});
  auto second = start_isobench({"pull", "-q", name_in(*registry, kRepoTag)});
  ASSERT_TRUE(first.ok() && second.ok());
  ProcessResult first_result = first->wait(kPullDeadline);
  ProcessResult second_result = second->wait(kPullDeadline);
  EXPECT_EQ(first_result.exit_code, 0) << first_result;
  EXPECT_EQ(second_result.exit_code, 0) << second_result;
  EXPECT_EQ(first_result.out, name_in(*registry, kRepoTag) + "\n");
  const StoreFiles files = read_store_files(store());
  EXPECT_EQ(files.image_count(), 1u) << files.index.dump();
  EXPECT_EQ(files.layers.size(), 3u) << joined(files.layers);
  EXPECT_EQ(files.blobs.size(), 5u) << joined(files.blobs);
  EXPECT_TRUE(files.tmp.empty()) << joined(files.tmp);
  EXPECT_TRUE(incomplete_layers(store()).empty()) << joined(incomplete_layers(store()));
}

class ImagePullPlatformTest : public ImagePullTest {
 protected:
  void push_index(const LocalRegistry& registry) {
    auto index = build_multi_platform_index(scratch_.path());
    ASSERT_TRUE(index.ok()) << index.error().text();
    Status pushed = push_with_skopeo(*index, "isobench/multi:v1", registry, /*all_platforms=*/true);
    ASSERT_TRUE(pushed.ok()) << pushed.error().text();
  }
};

TEST_F(ImagePullPlatformTest, IndexPullPicksTheHostsLinuxAmd64Manifest) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_index(*registry));
  ProcessResult pulled = isobench({"pull", name_in(*registry, "isobench/multi:v1")});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  const Json image = inspect(name_in(*registry, "isobench/multi:v1"));
  EXPECT_EQ(image["Architecture"], "amd64");
  EXPECT_EQ(image["Os"], "linux");
  EXPECT_EQ(image["Layers"].size(), 3u);
}

TEST_F(ImagePullPlatformTest, PlatformOptionPicksTheArm64Manifest) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_index(*registry));
  ProcessResult pulled = isobench({"pull", "--platform", "linux/arm64", name_in(*registry, "isobench/multi:v1")});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  const Json image = inspect(name_in(*registry, "isobench/multi:v1"));
  EXPECT_EQ(image["Architecture"], "arm64");
  ProcessResult listed = images({"--json"});
  EXPECT_EQ(parse_json(listed.out)[0]["Platform"], "linux/arm64") << listed;
}

class ImagePullAuthTest : public ImagePullTest {
 protected:
  static constexpr const char* kUser = "course";
  static constexpr const char* kPassword = "Zq7-never-print-me";

  void SetUp() override {
    ImagePullTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    RegistryOptions options;
    options.user = kUser;
    options.password = kPassword;
    registry_ = start_registry(options);
    ASSERT_TRUE(registry_);
    ASSERT_NO_FATAL_FAILURE(push_layered(*registry_, kRepoTag));
  }
  void TearDown() override {
    registry_.reset();
    ImagePullTest::TearDown();
  }

  /// The password, and the base64 form a Basic Authorization header carries it in, are
  /// nowhere in what isobench printed.
  static void expect_no_secret(const ProcessResult& result, const std::string& password) {
    for (const std::string& secret : {password, base64(std::string(kUser) + ":" + password)}) {
      EXPECT_FALSE(contains(result.out, secret)) << "stdout shows a secret\n" << result;
      EXPECT_FALSE(contains(result.err, secret)) << "stderr shows a secret\n" << result;
    }
  }

  std::unique_ptr<LocalRegistry> registry_;
};

TEST_F(ImagePullAuthTest, WithoutCredentialsThePullFailsAndSaysToLogIn) {
  ProcessResult refused = isobench({"--log-level", "debug", "pull", name_in(*registry_, kRepoTag)});
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_TRUE(contains(refused.err, "401")) << refused;
  EXPECT_TRUE(contains(refused.err, "log in")) << refused;
  EXPECT_TRUE(contains(refused.err, "isobench login " + registry_->host())) << refused;
  expect_no_image_left("a pull without credentials");
}

TEST_F(ImagePullAuthTest, CredentialsFromTheAuthFileAreUsedAndNeverPrinted) {
  const std::string auth_file = write_auth_file(*registry_, kUser, kPassword);
  ProcessResult pulled = isobench({"pull", name_in(*registry_, kRepoTag)}, {"ISOBENCH_AUTH_FILE=" + auth_file});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  expect_no_secret(pulled, kPassword);
  EXPECT_EQ(read_store_files(store()).image_count(), 1u);
  ASSERT_EQ(isobench({"rmi", name_in(*registry_, kRepoTag)}).exit_code, 0);
  ProcessResult debug = isobench({"--log-level", "debug", "pull", name_in(*registry_, kRepoTag)},
                                 {"ISOBENCH_AUTH_FILE=" + auth_file});
  ASSERT_EQ(debug.exit_code, 0) << debug;
  expect_no_secret(debug, kPassword);
}

TEST_F(ImagePullAuthTest, CredentialsFromDockersConfigAreUsed) {
  const std::string docker_config = home_.path() + "/docker";
  fs::create_directories(docker_config);
  fs::rename(write_auth_file(*registry_, kUser, kPassword), docker_config + "/config.json");
  ProcessResult pulled = isobench({"pull", name_in(*registry_, kRepoTag)}, {"DOCKER_CONFIG=" + docker_config});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  expect_no_secret(pulled, kPassword);
}

TEST_F(ImagePullAuthTest, WrongCredentialsFailSayingTheyWereRefused) {
  const std::string wrong = "Wr0ng-secret-too";
  const std::string auth_file = write_auth_file(*registry_, kUser, wrong);
  ProcessResult refused =
      isobench({"--log-level", "debug", "pull", name_in(*registry_, kRepoTag)}, {"ISOBENCH_AUTH_FILE=" + auth_file});
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_TRUE(contains(refused.err, "credentials were refused")) << refused;
  EXPECT_TRUE(contains(refused.err, registry_->host())) << refused;
  expect_no_secret(refused, wrong);
  expect_no_image_left("a pull with wrong credentials");
}

class ImagePullTlsTest : public ImagePullTest {
 protected:
  /// A certs directory laid out as ISOBENCH_CERTS_DIR expects: HOST/ca.crt, the CA of `signer`.
  std::string certs_dir_for(const LocalRegistry& registry, const LocalRegistry& signer) {
    const std::string certs = home_.path() + "/certs-" + std::to_string(signer.port());
    fs::create_directories(certs + "/" + registry.host());
    fs::copy_file(signer.ca_certificate_path(), certs + "/" + registry.host() + "/ca.crt");
    return certs;
  }
};

TEST_F(ImagePullTlsTest, RegistryCaFromTheCertsDirectoryIsTrusted) {
  RegistryOptions tls;
  tls.tls = true;
  auto registry = start_registry(tls);
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  ProcessResult pulled =
      isobench({"pull", name_in(*registry, kRepoTag)}, {"ISOBENCH_CERTS_DIR=" + certs_dir_for(*registry, *registry)});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  EXPECT_EQ(read_store_files(store()).image_count(), 1u);
}

TEST_F(ImagePullTlsTest, ACertificateFromAnotherCaIsRefused) {
  RegistryOptions tls;
  tls.tls = true;
  auto registry = start_registry(tls);
  auto stranger = start_registry(tls);
  ASSERT_TRUE(registry && stranger);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  ProcessResult refused =
      isobench({"pull", name_in(*registry, kRepoTag)}, {"ISOBENCH_CERTS_DIR=" + certs_dir_for(*registry, *stranger)});
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_TRUE(contains(refused.err, "certificate")) << refused;
  expect_no_image_left("a pull from an untrusted TLS registry");
}

TEST_F(ImagePullTlsTest, WithoutItsCaATlsRegistryOnLoopbackIsRefusedAndLeavesNothing) {
  RegistryOptions tls;
  tls.tls = true;
  auto registry = start_registry(tls);
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  // Loopback is plain HTTP unless a CA says otherwise (as Docker assumes); the TLS server
  // answers plain HTTP with 400.
  ProcessResult refused = isobench({"pull", name_in(*registry, kRepoTag)});
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_TRUE(contains(refused.err, name_in(*registry, kRepoTag))) << refused;
  EXPECT_TRUE(contains(refused.err, "400")) << refused;
  expect_no_image_left("a plain HTTP pull from a TLS registry");
}

// A TLS registry on loopback without its CA: isobench speaks plain HTTP to it (Docker's rule
// for loopback), the registry answers 400, and the message says what to install.
TEST_F(ImagePullTlsTest, WithoutItsCaATlsRegistryOnLoopbackFailsSayingItSpeaksHttps) {
  RegistryOptions tls;
  tls.tls = true;
  auto registry = start_registry(tls);
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, kRepoTag));
  ProcessResult refused = isobench({"pull", name_in(*registry, kRepoTag)});
  EXPECT_EQ(refused.exit_code, 125) << refused;
  EXPECT_TRUE(contains(refused.err, "HTTPS")) << refused;
  EXPECT_TRUE(contains(refused.err, "ca.crt")) << refused;
}

}  // namespace
}  // namespace isobench::integration
