// Bad input is refused before anything exists: isobench exits non-zero with a message that
// names the problem, and creates nothing on the host (the fixture checks that).
#include <filesystem>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

struct BadInput {
  const char* name;
  std::vector<std::string> options;
  std::vector<std::string> command;
  int exit_code;
  const char* message;  ///< stderr must contain this
};

void PrintTo(const BadInput& input, std::ostream* out) {
  *out << input.name;
}

class RejectsBadInput : public IsobenchTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(RejectsBadInput, WithAMessageAndWithoutCreatingAnything) {
  const BadInput& input = GetParam();
  ProcessResult run = run_in_container(input.options, input.command);
  EXPECT_EQ(run.exit_code, input.exit_code) << run;
  EXPECT_NE(run.err.find(input.message), std::string::npos) << "expected '" << input.message << "' in stderr\n" << run;
  EXPECT_TRUE(run.out.empty()) << run;
}

const BadInput kBadInputs[] = {
    {"RootfsThatDoesNotExist", {"--rootfs", "/nonexistent"}, {"noop"}, 125, "/nonexistent"},
    {"CommandMissingFromTheImage", {}, {"no-such-command"}, 127, "not found"},
    {"MemoryWithAnUnknownUnit", {"--memory", "12XB"}, {"noop"}, 125, "--memory"},
    {"NegativeCpusAsASeparateArgument", {"--cpus", "-1"}, {"noop"}, 125, "--cpus"},
    {"NegativeCpusAfterAnEqualsSign", {"--cpus=-1"}, {"noop"}, 125, "--cpus"},
    {"ShareOfAnUnknownNamespace", {"--share", "bogus"}, {"noop"}, 125, "bogus"},
    {"PidsLimitOfZero", {"--pids-limit", "0"}, {"noop"}, 125, "--pids-limit"},
    {"UserThatIsNotANumber", {"-u", "abc"}, {"noop"}, 125, "abc"},
};

INSTANTIATE_TEST_SUITE_P(BadInput, RejectsBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

using BadRootfs = IsobenchTest;

TEST_F(BadRootfs, ReadOnlyRootfsWithoutProcIsRefusedNamingProc) {
  TemporaryDirectory scratch;
  const std::string rootfs = copy_image_into(scratch);
  ASSERT_FALSE(rootfs.empty()) << "cannot copy the image into " << scratch.path();
  std::filesystem::remove_all(rootfs + "/proc");

  ProcessResult run = run_in_container({"--read-only", "--rootfs", rootfs}, {"noop"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("/proc"), std::string::npos) << run;
  EXPECT_FALSE(std::filesystem::exists(rootfs + "/proc")) << "a read-only rootfs must not be written to";
}

}  // namespace
}  // namespace isobench::integration
