// Bad input is refused before anything exists: isobench exits non-zero with a message that
// names the problem, and creates nothing on the host (the fixture checks that). Each value
// of issue 11's items 6 and 12 is here: before the fix each ran, or failed after starting.
#include <algorithm>
#include <filesystem>

#include "common/file_io.h"
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
    // Issue 11, item 6: setresuid(-1) is a no-op, so -1 ran the command as root.
    {"UidOfMinusOne", {"-u", "4294967295"}, {"noop"}, 125, "uid 4294967295 is -1"},
    {"GidOfMinusOne", {"-u", "0:4294967295"}, {"noop"}, 125, "gid 4294967295 is -1"},
    {"UidOutsideTheUserNamespace",
     {"--userns", "-u", "70000"},
     {"noop"},
     125,
     "uid 70000 is not mapped in the user namespace (0-65535)"},
    {"GidOutsideTheUserNamespace",
     {"--userns", "-u", "0:65536"},
     {"noop"},
     125,
     "gid 65536 is not mapped in the user namespace (0-65535)"},
    // Issue 11, item 12: each value refused before anything starts, naming the option.
    {"TimeoutTooLongForATimer", {"--timeout", "1e300"}, {"noop"}, 125, "--timeout: '1e+300' is out of range"},
    {"TimeoutOfZero", {"--timeout", "0"}, {"noop"}, 125, "--timeout: '0' is out of range"},
    {"StatsJsonInAMissingDirectory",
     {"--stats-json", "/nonexistent/x"},
     {"noop"},
     125,
     "--stats-json /nonexistent/x: cannot write there"},
    {"StatsJsonOnAProcFile", {"--stats-json", "/proc/version"}, {"noop"}, 125, "--stats-json /proc/version"},
    {"CpusetOfACpuTheHostLacks",
     {"--cpuset-cpus", "99"},
     {"noop"},
     125,
     "--cpuset-cpus 99: CPU 99 does not exist here: this host has CPUs 0"},
    // Refused by the option itself: the command line does not parse (exit 2).
    {"EmptyCpuset", {"--cpuset-cpus", ""}, {"noop"}, 2, "--cpuset-cpus: an empty list of CPUs: this host has CPUs 0"},
    {"HostnameThatIsNotAHostName", {"--hostname", "a/b c"}, {"noop"}, 125, "--hostname: 'a/b c' is not a host name"},
    {"VmKernelThatIsNotAKernel",
     {"--vm", "--kernel", "/etc/passwd"},
     {"noop"},
     125,
     "--kernel /etc/passwd: not a Linux kernel image"},
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

using CheckedValues = IsobenchTest;

// The stats document used to be quoted whole in the error, after the workload had run.
TEST_F(CheckedValues, AStatsJsonThatCannotBeWrittenIsRefusedBeforeTheWorkloadAndNotQuoted) {
  ProcessResult run = run_in_container({"--stats-json", "/proc/version"}, {"hello"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_TRUE(run.out.empty()) << "the workload ran:\n" << run;
  EXPECT_EQ(run.err.find("phases_ms"), std::string::npos) << run;
  EXPECT_LT(run.err.size(), 400u) << run;
}

std::vector<std::string> kvm_verdicts() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/var/cache/isobench", error))
    if (entry.path().filename().string().rfind("kvm-verdict-", 0) == 0) names.push_back(entry.path().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A boot that failed for another reason used to leave "KVM unusable" in the cache.
TEST_F(CheckedValues, AKernelThatIsNotOneLeavesNoKvmVerdict) {
  TemporaryDirectory scratch;
  const std::string fake = scratch.path() + "/vmlinuz";
  ASSERT_TRUE(write_regular_file(fake, "#!/bin/sh\necho not a kernel\n"));
  std::vector<std::string> before = kvm_verdicts();
  ProcessResult run = run_in_container({"--vm", "--accel", "auto", "--kernel", fake}, {"noop"});
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find("--kernel " + fake + ": not a Linux kernel image"), std::string::npos) << run;
  EXPECT_EQ(kvm_verdicts(), before);
}

TEST_F(CheckedValues, AnUnknownCommandIsNamedWithTheCommandsThatExist) {
  ProcessResult run = run_isobench({"nosuch"});
  EXPECT_EQ(run.exit_code, 2) << run;  // a command line that does not parse, as in every verb
  EXPECT_NE(run.err.find("unknown command 'nosuch' (commands: run, doctor, probe, bench, compare, report, demo"),
            std::string::npos)
      << run;
}

struct BadBenchValue {
  const char* name;
  std::vector<std::string> args;
  const char* message;
};

void PrintTo(const BadBenchValue& input, std::ostream* out) {
  *out << input.name;
}

class BenchRefusesBadValues : public IsobenchTest, public ::testing::WithParamInterface<BadBenchValue> {};

// They ran and reported "4 of 4 runs failed", or were taken as they came.
TEST_P(BenchRefusesBadValues, BeforeAnyRunNamingTheOptionAndTheValue) {
  std::vector<std::string> args = {"bench", "--targets", "bare", "--runs", "1", "--warmup", "0", "-q"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  ProcessResult run = run_isobench(args);
  EXPECT_EQ(run.exit_code, 125) << run;
  EXPECT_NE(run.err.find(GetParam().message), std::string::npos) << "expected '" << GetParam().message << "'\n" << run;
  EXPECT_TRUE(run.out.empty()) << "a table means it ran:\n" << run;
}

const BadBenchValue kBadBenchValues[] = {
    {"ParamThatIsNotASize", {"--workloads", "mem", "--param", "mem.size=abc"}, "--param mem.size: 'abc' is not a size"},
    {"ParamTheWorkloadDoesNotTake", {"--workloads", "mem", "--param", "mem.pattern=seq"}, "takes no parameter"},
    {"TimeoutOfZero", {"--timeout", "0"}, "--timeout: '0' is out of range"},
    {"NegativeMinTime", {"--min-time", "-1"}, "--min-time: '-1' is out of range"},
    {"EmptyCmd", {"--cmd", ""}, "--cmd: an empty command"},
    {"OutputOnAProcFile", {"-o", "/proc/version"}, "-o/--output /proc/version: cannot write there"},
};

INSTANTIATE_TEST_SUITE_P(Bench, BenchRefusesBadValues, ::testing::ValuesIn(kBadBenchValues),
                         [](const ::testing::TestParamInfo<BadBenchValue>& info) {
                           return std::string(info.param.name);
                         });

class CompareRefusesImpossibleFigures : public IsobenchTest {
 protected:
  std::string results(const std::string& name, const Json& odd_startup) {
    Json doc = {{"schema", "isobench-results/1"}, {"runs", Json::array()}};
    for (int i = 0; i < 8; ++i)
      doc["runs"].push_back({{"target", "isobench"},
                             {"workload", "noop"},
                             {"ok", true},
                             {"startup_ms", i == 3 ? odd_startup : Json(4.0 + i * 0.01)},
                             {"wall_ms", 5.0}});
    std::string path = dir_.path() + "/" + name;
    EXPECT_TRUE(write_regular_file(path, doc.dump()));
    return path;
  }
  TemporaryDirectory dir_;
};

TEST_F(CompareRefusesImpossibleFigures, AsBadInputNamingTheFileAndTheField) {
  const std::string good = results("good.json", 4.0);
  for (const Json& odd : {Json(1e308), Json(-1), Json(nullptr)}) {
    const std::string bad = results("bad.json", odd);
    ProcessResult run = run_isobench({"compare", good, bad});
    EXPECT_EQ(run.exit_code, 2) << odd << "\n" << run;
    EXPECT_NE(run.err.find(bad + ": runs[3].startup_ms is "), std::string::npos) << run;
    EXPECT_NE(run.err.find("not a measurement"), std::string::npos) << run;
  }
}

}  // namespace
}  // namespace isobench::integration
