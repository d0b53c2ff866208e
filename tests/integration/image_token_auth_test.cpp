// `isobench pull` and `push` through a real registry's bearer-token challenge: the registry
// (distribution with auth: token) answers 401 with WWW-Authenticate: Bearer realm, service and
// scope, and a token server beside it (tests/integration/token_server.py) signs RS256 JWTs the
// registry verifies. Pins anonymous pulls, a private registry that wants a login, refused
// credentials, pushes with credentials, a token that expires in the middle of a pull, and
// that the password never reaches isobench's output, even at debug level.
#include <algorithm>
#include <sstream>

#include "common/file_io.h"
#include "tests/integration/image_store_fixture.h"

namespace isobench::integration {
namespace {

constexpr const char* kRepoTag = "isobench/layered:v1";
constexpr const char* kUser = "tester";
constexpr const char* kPassword = "t0ken pass";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The token server's log entries from `server` ("token" or "proxy"), in the order logged.
std::vector<Json> logged(const LocalRegistry& registry, const std::string& server) {
  std::vector<Json> entries;
  std::istringstream lines(registry.token_server_log());
  for (std::string line; std::getline(lines, line);) {
    Json entry = parse_json(line);
    if (entry.is_object() && entry.value("server", "") == server) entries.push_back(entry);
  }
  return entries;
}

class ImageTokenAuthTest : public ImageStoreTest {
 protected:
  void TearDown() override {
    registry_.reset();  // the registry and its token server, before the base class looks for leftovers
    ImageStoreTest::TearDown();
  }

  /// A token-auth registry whose token server knows kUser, holding the layered image as
  /// kRepoTag (skopeo pushes it with kUser's credentials, through the token flow itself).
  void start_with_image(RegistryOptions options) {
    options.token_auth = true;
    options.user = kUser;
    options.password = kPassword;
    registry_ = start_registry(options);
    ASSERT_TRUE(registry_);
    push_layered(*registry_, kRepoTag);
  }

  /// ISOBENCH_AUTH_FILE=FILE holding USER:PASSWORD for `host` (Docker's "auths" format).
  std::string auth_env(const std::string& host, const std::string& user, const std::string& password) {
    const std::string path = home_.path() + "/auth-" + std::to_string(auth_files_++) + ".json";
    const Json auths = {{"auths", {{host, {{"auth", base64(user + ":" + password)}}}}}};
    EXPECT_TRUE(write_regular_file(path, auths.dump()).ok());
    return "ISOBENCH_AUTH_FILE=" + path;
  }

  /// Fails unless neither the password nor the Basic header made of it shows in `result`.
  static void expect_no_secret(const ProcessResult& result, const std::string& password) {
    const std::string output = result.out + result.err;
    EXPECT_FALSE(contains(output, password)) << result;
    EXPECT_FALSE(contains(output, base64(std::string(kUser) + ":" + password))) << result;
  }

  std::unique_ptr<LocalRegistry> registry_;
  int auth_files_ = 0;
};

TEST_F(ImageTokenAuthTest, AnonymousPullAnswersTheBearerChallengeWithAPullToken) {
  start_with_image({});
  ASSERT_FALSE(HasFatalFailure());
  const size_t skopeo_requests = logged(*registry_, "token").size();
  ProcessResult pulled = isobench({"pull", name_in(*registry_, kRepoTag)});
  ASSERT_EQ(pulled.exit_code, 0) << pulled << registry_->log();
  EXPECT_TRUE(contains(pulled.out, "Status: Downloaded newer image for " + registry_->host() + "/isobench/layered:v1"))
      << pulled;
  EXPECT_EQ(read_store_files(store()).image_count(), 1u);
  const std::vector<Json> requests = logged(*registry_, "token");
  ASSERT_GT(requests.size(), skopeo_requests) << registry_->token_server_log();
  for (size_t i = skopeo_requests; i < requests.size(); ++i) {
    const Json& request = requests[i];
    EXPECT_EQ(request["status"], 200) << request.dump();
    EXPECT_EQ(request["authorization"], false) << request.dump();
    // The scope the registry's challenge named, and the service: what distribution checks.
    EXPECT_EQ(request["scopes"], Json::array({"repository:isobench/layered:pull"})) << request.dump();
    EXPECT_TRUE(contains(request.value("path", ""), "service=isobench-test")) << request.dump();
    EXPECT_EQ(request["access"][0]["actions"], Json::array({"pull"})) << request.dump();
  }
}

TEST_F(ImageTokenAuthTest, PrivateRegistryWantsALoginAndPullsWithStoredCredentials) {
  RegistryOptions options;
  options.token_private = true;
  start_with_image(options);
  ASSERT_FALSE(HasFatalFailure());
  const std::string name = name_in(*registry_, kRepoTag);

  ProcessResult anonymous = isobench({"pull", name});
  EXPECT_NE(anonymous.exit_code, 0) << anonymous;
  EXPECT_TRUE(contains(anonymous.err, "isobench login " + registry_->host())) << anonymous;
  expect_no_image_left("an anonymous pull from a private registry");
  const std::vector<Json> refused = logged(*registry_, "token");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused.back()["status"], 401) << refused.back().dump();
  EXPECT_EQ(refused.back()["authorization"], false) << refused.back().dump();

  ProcessResult pulled =
      isobench({"--log-level", "debug", "pull", name}, {auth_env(registry_->host(), kUser, kPassword)});
  ASSERT_EQ(pulled.exit_code, 0) << pulled << registry_->log();
  expect_no_secret(pulled, kPassword);
  EXPECT_EQ(read_store_files(store()).image_count(), 1u);
  const Json granted = logged(*registry_, "token").back();
  EXPECT_EQ(granted["status"], 200) << granted.dump();
  EXPECT_EQ(granted["authorization"], true) << granted.dump();
  EXPECT_EQ(granted["user"], kUser) << granted.dump();
}

TEST_F(ImageTokenAuthTest, WrongCredentialsAreRefusedAndNeverPrinted) {
  start_with_image({});
  ASSERT_FALSE(HasFatalFailure());
  const std::string wrong_password = "not the t0ken pass";
  ProcessResult refused = isobench({"--log-level", "debug", "pull", name_in(*registry_, kRepoTag)},
                                   {auth_env(registry_->host(), kUser, wrong_password)});
  EXPECT_NE(refused.exit_code, 0) << refused;
  EXPECT_TRUE(contains(refused.err, "refused")) << refused;
  expect_no_secret(refused, wrong_password);
  expect_no_image_left("a pull with wrong credentials");
  const Json last = logged(*registry_, "token").back();
  EXPECT_EQ(last["status"], 401) << last.dump();
  EXPECT_EQ(last["authorization"], true) << last.dump();
}

TEST_F(ImageTokenAuthTest, PushNeedsCredentialsAndGetsAPushToken) {
  start_with_image({});
  ASSERT_FALSE(HasFatalFailure());
  if (isobench({"push", "--help"}).exit_code != 0) GTEST_SKIP() << "this isobench has no push verb";
  const std::string source = name_in(*registry_, kRepoTag), copy = name_in(*registry_, "team/copy:1");
  ProcessResult pulled = isobench({"pull", "-q", source});
  ASSERT_EQ(pulled.exit_code, 0) << pulled;
  ProcessResult tagged = isobench({"tag", source, copy});
  ASSERT_EQ(tagged.exit_code, 0) << tagged;

  ProcessResult anonymous = isobench({"push", copy});
  EXPECT_NE(anonymous.exit_code, 0) << anonymous;
  EXPECT_TRUE(contains(anonymous.err, "isobench login " + registry_->host())) << anonymous;

  ProcessResult pushed =
      isobench({"--log-level", "debug", "push", copy}, {auth_env(registry_->host(), kUser, kPassword)});
  ASSERT_EQ(pushed.exit_code, 0) << pushed << registry_->log();
  expect_no_secret(pushed, kPassword);
  auto inspected = skopeo_inspect(*registry_, "team/copy:1");
  ASSERT_TRUE(inspected.ok()) << inspected.error().text();
  const std::vector<Json> requests = logged(*registry_, "token");
  // Distribution names the actions in no fixed order ("push,pull" as often as "pull,push").
  const bool push_granted = std::any_of(requests.begin(), requests.end(), [](const Json& request) {
    if (request.value("user", Json()) != kUser || !request.contains("access") || request["access"].size() != 1)
      return false;
    const Json& access = request["access"][0];
    const Json actions = access.value("actions", Json::array());
    return access.value("name", "") == "team/copy" &&
           std::find(actions.begin(), actions.end(), "push") != actions.end();
  });
  EXPECT_TRUE(push_granted) << registry_->token_server_log();
}

TEST_F(ImageTokenAuthTest, TokenThatExpiresDuringAPullIsRenewedAndThePullFinishes) {
  // Tokens last 2 s; the proxy holds the first blob request back 4 s, so it reaches the
  // registry with an expired token however fast this machine is.
  RegistryOptions options;
  options.token_lifetime_seconds = 2;
  options.slow_proxy_delay_seconds = 4;
  start_with_image(options);
  ASSERT_FALSE(HasFatalFailure());
  const size_t skopeo_requests = logged(*registry_, "token").size();
  ProcessResult pulled = isobench({"pull", registry_->proxy_host() + "/" + kRepoTag});
  ASSERT_EQ(pulled.exit_code, 0) << pulled << registry_->token_server_log() << registry_->log();
  EXPECT_EQ(read_store_files(store()).image_count(), 1u);

  const std::vector<Json> proxied = logged(*registry_, "proxy");
  const auto held =
      std::find_if(proxied.begin(), proxied.end(), [](const Json& entry) { return entry["held_back"] == true; });
  ASSERT_NE(held, proxied.end()) << registry_->token_server_log();
  EXPECT_EQ((*held)["authorization"], true) << held->dump();
  EXPECT_EQ((*held)["status"], 401) << "the held-back request's token should have expired: " << held->dump();
  std::vector<Json> tokens = logged(*registry_, "token");
  tokens.erase(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(skopeo_requests));
  ASSERT_GE(tokens.size(), 2u) << registry_->token_server_log();
  const double refused_at = (*held)["time"].get<double>();
  const bool renewed = std::any_of(tokens.begin(), tokens.end(), [&](const Json& token) {
    return token["time"].get<double>() > refused_at && token["status"] == 200;
  });
  EXPECT_TRUE(renewed) << "no token was requested after the expired one was refused:\n"
                       << registry_->token_server_log();
}

}  // namespace
}  // namespace isobench::integration
