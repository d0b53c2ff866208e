// The registry client against a scripted registry (FakeHttpClient): manifests asked for with
// every media type a pull accepts, the Bearer and Basic challenges answered (and tokens kept
// per scope, renewed once when they expire), transient failures retried and permanent ones
// not, blobs verified as they stream and resumed with a range request, uploads as POST then
// PUT, and the registry's own error words in the messages.
#include "runner/image/registry_client.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/fakes/fake_http_client.h"

using namespace isobench;
using namespace isobench::runner::image;
using isobench::testing::CannedResponse;
using isobench::testing::FakeHttpClient;
using isobench::testing::get;
using isobench::testing::no_answer;
using isobench::testing::reply;
using isobench::testing::request;

namespace {

constexpr const char* kHost = "registry.test";
constexpr const char* kManifestUrl = "https://registry.test/v2/library/busybox/manifests/latest";
constexpr const char* kTokenUrl = "https://auth.test/token?service=registry.test&scope=repository:library/busybox:pull";
constexpr const char* kBearerChallenge =
    R"(Bearer realm="https://auth.test/token",service="registry.test",scope="repository:library/busybox:pull")";

const std::string kManifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                              R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
                              std::string(64, 'a') + R"(","size":2},"layers":[]})";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

CannedResponse ok(std::string body) {
  return reply(200, std::move(body));
}

CannedResponse challenge(const std::string& value) {
  return reply(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})").header("WWW-Authenticate", value);
}

Descriptor blob_of(const std::string& content) {
  Descriptor blob;
  blob.media_type = std::string(media_types::kOciLayerGzip);
  blob.digest = sha256_of(content);
  blob.size = static_cast<int64_t>(content.size());
  return blob;
}

std::string blob_url(const Descriptor& blob) {
  return "https://registry.test/v2/library/busybox/blobs/" + blob.digest.str();
}

class RegistryClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-registry-client-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    dir_ = scratch;
    blob_path_ = dir_ + "/blob";
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    EXPECT_TRUE(http_.unused().empty()) << "expected but never sent: " << http_.unused().front();
  }

  RegistryClient client(std::optional<Credentials> credentials = std::nullopt) {
    RegistryClientOptions options;
    options.credentials = std::move(credentials);
    options.first_retry_delay_ms = 1;
    return RegistryClient(http_, kHost, options);
  }

  FakeHttpClient http_;
  std::string dir_;
  std::string blob_path_;
};

// --- manifests ---

TEST_F(RegistryClientTest, ManifestRequestAcceptsAllFourManifestTypes) {
  http_.expect(get(kManifestUrl), ok(kManifest));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(manifest) << manifest.error().text();
  const auto accept = FakeHttpClient::header(http_.sent().at(0), "Accept");
  ASSERT_TRUE(accept);
  for (std::string_view type : {media_types::kOciIndex, media_types::kDockerManifestList, media_types::kOciManifest,
                                media_types::kDockerManifest}) {
    EXPECT_TRUE(contains(*accept, std::string(type))) << type;
  }
  EXPECT_EQ(manifest->media_type, media_types::kOciManifest);
  EXPECT_EQ(manifest->digest, sha256_of(kManifest));
  EXPECT_EQ(manifest->body, kManifest);
}

TEST_F(RegistryClientTest, AManifestWithoutMediaTypeTakesItsContentType) {
  const std::string body = R"({"schemaVersion":2,"config":{},"layers":[]})";
  http_.expect(
      get(kManifestUrl),
      reply(200, body).header("Content-Type", "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8"));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(manifest) << manifest.error().text();
  EXPECT_EQ(manifest->media_type, media_types::kDockerManifest);
}

TEST_F(RegistryClientTest, APinnedDigestMustMatchTheBody) {
  const Digest pinned = sha256_of(kManifest);
  const std::string url = "https://registry.test/v2/library/busybox/manifests/" + pinned.str();
  http_.expect(get(url), ok(kManifest));
  http_.expect(get(url), ok(kManifest + " "));
  EXPECT_TRUE(client().fetch_manifest("library/busybox", pinned.str(), pinned));
  auto tampered = client().fetch_manifest("library/busybox", pinned.str(), pinned);
  ASSERT_FALSE(tampered);
  EXPECT_TRUE(contains(tampered.error().message, "digest mismatch")) << tampered.error().message;
  EXPECT_TRUE(contains(tampered.error().message, "registry.test/library/busybox@sha256:")) << tampered.error().message;
}

TEST_F(RegistryClientTest, AnUnknownTagIsNotFoundWithTheRegistrysWords) {
  http_.expect(get(kManifestUrl),
               reply(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "registry.test/library/busybox:latest not found"))
      << manifest.error().message;
  EXPECT_TRUE(contains(manifest.error().message, "MANIFEST_UNKNOWN: manifest unknown")) << manifest.error().message;
  EXPECT_EQ(http_.sent().size(), 1u) << "a 404 is not retried";
}

// --- retries ---

TEST_F(RegistryClientTest, ServerErrorsAndTooManyRequestsAreRetried) {
  http_.expect(get(kManifestUrl), reply(503));
  http_.expect(get(kManifestUrl), reply(429));
  http_.expect(get(kManifestUrl), reply(500));
  http_.expect(get(kManifestUrl), ok(kManifest));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(manifest) << manifest.error().text();
  EXPECT_EQ(http_.sent().size(), 4u);
}

TEST_F(RegistryClientTest, RetriesStopAfterTheLastAttempt) {
  for (int i = 0; i < 4; ++i) http_.expect(get(kManifestUrl), reply(502));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "answered 502")) << manifest.error().message;
  EXPECT_EQ(http_.sent().size(), 4u);
}

TEST_F(RegistryClientTest, AnUnreachableRegistryIsRetriedThenNamed) {
  http_.expect(get(kManifestUrl), no_answer("Could not connect to server"));
  http_.expect(get(kManifestUrl), ok(kManifest));
  EXPECT_TRUE(client().fetch_manifest("library/busybox", "latest"));
  EXPECT_EQ(http_.sent().size(), 2u);
}

// --- bearer tokens ---

TEST_F(RegistryClientTest, ABearerChallengeIsAnsweredAnonymouslyWithAToken) {
  http_.expect(get(kManifestUrl).without("Authorization"), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl).without("Authorization"), ok(R"({"token":"T"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T"), ok(kManifest));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(manifest) << manifest.error().text();
}

TEST_F(RegistryClientTest, TheTokenRequestCarriesBasicCredentialsWhenConfigured) {
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl).with("Authorization: " + basic_authorization({"user", "pass"})),
               ok(R"({"access_token":"T"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T"), ok(kManifest));
  auto manifest = client(Credentials{"user", "pass"}).fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(manifest) << manifest.error().text();
}

TEST_F(RegistryClientTest, WithoutAScopeInTheChallengeTheRequestsOwnIsAskedFor) {
  http_.expect(get(kManifestUrl), challenge(R"(Bearer realm="https://auth.test/token?x=1",service="registry.test")"));
  http_.expect(get("https://auth.test/token?x=1&service=registry.test&scope=repository:library/busybox:pull"),
               ok(R"({"token":"T"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T"), ok(kManifest));
  EXPECT_TRUE(client().fetch_manifest("library/busybox", "latest"));
}

TEST_F(RegistryClientTest, TheTokenIsReusedForTheNextRequestOfTheSameScope) {
  const std::string content = "layer bytes";
  const Descriptor blob = blob_of(content);
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), ok(R"({"token":"T"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T"), ok(kManifest));
  http_.expect(get(blob_url(blob)).with("Authorization: Bearer T"), ok(content));
  RegistryClient registry = client();
  ASSERT_TRUE(registry.fetch_manifest("library/busybox", "latest"));
  Status fetched = registry.fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_TRUE(fetched) << fetched.error().text();
  EXPECT_EQ(http_.count_sent("auth.test"), 1u);
}

TEST_F(RegistryClientTest, AnExpiredTokenIsRenewedOnce) {
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), ok(R"({"token":"T1"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T1"), ok(kManifest));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T1"), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), ok(R"({"token":"T2"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T2"), ok(kManifest));
  RegistryClient registry = client();
  ASSERT_TRUE(registry.fetch_manifest("library/busybox", "latest"));
  auto again = registry.fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(http_.count_sent("auth.test"), 2u);
}

TEST_F(RegistryClientTest, AFreshTokenThatIsRefusedTooIsAnErrorNotALoop) {
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), ok(R"({"token":"T"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T"), challenge(kBearerChallenge));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "answered 401")) << manifest.error().message;
  EXPECT_TRUE(contains(manifest.error().message, "isobench login registry.test")) << manifest.error().message;
  EXPECT_EQ(http_.count_sent("auth.test"), 1u);
}

TEST_F(RegistryClientTest, ATokenEndpointRefusingTheCredentialsSaysSo) {
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), reply(401));
  auto manifest = client(Credentials{"user", "wrong"}).fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "token request to https://auth.test/token"))
      << manifest.error().message;
  EXPECT_TRUE(contains(manifest.error().message, "refused")) << manifest.error().message;
}

TEST_F(RegistryClientTest, AnUnreachableTokenEndpointIsRetried) {
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), no_answer("Could not resolve host: auth.test"));
  http_.expect(get(kManifestUrl), challenge(kBearerChallenge));
  http_.expect(get(kTokenUrl), ok(R"({"token":"T"})"));
  http_.expect(get(kManifestUrl).with("Authorization: Bearer T"), ok(kManifest));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_TRUE(manifest) << manifest.error().text();
}

TEST_F(RegistryClientTest, ATokenRealmThatIsNotHttpIsRefused) {
  http_.expect(get(kManifestUrl), challenge(R"(Bearer realm="file:///etc/passwd",service="x")"));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "not an http(s) URL")) << manifest.error().message;
}

// --- basic auth ---

TEST_F(RegistryClientTest, ABasicChallengeIsAnsweredWithTheCredentialsAndTheyAreKept) {
  const std::string authorization = "Authorization: " + basic_authorization({"user", "pass"});
  http_.expect(get(kManifestUrl).without("Authorization"), challenge(R"(Basic realm="Registry Realm")"));
  http_.expect(get(kManifestUrl).with(authorization), ok(kManifest));
  http_.expect(get(kManifestUrl).with(authorization), ok(kManifest));
  RegistryClient registry = client(Credentials{"user", "pass"});
  ASSERT_TRUE(registry.fetch_manifest("library/busybox", "latest"));
  ASSERT_TRUE(registry.fetch_manifest("library/busybox", "latest"));
  EXPECT_EQ(http_.sent().size(), 3u);
}

TEST_F(RegistryClientTest, ABasicChallengeWithoutCredentialsSaysHowToLogIn) {
  http_.expect(get(kManifestUrl), challenge(R"(Basic realm="Registry Realm")"));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "isobench login registry.test")) << manifest.error().message;
  EXPECT_EQ(http_.sent().size(), 1u);
}

TEST_F(RegistryClientTest, WrongBasicCredentialsAreRefused) {
  http_.expect(get(kManifestUrl), challenge(R"(Basic realm="Registry Realm")"));
  http_.expect(get(kManifestUrl).with("Authorization"), challenge(R"(Basic realm="Registry Realm")"));
  auto manifest = client(Credentials{"user", "wrong"}).fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "the credentials were refused")) << manifest.error().message;
  EXPECT_FALSE(contains(manifest.error().message, "wrong")) << "the password is never shown";
}

TEST_F(RegistryClientTest, AnUnauthorisedAnswerWithoutAChallengeIsAnError) {
  http_.expect(get(kManifestUrl), reply(401));
  auto manifest = client().fetch_manifest("library/busybox", "latest");
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(contains(manifest.error().message, "without a challenge")) << manifest.error().message;
}

// --- blobs ---

TEST_F(RegistryClientTest, ABlobIsWrittenAsItStreamsWithProgress) {
  const std::string content(10'000, 'x');
  const Descriptor blob = blob_of(content);
  http_.expect(get(blob_url(blob)).from_byte(0), reply(200, content).in_chunks(1024));
  std::vector<uint64_t> progress;
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_, [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, content.size());
    progress.push_back(done);
  });
  ASSERT_TRUE(fetched) << fetched.error().text();
  EXPECT_EQ(read_text(blob_path_), content);
  ASSERT_EQ(progress.size(), 10u);
  EXPECT_EQ(progress.back(), content.size());
}

TEST_F(RegistryClientTest, ADroppedTransferResumesFromTheBytesWritten) {
  const std::string content = "0123456789abcdefghijklmnopqrstuvwxyz";
  const Descriptor blob = blob_of(content);
  http_.expect(get(blob_url(blob)).from_byte(0), reply(200, content).in_chunks(4).dropping_after(12));
  http_.expect(get(blob_url(blob)).from_byte(12), reply(206, content.substr(12)));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_TRUE(fetched) << fetched.error().text();
  EXPECT_EQ(read_text(blob_path_), content);
}

TEST_F(RegistryClientTest, APartialFileLeftBehindIsResumed) {
  const std::string content = "0123456789abcdefghijklmnopqrstuvwxyz";
  const Descriptor blob = blob_of(content);
  std::ofstream(blob_path_, std::ios::binary) << content.substr(0, 7);
  http_.expect(get(blob_url(blob)).from_byte(7), reply(206, content.substr(7)));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_TRUE(fetched) << fetched.error().text();
  EXPECT_EQ(read_text(blob_path_), content);
}

TEST_F(RegistryClientTest, ABlobWhoseBytesAreNotItsDigestIsRemoved) {
  const Descriptor blob = blob_of("the real bytes");
  http_.expect(get(blob_url(blob)), ok("the fake bytes"));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_FALSE(fetched);
  EXPECT_TRUE(contains(fetched.error().message, "digest mismatch")) << fetched.error().message;
  EXPECT_FALSE(exists(blob_path_));
}

TEST_F(RegistryClientTest, MoreBytesThanTheDescriptorsSizeAreRefused) {
  const Descriptor blob = blob_of("twelve bytes");
  http_.expect(get(blob_url(blob)), reply(200, "twelve bytes and then some").in_chunks(5));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_FALSE(fetched);
  EXPECT_TRUE(contains(fetched.error().message, "more than its 12 bytes")) << fetched.error().message;
  EXPECT_FALSE(exists(blob_path_));
}

TEST_F(RegistryClientTest, AShortBlobIsTruncatedAndRemoved) {
  const Descriptor blob = blob_of("twelve bytes");
  http_.expect(get(blob_url(blob)), ok("twelve"));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_FALSE(fetched);
  EXPECT_TRUE(contains(fetched.error().message, "truncated: 6 of 12 bytes")) << fetched.error().message;
  EXPECT_FALSE(exists(blob_path_));
}

TEST_F(RegistryClientTest, AMissingBlobIsNotRetried) {
  const Descriptor blob = blob_of("gone");
  http_.expect(get(blob_url(blob)),
               reply(404, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})"));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_FALSE(fetched);
  EXPECT_TRUE(contains(fetched.error().message, "answered 404 (BLOB_UNKNOWN: blob unknown to registry)"))
      << fetched.error().message;
  EXPECT_EQ(http_.sent().size(), 1u);
  EXPECT_FALSE(exists(blob_path_));
}

TEST_F(RegistryClientTest, ABlobServerErrorIsRetried) {
  const std::string content = "layer";
  const Descriptor blob = blob_of(content);
  http_.expect(get(blob_url(blob)), reply(503));
  http_.expect(get(blob_url(blob)), ok(content));
  Status fetched = client().fetch_blob("library/busybox", blob, blob_path_);
  ASSERT_TRUE(fetched) << fetched.error().text();
  EXPECT_EQ(read_text(blob_path_), content);
}

TEST_F(RegistryClientTest, HasBlobAsksWithHead) {
  const Descriptor there = blob_of("there");
  const Descriptor missing = blob_of("missing");
  http_.expect(request("HEAD", blob_url(there)), reply(200));
  http_.expect(request("HEAD", blob_url(missing)), reply(404));
  RegistryClient registry = client();
  auto yes = registry.has_blob("library/busybox", there.digest);
  auto no = registry.has_blob("library/busybox", missing.digest);
  ASSERT_TRUE(yes && no);
  EXPECT_TRUE(*yes);
  EXPECT_FALSE(*no);
}

// --- uploads ---

TEST_F(RegistryClientTest, PushBlobPostsThenPutsToTheLocationResolvedAgainstTheHost) {
  const Digest digest = sha256_of("blob");
  http_.expect(request("POST", "https://registry.test/v2/team/app/blobs/uploads/"),
               reply(202).header("Location", "/v2/team/app/blobs/uploads/u-1?_state=abc"));
  http_.expect(request("PUT", "https://registry.test/v2/team/app/blobs/uploads/u-1?_state=abc&digest=" + digest.str())
                   .with("Content-Type: application/octet-stream"),
               reply(201));
  Status pushed = client().push_blob("team/app", digest, "/some/blob");
  ASSERT_TRUE(pushed) << pushed.error().text();
  EXPECT_EQ(http_.sent().at(1).upload_path, "/some/blob");
}

TEST_F(RegistryClientTest, PushBlobToAnAbsoluteLocationWithoutQuery) {
  const Digest digest = sha256_of("blob");
  http_.expect(request("POST", "https://registry.test/v2/team/app/blobs/uploads/"),
               reply(202).header("Location", "https://uploads.test/u/2"));
  http_.expect(request("PUT", "https://uploads.test/u/2?digest=" + digest.str()), reply(201));
  EXPECT_TRUE(client().push_blob("team/app", digest, "/some/blob"));
}

TEST_F(RegistryClientTest, PushBlobWithoutALocationIsAnError) {
  http_.expect(request("POST", "https://registry.test/v2/team/app/blobs/uploads/"), reply(202));
  Status pushed = client().push_blob("team/app", sha256_of("blob"), "/some/blob");
  ASSERT_FALSE(pushed);
  EXPECT_TRUE(contains(pushed.error().message, "no upload location")) << pushed.error().message;
}

TEST_F(RegistryClientTest, PushManifestPutsItWithItsMediaType) {
  http_.expect(request("PUT", "https://registry.test/v2/team/app/manifests/1.0")
                   .with("Content-Type: application/vnd.oci.image.manifest.v1+json"),
               reply(201));
  Status pushed = client().push_manifest("team/app", "1.0", kManifest, std::string(media_types::kOciManifest));
  ASSERT_TRUE(pushed) << pushed.error().text();
  EXPECT_EQ(http_.sent().at(0).body, kManifest);
}

TEST_F(RegistryClientTest, PlainHttpRegistriesAreSpokenToOverHttp) {
  RegistryClientOptions options;
  options.plain_http = true;
  RegistryClient registry(http_, "127.0.0.1:5000", options);
  http_.expect(get("http://127.0.0.1:5000/v2/x/manifests/latest"), ok(kManifest));
  EXPECT_TRUE(registry.fetch_manifest("x", "latest"));
}

// --- helpers ---

TEST(RegistryScope, NamesTheRepositoryAndTheActions) {
  EXPECT_EQ(repository_scope("library/busybox", false), "repository:library/busybox:pull");
  EXPECT_EQ(repository_scope("team/app", true), "repository:team/app:pull,push");
}

TEST(RegistryErrorMessage, ReadsTheFirstErrorsCodeAndMessage) {
  EXPECT_EQ(
      registry_error_message(R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied"},)"
                             R"({"code":"OTHER","message":"x"}]})"),
      "DENIED: requested access to the resource is denied");
  EXPECT_EQ(registry_error_message(R"({"errors":[{"code":"UNAUTHORIZED"}]})"), "UNAUTHORIZED");
  EXPECT_EQ(registry_error_message(R"({"errors":[{"message":"only words"}]})"), "only words");
}

TEST(RegistryErrorMessage, AnythingElseIsEmpty) {
  EXPECT_EQ(registry_error_message(""), "");
  EXPECT_EQ(registry_error_message("<html>502 Bad Gateway</html>"), "");
  EXPECT_EQ(registry_error_message(R"({"errors":[]})"), "");
  EXPECT_EQ(registry_error_message(R"({"errors":"no"})"), "");
  EXPECT_EQ(registry_error_message(R"({"errors":[{"code":7}]})"), "");
}

TEST(RegistryErrorMessage, IsBounded) {
  const std::string body = R"({"errors":[{"code":"X","message":")" + std::string(5000, 'm') + R"("}]})";
  EXPECT_EQ(registry_error_message(body).size(), 300u);
}

}  // namespace
