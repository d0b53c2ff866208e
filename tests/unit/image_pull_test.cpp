// pull_image against a scripted registry serving an image the test builds in memory (a real
// gzip-compressed tar layer written with libarchive, a config whose diff id is the tar's
// sha256, an OCI manifest), into a store in a scratch directory. The image appears in the
// index only once everything is verified; a second pull fetches no blob; a bad layer leaves
// neither the image nor work files behind.
#include "runner/image/pull.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "runner/image/digest.h"
#include "runner/image/layer_unpack.h"
#include "tests/fakes/fake_http_client.h"
#include "tests/fakes/scoped_env.h"
#include "tests/fakes/test_archives.h"

using namespace isobench;
using namespace isobench::runner::image;
using isobench::testing::CannedResponse;
using isobench::testing::FakeHttpClient;
using isobench::testing::get;
using isobench::testing::no_answer;
using isobench::testing::reply;
using isobench::testing::request;
using isobench::testing::ScopedEnv;
using namespace isobench::testing;

namespace {

constexpr const char* kRegistry = "http://127.0.0.1:5000/v2/team/app";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> names_in(const std::string& path) {
  std::vector<std::string> names;
  for (const auto& item : std::filesystem::directory_iterator(path)) names.push_back(item.path().filename().string());
  return names;
}

std::string descriptor_json(std::string_view media_type, const std::string& bytes) {
  return R"({"mediaType":")" + std::string(media_type) + R"(","digest":")" + sha256_of(bytes).str() + R"(","size":)" +
         std::to_string(bytes.size()) + "}";
}

/// A one-layer image as a registry holds it.
struct TestImage {
  std::string tar;
  std::string layer;  ///< the gzip blob
  std::string config;
  std::string manifest;
  std::string layer_media_type = std::string(media_types::kOciLayerGzip);

  Digest diff_id() const { return sha256_of(tar); }
  Digest id() const { return sha256_of(config); }
  Digest manifest_digest() const { return sha256_of(manifest); }
};

TestImage make_image(const std::string& greeting, std::optional<Digest> claimed_diff_id = std::nullopt,
                     std::string layer_media_type = std::string(media_types::kOciLayerGzip)) {
  TestImage image;
  image.tar = tar_of({file("etc/greeting", greeting), file("bin/tool", "#!/bin/sh\necho tool\n")});
  image.layer = compressed(image.tar, Compression::kGzip);
  image.layer_media_type = std::move(layer_media_type);
  const Digest diff_id = claimed_diff_id.value_or(sha256_of(image.tar));
  image.config = R"({"architecture":"amd64","os":"linux","created":"2026-01-02T03:04:05Z",)"
                 R"("config":{"Cmd":["/bin/tool"]},"rootfs":{"type":"layers","diff_ids":[")" +
                 diff_id.str() + R"("]}})";
  image.manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
                   descriptor_json(media_types::kOciConfig, image.config) + R"(,"layers":[)" +
                   descriptor_json(image.layer_media_type, image.layer) + "]}";
  return image;
}

CannedResponse ok(std::string body) {
  return reply(200, std::move(body));
}

class ImagePullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-image-pull-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    dir_ = scratch;
    // No credentials of the person running the tests are read.
    auth_file_.emplace("ISOBENCH_AUTH_FILE", dir_ + "/no-auth.json");
    docker_config_.emplace("DOCKER_CONFIG", dir_ + "/no-docker");
    auto store = StoreWriter::open(dir_ + "/store");
    ASSERT_TRUE(store) << store.error().text();
    store_.emplace(std::move(*store));
    auto reference = parse_reference("127.0.0.1:5000/team/app:1");
    ASSERT_TRUE(reference) << reference.error().message;
    reference_ = *reference;
    options_.platform = Platform{"linux", "amd64", ""};
    options_.privileged = geteuid() == 0;
  }
  void TearDown() override {
    store_.reset();
    if (!remove_tree(dir_)) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
    auth_file_.reset();
    docker_config_.reset();
  }

  /// Scripts the whole image: manifest by tag, config, layer.
  void serve(FakeHttpClient& http, const TestImage& image) {
    http.expect(get(std::string(kRegistry) + "/manifests/1"), ok(image.manifest));
    serve_blobs(http, image);
  }
  void serve_blobs(FakeHttpClient& http, const TestImage& image) {
    http.expect(get(std::string(kRegistry) + "/blobs/" + sha256_of(image.config).str()), ok(image.config));
    http.expect(get(std::string(kRegistry) + "/blobs/" + sha256_of(image.layer).str()),
                reply(200, image.layer).in_chunks(100));
  }

  Result<PullResult> pull(FakeHttpClient& http) {
    PullObserver quiet;
    return pull_image(reference_, options_, *store_, http, quiet);
  }

  StoreIndex index() {
    auto index = store_->store().read_index();
    EXPECT_TRUE(index) << index.error().text();
    return index ? *index : StoreIndex{};
  }

  std::string dir_;
  std::optional<ScopedEnv> auth_file_;
  std::optional<ScopedEnv> docker_config_;
  std::optional<StoreWriter> store_;
  Reference reference_;
  PullOptions options_;
};

TEST_F(ImagePullTest, APulledImageIsIndexedByItsConfigDigestWithTagAndRepoDigest) {
  const TestImage image = make_image("hello\n");
  FakeHttpClient http;
  serve(http, image);
  auto pulled = pull(http);
  ASSERT_TRUE(pulled) << pulled.error().text();
  EXPECT_TRUE(http.unused().empty());
  EXPECT_TRUE(pulled->downloaded);
  EXPECT_EQ(pulled->image.id, image.id());

  const StoreIndex stored = index();
  ASSERT_EQ(stored.images.count(image.id().hex), 1u);
  const ImageRecord& record = stored.images.at(image.id().hex);
  EXPECT_EQ(record.manifest_digest, image.manifest_digest());
  EXPECT_EQ(record.manifest_media_type, media_types::kOciManifest);
  EXPECT_EQ(record.layer_blobs, std::vector<Digest>{sha256_of(image.layer)});
  EXPECT_EQ(record.layer_chain_ids, std::vector<Digest>{image.diff_id()}) << "one layer: its chain id is its diff id";
  EXPECT_EQ(record.platform, "linux/amd64");
  EXPECT_EQ(record.created, "2026-01-02T03:04:05Z");
  EXPECT_EQ(record.repo_digests, std::vector<std::string>{"127.0.0.1:5000/team/app@" + image.manifest_digest().str()});
  EXPECT_EQ(stored.tags.at("127.0.0.1:5000/team/app:1"), image.id().hex);
}

TEST_F(ImagePullTest, TheLayerTreeAndTheBlobsAreStored) {
  const TestImage image = make_image("hello\n");
  FakeHttpClient http;
  serve(http, image);
  ASSERT_TRUE(pull(http));
  const Store& store = store_->store();
  ASSERT_TRUE(store.has_layer(image.diff_id()));
  EXPECT_EQ(read_text(store.layer_tree(image.diff_id()) + "/etc/greeting"), "hello\n");
  EXPECT_EQ(read_text(store.layer_tree(image.diff_id()) + "/bin/tool"), "#!/bin/sh\necho tool\n");
  for (const std::string* blob : {&image.layer, &image.config, &image.manifest}) {
    EXPECT_EQ(read_text(store.blob_path(sha256_of(*blob))), *blob);
  }
  EXPECT_TRUE(names_in(store.root() + "/tmp").empty());
  auto config = store.read_config(index().images.at(image.id().hex));
  ASSERT_TRUE(config) << config.error().text();
  EXPECT_EQ(config->cmd, std::vector<std::string>{"/bin/tool"});
}

TEST_F(ImagePullTest, ASecondPullFetchesNoBlob) {
  const TestImage image = make_image("hello\n");
  FakeHttpClient first;
  serve(first, image);
  ASSERT_TRUE(pull(first));

  FakeHttpClient second;
  second.expect(get(std::string(kRegistry) + "/manifests/1"), ok(image.manifest));
  auto again = pull(second);
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(second.count_sent("/blobs/"), 0u);
  EXPECT_FALSE(again->downloaded) << "the image is up to date";
  EXPECT_EQ(again->image.id, image.id());
  EXPECT_EQ(index().images.size(), 1u);
}

TEST_F(ImagePullTest, LayersAreFetchedTogetherAndStackedByChainId) {
  const std::string bottom_tar = tar_of({file("etc/greeting", "bottom\n")});
  const std::string top_tar = tar_of({file("etc/greeting", "top\n"), file("srv/data", "data\n")});
  const std::string bottom = compressed(bottom_tar, Compression::kGzip);
  const std::string top = compressed(top_tar, Compression::kGzip);
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[")" +
                             sha256_of(bottom_tar).str() + R"(",")" + sha256_of(top_tar).str() + R"("]}})";
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
      descriptor_json(media_types::kOciConfig, config) + R"(,"layers":[)" +
      descriptor_json(media_types::kOciLayerGzip, bottom) + "," + descriptor_json(media_types::kDockerLayerGzip, top) +
      "]}";
  FakeHttpClient http;
  http.expect(get(std::string(kRegistry) + "/manifests/1"), ok(manifest));
  for (const std::string* blob : {&config, &bottom, &top}) {
    http.expect(get(std::string(kRegistry) + "/blobs/" + sha256_of(*blob).str()), reply(200, *blob).in_chunks(64));
  }
  auto pulled = pull(http);
  ASSERT_TRUE(pulled) << pulled.error().text();
  EXPECT_TRUE(http.unused().empty());
  const Digest bottom_chain = sha256_of(bottom_tar);
  const Digest top_chain = sha256_of(bottom_chain.str() + " " + sha256_of(top_tar).str());
  EXPECT_EQ(pulled->image.layer_chain_ids, (std::vector<Digest>{bottom_chain, top_chain}));
  EXPECT_EQ(read_text(store_->store().layer_tree(bottom_chain) + "/etc/greeting"), "bottom\n");
  EXPECT_EQ(read_text(store_->store().layer_tree(top_chain) + "/etc/greeting"), "top\n");
  EXPECT_EQ(read_text(store_->store().layer_tree(top_chain) + "/srv/data"), "data\n");
}

TEST_F(ImagePullTest, ALayerThatDoesNotUnpackToTheConfigsDiffIdLeavesNothingBehind) {
  const TestImage image = make_image("hello\n", sha256_of("some other tar"));
  FakeHttpClient http;
  serve(http, image);
  auto pulled = pull(http);
  ASSERT_FALSE(pulled);
  EXPECT_TRUE(contains(pulled.error().message, "not the config's diff id")) << pulled.error().message;
  EXPECT_TRUE(contains(pulled.error().message, "127.0.0.1:5000/team/app:1")) << pulled.error().message;
  EXPECT_TRUE(index().images.empty());
  EXPECT_TRUE(index().tags.empty());
  EXPECT_TRUE(names_in(dir_ + "/store/tmp").empty());
  EXPECT_TRUE(names_in(dir_ + "/store/layers/sha256").empty());
}

TEST_F(ImagePullTest, AnIndexPullsTheManifestOfTheWantedPlatform) {
  const TestImage image = make_image("amd64\n");
  const std::string other_manifest = make_image("arm64\n").manifest;
  const std::string index_body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      sha256_of(other_manifest).str() + R"(","size":)" + std::to_string(other_manifest.size()) +
      R"(,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      image.manifest_digest().str() + R"(","size":)" + std::to_string(image.manifest.size()) +
      R"(,"platform":{"os":"linux","architecture":"amd64"}}]})";
  FakeHttpClient http;
  http.expect(get(std::string(kRegistry) + "/manifests/1"), ok(index_body));
  http.expect(get(std::string(kRegistry) + "/manifests/" + image.manifest_digest().str()), ok(image.manifest));
  serve_blobs(http, image);
  auto pulled = pull(http);
  ASSERT_TRUE(pulled) << pulled.error().text();
  EXPECT_TRUE(http.unused().empty());
  EXPECT_EQ(pulled->image.id, image.id());
  EXPECT_EQ(pulled->image.manifest_digest, image.manifest_digest());
  EXPECT_EQ(read_text(store_->store().layer_tree(image.diff_id()) + "/etc/greeting"), "amd64\n");

  FakeHttpClient lacking;
  lacking.expect(get(std::string(kRegistry) + "/manifests/1"), ok(index_body));
  options_.platform = Platform{"linux", "s390x", ""};
  auto missing = pull(lacking);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "no image for platform linux/s390x")) << missing.error().message;
  EXPECT_TRUE(contains(missing.error().message, "linux/arm64/v8, linux/amd64")) << missing.error().message;
}

TEST_F(ImagePullTest, ALayerOfAnUnsupportedMediaTypeFailsBeforeAnyBlob) {
  const TestImage image =
      make_image("hello\n", std::nullopt, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
  FakeHttpClient http;
  http.expect(get(std::string(kRegistry) + "/manifests/1"), ok(image.manifest));
  auto pulled = pull(http);
  ASSERT_FALSE(pulled);
  EXPECT_TRUE(contains(pulled.error().message, "unsupported media type")) << pulled.error().message;
  EXPECT_EQ(http.count_sent("/blobs/"), 0u);
  EXPECT_TRUE(index().images.empty());
  EXPECT_TRUE(names_in(dir_ + "/store/tmp").empty());
}

TEST_F(ImagePullTest, ALayerBlobThatIsNotItsDigestFailsTheWholePull) {
  TestImage image = make_image("hello\n");
  FakeHttpClient http;
  http.expect(get(std::string(kRegistry) + "/manifests/1"), ok(image.manifest));
  http.expect(get(std::string(kRegistry) + "/blobs/" + sha256_of(image.config).str()), ok(image.config));
  std::string tampered = image.layer;
  tampered[tampered.size() / 2] ^= 1;
  http.expect(get(std::string(kRegistry) + "/blobs/" + sha256_of(image.layer).str()), ok(tampered));
  auto pulled = pull(http);
  ASSERT_FALSE(pulled);
  EXPECT_TRUE(contains(pulled.error().message, "digest mismatch")) << pulled.error().message;
  EXPECT_FALSE(store_->store().has_blob(sha256_of(image.layer)));
  EXPECT_TRUE(index().images.empty());
  EXPECT_TRUE(names_in(dir_ + "/store/tmp").empty());
}

}  // namespace
