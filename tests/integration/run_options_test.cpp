// -e, -w and -u shape the process the container starts: its environment, its working
// directory and its identity.
#include <algorithm>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using RunOptions = IsobenchTest;

bool contains(const Json& list, const std::string& entry) {
  return list.is_array() && std::find(list.begin(), list.end(), entry) != list.end();
}

TEST_F(RunOptions, EnvOptionSetsAVariable) {
  Json status = container_status({"-e", "GREETING=hello world"});
  ASSERT_TRUE(status.is_object());
  EXPECT_TRUE(contains(status["env"], "GREETING=hello world")) << status["env"];
}

TEST_F(RunOptions, EnvironmentHasADefaultPath) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  const Json& env = status["env"];
  EXPECT_TRUE(std::any_of(env.begin(), env.end(), [](const Json& entry) {
    return entry.get<std::string>().rfind("PATH=", 0) == 0;
  })) << env;
}

TEST_F(RunOptions, WorkdirOptionSetsTheWorkingDirectory) {
  Json status = container_status({"-w", "/tmp"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["cwd"], "/tmp");
}

TEST_F(RunOptions, WorkingDirectoryIsTheRootByDefault) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["cwd"], "/");
}

TEST_F(RunOptions, UserOptionSetsUidAndGid) {
  Json status = container_status({"-u", "1000:1000"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["uid"], 1000);
  EXPECT_EQ(status["gid"], 1000);
}

TEST_F(RunOptions, NonRootUserHasNoEffectiveCapabilities) {
  Json status = container_status({"-u", "1000:1000"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["cap_eff"], "0000000000000000");
}

TEST_F(RunOptions, UserOptionWithoutAGidUsesTheUidAsGid) {
  Json status = container_status({"-u", "1234"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["uid"], 1234);
  EXPECT_EQ(status["gid"], 1234);
}

}  // namespace
}  // namespace isobench::integration
