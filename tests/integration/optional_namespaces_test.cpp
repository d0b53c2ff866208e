// The namespaces a container only gets on request: user (--userns) and time (--timens).
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using OptionalNamespaces = IsobenchTest;

TEST_F(OptionalNamespaces, UsernsMapsRootToAnUnprivilegedHostRange) {
  Json status = container_status({"--userns"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["uid_map"], Json::array({"0 100000 65536"}));
  EXPECT_EQ(status["gid_map"], Json::array({"0 100000 65536"}));
  EXPECT_NE(namespace_in(status, "user"), host_namespace("user"));
}

TEST_F(OptionalNamespaces, UsernsContainerRunsHello) {
  ProcessResult run = run_in_container({"--userns"}, {"hello"});
  EXPECT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out.rfind("Hello from isobench! pid=1", 0), 0u) << run;
}

TEST_F(OptionalNamespaces, TimensGivesTheContainerItsOwnTimeNamespace) {
  Json status = container_status({"--timens"});
  ASSERT_TRUE(status.is_object());
  ASSERT_FALSE(namespace_in(status, "time").empty()) << status["namespaces"];
  EXPECT_NE(namespace_in(status, "time"), host_namespace("time"));
}

}  // namespace
}  // namespace isobench::integration
