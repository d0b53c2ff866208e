#include "runner/spec.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace isobench::runner;

TEST(Environment, OverridesReplaceByKeyAndBareKeysRemove) {
  auto env = merge_environment(default_environment("box"), {"HOME=/tmp", "TERM", "EXTRA=1"});
  EXPECT_NE(std::find(env.begin(), env.end(), "HOME=/tmp"), env.end());
  EXPECT_EQ(std::find(env.begin(), env.end(), "HOME=/root"), env.end());
  EXPECT_TRUE(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("TERM=", 0) == 0; }));
  EXPECT_NE(std::find(env.begin(), env.end(), "EXTRA=1"), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), "HOSTNAME=box"), env.end());
}

TEST(Environment, KeyPrefixesAreNotConfused) {
  auto env = merge_environment({"PATH=/bin", "PATHX=1"}, {"PATH=/usr/bin"});
  EXPECT_NE(std::find(env.begin(), env.end(), "PATHX=1"), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), "PATH=/usr/bin"), env.end());
}

TEST(ContainerId, IsTwelveHexDigitsAndDiffersEachTime) {
  std::string a = new_container_id(), b = new_container_id();
  EXPECT_EQ(a.size(), 12u);
  EXPECT_TRUE(std::all_of(a.begin(), a.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }));
  EXPECT_NE(a, b);
}

TEST(IsolationWarnings, TheDefaultIsolationNeedsNone) {
  EXPECT_TRUE(isobench::runner::isolation_warnings(isobench::runner::ContainerSpec{}).empty());
}

TEST(IsolationWarnings, SharingMountOrPidAndSecurityNoneAreNamedAsWaysToTheHost) {
  using isobench::runner::Namespace;
  isobench::runner::ContainerSpec spec;
  spec.namespaces.remove(Namespace::kMount);
  spec.namespaces.remove(Namespace::kPid);
  spec.security = isobench::runner::SecurityMode::kNone;
  auto warnings = isobench::runner::isolation_warnings(spec);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("--share mnt"), std::string::npos);
  EXPECT_NE(warnings[1].find("--pid=host"), std::string::npos);
  EXPECT_NE(warnings[2].find("--privileged"), std::string::npos);
}
