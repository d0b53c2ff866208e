#include "runner/image/registry_login.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/file_io.h"
#include "runner/image/registry_auth.h"

namespace isobench::runner::image {
namespace {

class AuthFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/isobench-login-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/config/isobench/auth.json";
    setenv("ISOBENCH_AUTH_FILE", path_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("ISOBENCH_AUTH_FILE");
    std::filesystem::remove_all(dir_);
  }
  std::string dir_, path_;
};

mode_t mode_of(const std::string& path) {
  struct stat status{};
  return ::stat(path.c_str(), &status) == 0 ? status.st_mode & 07777 : 0;
}

TEST_F(AuthFile, StoredCredentialsAreFoundByPullAndReadableOnlyByTheirOwner) {
  ASSERT_TRUE(store_login(path_, "127.0.0.1:5000", Credentials{"user", "pa:ss"}));
  EXPECT_EQ(mode_of(path_), 0600u);
  EXPECT_EQ(mode_of(dir_ + "/config/isobench"), 0700u);
  EXPECT_EQ(mode_of(dir_ + "/config"), 0700u);
  auto found = stored_credentials("127.0.0.1:5000");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->username, "user");
  EXPECT_EQ(found->password, "pa:ss");
  auto text = read_file(path_);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->find("pa:ss"), std::string::npos) << "the password is stored encoded, as Docker does";
}

TEST_F(AuthFile, LogoutRemovesOneRegistryAndKeepsTheOthers) {
  ASSERT_TRUE(store_login(path_, "a:1", Credentials{"u1", "p1"}));
  ASSERT_TRUE(store_login(path_, "b:2", Credentials{"u2", "p2"}));
  auto removed = remove_login(path_, "a:1");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(stored_credentials("a:1"));
  EXPECT_EQ(stored_credentials("b:2")->username, "u2");
  auto again = remove_login(path_, "a:1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(mode_of(path_), 0600u);
}

TEST_F(AuthFile, ACorruptAuthFileIsNotOverwritten) {
  ASSERT_TRUE(store_login(path_, "a:1", Credentials{"u", "p"}));
  ASSERT_TRUE(write_regular_file(path_, "{not json"));
  EXPECT_FALSE(store_login(path_, "b:2", Credentials{"u", "p"}));
  EXPECT_EQ(*read_file(path_), "{not json");
}

TEST(LoginServer, SchemesAndPathsAreDroppedAndDockerHubHasItsLegacyKey) {
  EXPECT_EQ(parse_login_server("127.0.0.1:5000")->auth_key, "127.0.0.1:5000");
  EXPECT_EQ(parse_login_server("https://quay.io/v2/")->api_host, "quay.io");
  for (const char* hub : {"", "docker.io", "https://index.docker.io/v1/"}) {
    EXPECT_EQ(parse_login_server(hub)->auth_key, "https://index.docker.io/v1/") << hub;
    EXPECT_EQ(parse_login_server(hub)->api_host, "registry-1.docker.io") << hub;
  }
  EXPECT_FALSE(parse_login_server("user@host"));
}

}  // namespace
}  // namespace isobench::runner::image
