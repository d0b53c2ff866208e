#include "runner/lifecycle/container_names.h"

#include <gtest/gtest.h>

#include <set>

namespace isobench::runner::lifecycle {
namespace {

TEST(ContainerNames, IdsAre64HexDigitsAndDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    auto id = generate_id();
    ASSERT_TRUE(id) << id.error().text();
    EXPECT_TRUE(is_container_id(*id)) << *id;
    EXPECT_NE(id->substr(0, 12).find_first_not_of("0123456789"), std::string::npos) << *id;
    ids.insert(*id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(ContainerNames, GeneratedNamesAreAdjectiveUnderscoreSurnameAndValid) {
  for (int i = 0; i < 50; ++i) {
    auto name = generate_name();
    ASSERT_TRUE(name);
    const size_t underscore = name->find('_');
    ASSERT_NE(underscore, std::string::npos) << *name;
    EXPECT_EQ(name->find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << *name;
    EXPECT_TRUE(is_valid_container_name(*name));
  }
}

TEST(ContainerNames, ARetryAddsADigitAsDockerDoes) {
  auto name = generate_name(1);
  ASSERT_TRUE(name);
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(name->back()))) << *name;
}

TEST(ContainerNames, NamesFollowDockersPattern) {
  for (const char* good : {"ab", "web", "A1_b.c-d", "0x", "my.container-1"})
    EXPECT_TRUE(is_valid_container_name(good)) << good;
  for (const char* bad : {"", "a", "/ab", "_ab", ".ab", "-ab", "a b", "a/b", "a:b"}) {
    EXPECT_FALSE(is_valid_container_name(bad)) << bad;
  }
  EXPECT_FALSE(is_valid_container_name(std::string(256, 'a')));
  EXPECT_EQ(check_container_name("a b").error().message,
            "invalid container name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
}

TEST(ContainerNames, OnlyFullLowercaseHexIsAnId) {
  EXPECT_TRUE(is_container_id(std::string(64, 'f')));
  EXPECT_FALSE(is_container_id(std::string(63, 'f')));
  EXPECT_FALSE(is_container_id(std::string(64, 'F')));
  EXPECT_FALSE(is_container_id(std::string(63, 'f') + "g"));
}

}  // namespace
}  // namespace isobench::runner::lifecycle
