// The course's Docker CLI lesson (scripts/course_tour.sh, run by `setup.sh tour`) works end to
// end: every verb in order against its own registry, with the English and Korean line of each.
#include <filesystem>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using CourseTourTest = IsobenchTest;

TEST_F(CourseTourTest, EveryVerbOfTheLessonRunsInOrderAgainstALocalRegistry) {
  if (access("/usr/bin/docker-registry", X_OK) != 0 || access("/bin/busybox", X_OK) != 0)
    GTEST_SKIP() << "needs docker-registry and busybox-static (setup.sh installs them)";
  const std::string script = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "scripts/course_tour.sh";
  auto child = ChildProcess::start({"/bin/bash", script, ISOBENCH_BUILD_DIR});
  ASSERT_TRUE(child) << child.error().text();
  ProcessResult toured = child->wait(120s);
  ASSERT_EQ(toured.exit_code, 0) << toured;
  size_t at = 0;
  for (const char* verb : {"pull", "images", "run -d", "ps", "logs", "stop", "ps -a", "rm", "rmi"}) {
    const size_t found = toured.out.find(std::string("== $ isobench ") + verb, at);
    ASSERT_NE(found, std::string::npos) << verb << " missing or out of order:\n" << toured.out;
    at = found + 1;
  }
  EXPECT_NE(toured.out.find("served at"), std::string::npos) << "logs shows what the container printed";
  EXPECT_NE(toured.out.find("Exited (137)"), std::string::npos);
  EXPECT_NE(toured.out.find("레지스트리"), std::string::npos) << "each step has its Korean line";
  EXPECT_NE(toured.out.find("Deleted: sha256:"), std::string::npos);
}

}  // namespace
}  // namespace isobench::integration
