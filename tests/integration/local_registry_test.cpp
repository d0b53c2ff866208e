// The fixture the image tests stand on: a LocalRegistry is a real registry that answers as
// configured (plain, basic auth, TLS with its own CA), takes images that skopeo pushes, and
// leaves nothing behind; the test images have the layers and the index they promise.
#include "tests/integration/local_registry.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "common/file_io.h"
#include "common/system.h"
#include "tests/integration/isobench_fixture.h"
#include "tests/integration/test_images.h"

namespace isobench::integration {
namespace {

constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";

/// "" when every program is installed, else what to install: {program, Debian package}.
std::string missing_tools(const std::vector<std::pair<std::string, std::string>>& tools) {
  std::string missing;
  for (const auto& [program, package] : tools)
    if (find_program(program).empty()) missing += program + " missing: install " + package + "; ";
  if (access("/bin/busybox", X_OK) != 0) missing += "/bin/busybox missing: install busybox-static; ";
  return missing;
}

RegistryOptions registry_options(bool tls, const std::string& user = "", const std::string& password = "") {
  RegistryOptions options;
  options.tls = tls;
  options.user = user;
  options.password = password;
  return options;
}

class LocalRegistryTest : public IsobenchTest {
 protected:
  void SetUp() override {
    IsobenchTest::SetUp();
    if (IsSkipped()) return;
    const std::string missing = missing_tools({{"docker-registry", "docker-registry"},
                                               {"curl", "curl"},
                                               {"htpasswd", "apache2-utils"},
                                               {"openssl", "openssl"},
                                               {"umoci", "umoci"},
                                               {"skopeo", "skopeo"}});
    if (!missing.empty()) GTEST_SKIP() << missing;
  }

  static std::unique_ptr<LocalRegistry> start_registry(const RegistryOptions& options = {}) {
    auto registry = LocalRegistry::start(options);
    EXPECT_TRUE(registry.ok()) << registry.error().text();
    return registry ? std::move(*registry) : nullptr;
  }

  /// Builds the layered image in a scratch directory and pushes it as REPO_TAG.
  void push_layered(const LocalRegistry& registry, const std::string& repo_tag) {
    auto image = build_layered_busybox_image(scratch_.path());
    ASSERT_TRUE(image.ok()) << image.error().text();
    Status pushed = push_with_skopeo(*image, repo_tag, registry);
    ASSERT_TRUE(pushed.ok()) << pushed.error().text();
  }

  TemporaryDirectory scratch_;
};

TEST_F(LocalRegistryTest, PlainRegistryAnswersV2With200OnItsOwnLoopbackPort) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  EXPECT_EQ(registry->host(), "127.0.0.1:" + std::to_string(registry->port()));
  EXPECT_GT(registry->port(), 0);
  EXPECT_TRUE(std::filesystem::is_directory(registry->storage_dir()));
  EXPECT_EQ(registry->ca_certificate_path(), "");
  auto reply = registry->request("/v2/");
  ASSERT_TRUE(reply.ok()) << reply.error().text();
  EXPECT_EQ(reply->status, 200) << reply->body;
}

TEST_F(LocalRegistryTest, TwoRegistriesAtOnceGetDifferentPorts) {
  auto first = start_registry();
  auto second = start_registry();
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->port(), second->port());
  EXPECT_NE(first->storage_dir(), second->storage_dir());
  auto reply = second->request("/v2/");
  ASSERT_TRUE(reply.ok()) << reply.error().text();
  EXPECT_EQ(reply->status, 200);
}

TEST_F(LocalRegistryTest, BasicAuthRegistryAnswers401WithoutCredentialsAnd200With) {
  auto registry = start_registry(registry_options(false, "tester", "s3cret pass"));
  ASSERT_TRUE(registry);
  RequestOptions anonymous;
  anonymous.with_credentials = false;
  auto refused = registry->request("/v2/", anonymous);
  ASSERT_TRUE(refused.ok()) << refused.error().text();
  EXPECT_EQ(refused->status, 401);
  auto accepted = registry->request("/v2/");
  ASSERT_TRUE(accepted.ok()) << accepted.error().text();
  EXPECT_EQ(accepted->status, 200) << accepted->body;
}

TEST_F(LocalRegistryTest, TlsRegistryIsVerifiedWithItsCaAndRefusedWithout) {
  auto registry = start_registry(registry_options(true));
  ASSERT_TRUE(registry);
  EXPECT_EQ(registry->base_url(), "https://" + registry->host());
  ASSERT_TRUE(std::filesystem::is_regular_file(registry->ca_certificate_path()));
  EXPECT_EQ(std::filesystem::path(registry->ca_certificate_path()).parent_path(), registry->ca_certificate_dir());
  auto verified = registry->request("/v2/");
  ASSERT_TRUE(verified.ok()) << verified.error().text();
  EXPECT_EQ(verified->status, 200);
  RequestOptions untrusting;
  untrusting.trust_ca = false;
  auto refused = registry->request("/v2/", untrusting);
  ASSERT_FALSE(refused.ok()) << "curl trusted a certificate from a throwaway CA without --cacert";
  EXPECT_NE(refused.error().text().find("certificate"), std::string::npos) << refused.error().text();
}

TEST_F(LocalRegistryTest, DeleteIsRefusedUnlessEnabled) {
  const std::string unknown_blob = "/v2/any/repo/blobs/sha256:" + std::string(64, '0');
  RequestOptions deletion;
  deletion.method = "DELETE";
  RegistryOptions no_delete;
  no_delete.delete_enabled = false;
  auto enabled = start_registry();
  auto disabled = start_registry(no_delete);
  ASSERT_TRUE(enabled && disabled);
  auto allowed = enabled->request(unknown_blob, deletion);
  auto refused = disabled->request(unknown_blob, deletion);
  ASSERT_TRUE(allowed.ok() && refused.ok());
  EXPECT_EQ(allowed->status, 404) << allowed->body;  // allowed, but there is no such blob
  EXPECT_EQ(refused->status, 405) << refused->body;
}

TEST_F(LocalRegistryTest, LayeredImageHasAWhiteoutAndAnOpaqueDirectoryInItsTopLayer) {
  auto image = build_layered_busybox_image(scratch_.path());
  ASSERT_TRUE(image.ok()) << image.error().text();
  EXPECT_EQ(*image, "oci:" + scratch_.path() + "/layout:layered");
  auto layers = layout_layers(scratch_.path() + "/layout", kLayeredTag);
  ASSERT_TRUE(layers.ok()) << layers.error().text();
  ASSERT_EQ(layers->size(), 3u);
  auto bottom = layer_entries(scratch_.path() + "/layout", layers->front());
  auto top = layer_entries(scratch_.path() + "/layout", layers->back());
  ASSERT_TRUE(bottom.ok() && top.ok());
  for (const char* entry : {"bin/busybox", "bin/sh", "etc/passwd", "etc/group", "data/a", "data/keep/x"})
    EXPECT_NE(std::find(bottom->begin(), bottom->end(), entry), bottom->end()) << entry;
  EXPECT_EQ(*top, (std::vector<std::string>{"data", "data/.wh..wh..opq", "data/new", "opt", "opt/.wh.doomed.txt"}));
}

TEST_F(LocalRegistryTest, PushedImageIsListedInTheCatalogAndItsTags) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, "isobench/layered:v1"));
  auto catalog = registry->request("/v2/_catalog");
  ASSERT_TRUE(catalog.ok()) << catalog.error().text();
  EXPECT_EQ(parse_json(catalog->body)["repositories"], Json::array({"isobench/layered"})) << catalog->body;
  auto tags = registry->request("/v2/isobench/layered/tags/list");
  ASSERT_TRUE(tags.ok()) << tags.error().text();
  EXPECT_EQ(parse_json(tags->body)["tags"], Json::array({"v1"})) << tags->body;
}

TEST_F(LocalRegistryTest, SkopeoInspectShowsTheLayersAndTheConfigOfAPushedImage) {
  auto registry = start_registry(registry_options(true, "tester", "pw"));
  ASSERT_TRUE(registry);
  ASSERT_NO_FATAL_FAILURE(push_layered(*registry, "team/app:1.0"));
  auto inspected = skopeo_inspect(*registry, "team/app:1.0");
  ASSERT_TRUE(inspected.ok()) << inspected.error().text();
  EXPECT_GE((*inspected)["Layers"].size(), 3u) << inspected->dump(2);
  EXPECT_EQ((*inspected)["Architecture"], "amd64");
  EXPECT_EQ((*inspected)["Labels"]["org.isobench.test"], "layered");
  const Json env = (*inspected)["Env"];
  EXPECT_NE(std::find(env.begin(), env.end(), "FOO=bar"), env.end()) << env.dump();
}

TEST_F(LocalRegistryTest, MultiPlatformIndexIsServedAsAnIndexOfAmd64AndArm64) {
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  auto index = build_multi_platform_index(scratch_.path());
  ASSERT_TRUE(index.ok()) << index.error().text();
  Status pushed = push_with_skopeo(*index, "isobench/multi:v1", *registry, /*all_platforms=*/true);
  ASSERT_TRUE(pushed.ok()) << pushed.error().text();
  RequestOptions wants_index;
  wants_index.accept = {kIndexType};
  auto reply = registry->request("/v2/isobench/multi/manifests/v1", wants_index);
  ASSERT_TRUE(reply.ok()) << reply.error().text();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, kIndexType);
  const Json served = parse_json(reply->body);
  std::vector<std::string> architectures;
  for (const Json& manifest : served.value("manifests", Json::array()))
    architectures.push_back(manifest["platform"]["architecture"]);
  EXPECT_EQ(architectures, (std::vector<std::string>{"amd64", "arm64"})) << reply->body;
}

TEST_F(LocalRegistryTest, DestroyedRegistryLeavesNoProcessAndNoDirectory) {
  auto registry = start_registry(registry_options(true, "u", "p"));
  ASSERT_TRUE(registry);
  const pid_t pid = registry->pid();
  const std::string work_dir = registry->work_dir();
  ASSERT_EQ(kill(pid, 0), 0);
  registry.reset();
  // Reaped: the pid names no process, unless the kernel already gave it to another one.
  auto command = read_file("/proc/" + std::to_string(pid) + "/comm");
  EXPECT_TRUE(!command.ok() || trim(*command) != "docker-registry") << "pid " << pid << " still runs the registry";
  EXPECT_FALSE(std::filesystem::exists(work_dir)) << work_dir;
}

TEST_F(LocalRegistryTest, TokenAuthRegistryChallengesWithItsTokenServerAndLeavesNothingBehind) {
  RegistryOptions options = registry_options(false, "u", "token secret");
  options.token_auth = true;
  auto registry = start_registry(options);
  ASSERT_TRUE(registry);
  auto anonymous = registry->request("/v2/");
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().text();
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;
  // skopeo answers the Bearer challenge itself: a push and an inspect work only if the
  // registry accepts the token server's JWTs.
  push_layered(*registry, "isobench/token:v1");
  auto inspected = skopeo_inspect(*registry, "isobench/token:v1");
  EXPECT_TRUE(inspected.ok()) << inspected.error().text() << registry->log();
  const std::string requests = registry->token_server_log();
  EXPECT_NE(requests.find("\"authorization\": true"), std::string::npos) << requests;
  EXPECT_EQ(requests.find(options.password), std::string::npos) << requests;

  const pid_t registry_pid = registry->pid(), token_pid = registry->token_server_pid();
  const std::string work_dir = registry->work_dir();
  ASSERT_GT(token_pid, 0);
  ASSERT_EQ(kill(token_pid, 0), 0);
  registry.reset();
  for (pid_t pid : {registry_pid, token_pid}) {
    auto command = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    EXPECT_TRUE(!command.ok() || (command->find("docker-registry") == std::string::npos &&
                                  command->find("token_server.py") == std::string::npos))
        << "pid " << pid << " still runs";
  }
  EXPECT_FALSE(std::filesystem::exists(work_dir)) << work_dir;
}

/// A directory named like a registry's, last written an hour ago.
std::string make_old_work_dir() {
  char pattern[] = "/tmp/isobench-registry-XXXXXX";
  if (!mkdtemp(pattern)) return "";
  std::error_code error;
  std::filesystem::last_write_time(pattern, std::filesystem::file_time_type::clock::now() - std::chrono::hours(1),
                                   error);
  return pattern;
}

TEST_F(LocalRegistryTest, StartRemovesWorkDirectoriesOfKilledTestsButNotOfLiveOnes) {
  const std::string stale = make_old_work_dir(), alive = make_old_work_dir();
  ASSERT_FALSE(stale.empty() || alive.empty());
  UniqueFd owner(open(alive.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_EQ(flock(owner.get(), LOCK_EX), 0);
  auto registry = start_registry();
  ASSERT_TRUE(registry);
  EXPECT_FALSE(std::filesystem::exists(stale)) << stale;
  EXPECT_TRUE(std::filesystem::exists(alive)) << alive;
  std::filesystem::remove_all(alive);
}

TEST_F(LocalRegistryTest, DebianPython3RootfsTarHoldsPython3) {
  const bool cached = access(debian_python3_rootfs_cache_path().c_str(), R_OK) == 0;
  const char* wanted = getenv("ISOBENCH_TEST_DEBIAN");
  if (!cached && !(wanted && std::string(wanted) == "1"))
    GTEST_SKIP() << "no cached Debian root; set ISOBENCH_TEST_DEBIAN=1 to build it (needs the Debian mirror)";
  if (!cached && find_program("mmdebstrap").empty()) GTEST_SKIP() << "mmdebstrap missing: install mmdebstrap";
  auto tar = debian_python3_rootfs_tar();
  ASSERT_TRUE(tar.ok()) << tar.error().text();
  EXPECT_EQ(*tar, debian_python3_rootfs_cache_path());
  auto listing = run_tool({"tar", "-tf", *tar});
  ASSERT_TRUE(listing.ok()) << listing.error().text();
  EXPECT_NE(listing->find("./usr/bin/python3\n"), std::string::npos);
}

}  // namespace
}  // namespace isobench::integration
