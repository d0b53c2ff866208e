// The authentication handshake's pieces: WWW-Authenticate challenges as registries write them,
// Basic credentials, the token endpoint's answer, and credentials found in isobench's auth
// file or Docker's config.json (the environment is set per test and restored after).
#include "runner/image/registry_auth.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "tests/fakes/scoped_env.h"

using namespace isobench;
using namespace isobench::runner::image;
using isobench::testing::ScopedEnv;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- challenges ---

TEST(RegistryAuthChallenge, ReadsABearerChallengeWithACommaInAQuotedScope) {
  auto challenge = parse_auth_challenge(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push")");
  ASSERT_TRUE(challenge) << challenge.error().message;
  EXPECT_EQ(challenge->scheme, "bearer");
  EXPECT_EQ(challenge->params["realm"], "https://auth.docker.io/token");
  EXPECT_EQ(challenge->params["service"], "registry.docker.io");
  EXPECT_EQ(challenge->params["scope"], "repository:library/busybox:pull,push");
  EXPECT_EQ(challenge->params.size(), 3u);
}

TEST(RegistryAuthChallenge, UnescapesQuotesAndBackslashesInQuotedValues) {
  auto challenge = parse_auth_challenge(R"(Basic realm="say \"hi\" \\ bye")");
  ASSERT_TRUE(challenge) << challenge.error().message;
  EXPECT_EQ(challenge->params["realm"], R"(say "hi" \ bye)");
}

TEST(RegistryAuthChallenge, ReadsUnquotedValuesAndSpacesAfterCommas) {
  auto challenge = parse_auth_challenge("Bearer realm=https://auth.test/token, service=registry.test,scope=\"a\"");
  ASSERT_TRUE(challenge) << challenge.error().message;
  EXPECT_EQ(challenge->params["realm"], "https://auth.test/token");
  EXPECT_EQ(challenge->params["service"], "registry.test");
  EXPECT_EQ(challenge->params["scope"], "a");
}

TEST(RegistryAuthChallenge, SchemeAndParameterNamesIgnoreCaseValuesKeepIt) {
  auto challenge = parse_auth_challenge(R"(BEARER Realm="https://Auth.Test/Token",SERVICE="Registry")");
  ASSERT_TRUE(challenge) << challenge.error().message;
  EXPECT_EQ(challenge->scheme, "bearer");
  EXPECT_EQ(challenge->params["realm"], "https://Auth.Test/Token");
  EXPECT_EQ(challenge->params["service"], "Registry");
}

TEST(RegistryAuthChallenge, ABasicChallengeNeedsNoParameters) {
  auto challenge = parse_auth_challenge("basic");
  ASSERT_TRUE(challenge) << challenge.error().message;
  EXPECT_EQ(challenge->scheme, "basic");
  EXPECT_TRUE(challenge->params.empty());
}

TEST(RegistryAuthChallenge, AnUnsupportedSchemeIsNamed) {
  auto challenge = parse_auth_challenge(R"(Digest realm="x", nonce="y")");
  ASSERT_FALSE(challenge);
  EXPECT_TRUE(contains(challenge.error().message, "unsupported authentication scheme 'digest'"))
      << challenge.error().message;
}

TEST(RegistryAuthChallenge, AnEmptyHeaderIsRefused) {
  EXPECT_FALSE(parse_auth_challenge(""));
  EXPECT_FALSE(parse_auth_challenge("   "));
}

// --- basic credentials and tokens ---

TEST(RegistryAuthBasic, IsBase64OfUserColonPassword) {
  EXPECT_EQ(basic_authorization({"user", "pass"}), "Basic dXNlcjpwYXNz");
  EXPECT_EQ(basic_authorization({"a", "b:c"}), "Basic YTpiOmM=");
  EXPECT_EQ(basic_authorization({"", ""}), "Basic Og==");
}

TEST(RegistryAuthToken, ReadsTokenOrAccessToken) {
  auto token = token_from_response(R"({"token":"T","expires_in":300})");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(*token, "T");
  auto oauth = token_from_response(R"({"access_token":"A"})");
  ASSERT_TRUE(oauth) << oauth.error().message;
  EXPECT_EQ(*oauth, "A");
  auto both = token_from_response(R"({"token":"T","access_token":"A"})");
  ASSERT_TRUE(both);
  EXPECT_EQ(*both, "T");
}

TEST(RegistryAuthToken, NoTokenIsAnError) {
  auto none = token_from_response(R"({"expires_in":300})");
  ASSERT_FALSE(none);
  EXPECT_TRUE(contains(none.error().message, "no token")) << none.error().message;
  EXPECT_FALSE(token_from_response(R"({"token":""})"));
}

TEST(RegistryAuthToken, ATokenOfTheWrongTypeIsAnError) {
  EXPECT_FALSE(token_from_response(R"({"token":42})"));
  EXPECT_FALSE(token_from_response(R"({"access_token":["A"]})"));
  EXPECT_FALSE(token_from_response("not json"));
  EXPECT_FALSE(token_from_response(R"(["token"])"));
}

// --- stored credentials ---

/// An "auths" document with one entry, as `docker login` writes it.
std::string auths_with(const std::string& key, const std::string& user_colon_password_base64) {
  return R"({"auths":{")" + key + R"(":{"auth":")" + user_colon_password_base64 + R"("}}})";
}

class RegistryAuthStoredTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-registry-auth-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    dir_ = scratch;
    docker_dir_ = dir_ + "/docker";
    std::filesystem::create_directory(docker_dir_);
    // Nothing of the person running the tests is read: every place is in the scratch dir.
    auth_file_.emplace("ISOBENCH_AUTH_FILE", dir_ + "/auth.json");
    docker_config_.emplace("DOCKER_CONFIG", docker_dir_);
    home_.emplace("HOME", dir_ + "/home");
  }
  void TearDown() override {
    auth_file_.reset();
    docker_config_.reset();
    home_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  std::string dir_;
  std::string docker_dir_;
  std::optional<ScopedEnv> auth_file_;
  std::optional<ScopedEnv> docker_config_;
  std::optional<ScopedEnv> home_;
};

// "user:pass", "docker:hub", "ours:first"
constexpr const char* kUserPass = "dXNlcjpwYXNz";
constexpr const char* kDockerHub = "ZG9ja2VyOmh1Yg==";
constexpr const char* kOursFirst = "b3VyczpmaXJzdA==";

TEST_F(RegistryAuthStoredTest, TheAuthFileIsTheEnvironmentsWhenSet) {
  EXPECT_EQ(isobench_auth_file(), dir_ + "/auth.json");
  ScopedEnv unset("ISOBENCH_AUTH_FILE", std::nullopt);
  ScopedEnv config("XDG_CONFIG_HOME", "/xdg");
  EXPECT_EQ(isobench_auth_file(), "/xdg/isobench/auth.json");
  ScopedEnv no_config("XDG_CONFIG_HOME", std::nullopt);
  EXPECT_EQ(isobench_auth_file(), dir_ + "/home/.config/isobench/auth.json");
}

TEST_F(RegistryAuthStoredTest, NothingStoredIsNone) {
  EXPECT_FALSE(stored_credentials("127.0.0.1:5000"));
}

TEST_F(RegistryAuthStoredTest, ReadsIsobenchsAuthFile) {
  write(dir_ + "/auth.json", auths_with("127.0.0.1:5000", kUserPass));
  auto credentials = stored_credentials("127.0.0.1:5000");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->username, "user");
  EXPECT_EQ(credentials->password, "pass");
  EXPECT_FALSE(stored_credentials("127.0.0.1:5001"));
}

TEST_F(RegistryAuthStoredTest, ReadsDockersConfigDirectory) {
  write(docker_dir_ + "/config.json", auths_with("https://quay.io", kUserPass));
  auto credentials = stored_credentials("quay.io");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->username, "user");
  EXPECT_EQ(credentials->password, "pass");
}

TEST_F(RegistryAuthStoredTest, WithoutDockerConfigTheHomeDirectoryIsRead) {
  ScopedEnv unset("DOCKER_CONFIG", std::nullopt);
  std::filesystem::create_directories(dir_ + "/home/.docker");
  write(dir_ + "/home/.docker/config.json", auths_with("quay.io", kUserPass));
  auto credentials = stored_credentials("quay.io");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->username, "user");
}

TEST_F(RegistryAuthStoredTest, IsobenchsOwnFileComesFirst) {
  write(dir_ + "/auth.json", auths_with("quay.io", kOursFirst));
  write(docker_dir_ + "/config.json", auths_with("quay.io", kUserPass));
  auto credentials = stored_credentials("quay.io");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->username, "ours");
  EXPECT_EQ(credentials->password, "first");
}

TEST_F(RegistryAuthStoredTest, DockerHubIsFoundUnderItsLegacyIndexKey) {
  write(docker_dir_ + "/config.json", auths_with("https://index.docker.io/v1/", kDockerHub));
  for (const char* registry : {"registry-1.docker.io", "docker.io"}) {
    auto credentials = stored_credentials(registry);
    ASSERT_TRUE(credentials) << registry;
    EXPECT_EQ(credentials->username, "docker");
    EXPECT_EQ(credentials->password, "hub");
  }
  EXPECT_FALSE(stored_credentials("quay.io")) << "the Docker Hub key is Docker Hub's alone";
}

TEST_F(RegistryAuthStoredTest, AMalformedFileIsIgnored) {
  write(dir_ + "/auth.json", "{ this is not json");
  write(docker_dir_ + "/config.json", auths_with("quay.io", kUserPass));
  auto credentials = stored_credentials("quay.io");
  ASSERT_TRUE(credentials) << "a broken isobench file must not hide Docker's";
  EXPECT_EQ(credentials->username, "user");
}

TEST_F(RegistryAuthStoredTest, MalformedEntriesAreIgnored) {
  write(dir_ + "/auth.json",
        R"({"auths":{"a.test":{"auth":"!!!"},"b.test":{"auth":"bm9jb2xvbg=="},"c.test":{"auth":7},"d.test":"x"}})");
  for (const char* registry : {"a.test", "b.test", "c.test", "d.test"})
    EXPECT_FALSE(stored_credentials(registry)) << registry;
}

}  // namespace
