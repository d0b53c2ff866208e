// Scenario files and their validation: every problem names the JSON path it is at, and the
// settings expand into harness options with parameter sweeps as a cartesian product.
#include "bench/scenario.h"
#include "common/file_io.h"
#include "runner/image.h"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace isobench::bench {
namespace {

using Json = nlohmann::json;
using Strings = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The error text of parsing `document`, or "" (with a test failure) when it parses.
std::string scenario_error(const Json& document) {
  auto settings = parse_scenario(document);
  if (settings) {
    ADD_FAILURE() << document.dump() << " was accepted";
    return "";
  }
  return settings.error().text();
}

std::string options_error(const ScenarioSettings& settings) {
  auto options = harness_options(settings);
  if (options) {
    ADD_FAILURE() << "settings were accepted";
    return "";
  }
  return options.error().text();
}

Strings labels(const HarnessOptions& options) {
  Strings out;
  for (const WorkloadCommand& workload : options.workloads) out.push_back(workload.label());
  return out;
}

TEST(ParseScenario, EmptyObjectGivesTheDefaults) {
  auto settings = parse_scenario(Json::object());
  ASSERT_TRUE(settings) << settings.error().text();
  ScenarioSettings defaults;
  EXPECT_EQ(settings->targets, defaults.targets);
  EXPECT_EQ(settings->workloads, defaults.workloads);
  EXPECT_EQ(settings->runs, defaults.runs);
  EXPECT_EQ(settings->warmup, defaults.warmup);
  EXPECT_EQ(settings->concurrency, defaults.concurrency);
  EXPECT_EQ(settings->seed, defaults.seed);
}

TEST(ParseScenario, ReadsEverySetting) {
  auto settings = parse_scenario(Json::parse(R"({
    "targets": ["bare", "runc"], "workloads": ["mem", "cpu"], "params": ["mem.size=1m,2m"],
    "runs": 5, "warmup": 0, "concurrency": [1, 4], "min_time": 0.5, "timeout": 10, "seed": 7
  })"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->targets, (Strings{"bare", "runc"}));
  EXPECT_EQ(settings->workloads, (Strings{"mem", "cpu"}));
  EXPECT_EQ(settings->params, (Strings{"mem.size=1m,2m"}));
  EXPECT_EQ(settings->runs, 5);
  EXPECT_EQ(settings->warmup, 0);
  EXPECT_EQ(settings->concurrency, (std::vector<int>{1, 4}));
  EXPECT_DOUBLE_EQ(settings->min_time, 0.5);
  EXPECT_DOUBLE_EQ(settings->timeout, 10);
  EXPECT_EQ(settings->seed, 7u);
}

TEST(ParseScenario, ASingleStringOrNumberStandsForAListOfOne) {
  auto settings = parse_scenario(Json::parse(R"({"targets": "bare", "cmd": "/bin/true", "concurrency": 3})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->targets, (Strings{"bare"}));
  EXPECT_EQ(settings->cmd, (Strings{"/bin/true"}));
  EXPECT_EQ(settings->concurrency, (std::vector<int>{3}));
}

TEST(ParseScenario, DocumentThatIsNotAnObjectIsAnErrorAtTheRoot) {
  std::string error = scenario_error(Json::array({1, 2}));
  EXPECT_EQ(error.rfind("$: ", 0), 0u) << error;
}

TEST(ParseScenario, RunsThatIsNotANumberNamesThePathAndTheValue) {
  std::string error = scenario_error(Json::parse(R"({"runs": "ten"})"));
  EXPECT_EQ(error.rfind("$.runs: ", 0), 0u) << error;
  EXPECT_TRUE(contains(error, "\"ten\"")) << error;
}

TEST(ParseScenario, RunsMustBeAtLeastOneAndWarmupAtLeastZero) {
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"runs": 0})")), "$.runs: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"runs": 2.5})")), "$.runs: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"warmup": -1})")), "$.warmup: "));
  auto zero_warmup = parse_scenario(Json::parse(R"({"warmup": 0})"));
  EXPECT_TRUE(zero_warmup) << zero_warmup.error().text();
}

TEST(ParseScenario, HugeRunCountsAreRefusedRatherThanTruncated) {
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"runs": 10000000000})")), "$.runs: "));
}

TEST(ParseScenario, BadListElementNamesItsIndex) {
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"targets": ["bare", 3]})")), "$.targets[1]: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"workloads": {"a": 1}})")), "$.workloads: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"concurrency": [1, 0]})")), "$.concurrency[1]: "));
}

TEST(ParseScenario, BadNumbersNameTheirSetting) {
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"timeout": -1})")), "$.timeout: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"min_time": "1s"})")), "$.min_time: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"seed": -3})")), "$.seed: "));
}

TEST(ParseScenario, UnknownSettingIsAnErrorListingTheKnownOnes) {
  std::string error = scenario_error(Json::parse(R"({"rnus": 3})"));
  EXPECT_EQ(error.rfind("$.rnus: ", 0), 0u) << error;
  EXPECT_TRUE(contains(error, "runs")) << error;
  EXPECT_TRUE(contains(error, "targets")) << error;
}

TEST(ParseScenario, ProbesDefaultToNone) {
  auto settings = parse_scenario(Json::object());
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->probes, "none");
}

TEST(ParseScenario, ProbesAllNamesEveryProbe) {
  auto settings = parse_scenario(Json::parse(R"({"probes": "all"})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->probes, "lifecycle,cpu,syscalls,memory,kvm");
}

TEST(ParseScenario, ProbesNoneStaysNone) {
  auto settings = parse_scenario(Json::parse(R"({"probes": "none"})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->probes, "none");
}

TEST(ParseScenario, ProbesStringIsPutInCanonicalOrder) {
  auto settings = parse_scenario(Json::parse(R"({"probes": "cpu,lifecycle"})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->probes, "lifecycle,cpu");
}

TEST(ParseScenario, ProbesMayBeAListOfNames) {
  auto settings = parse_scenario(Json::parse(R"({"probes": ["kvm", "memory", "cpu"]})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->probes, "cpu,memory,kvm");
}

TEST(ParseScenario, ProbesAsASingleNameList) {
  auto settings = parse_scenario(Json::parse(R"({"probes": ["syscalls"]})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->probes, "syscalls");
}

TEST(ParseScenario, UnknownProbeIsAnErrorAtTheProbesPathNamingIt) {
  std::string error = scenario_error(Json::parse(R"({"probes": "cpu,disk"})"));
  EXPECT_EQ(error.rfind("$.probes: ", 0), 0u) << error;
  EXPECT_TRUE(contains(error, "disk")) << error;

  std::string in_list = scenario_error(Json::parse(R"({"probes": ["lifecycle", "gpu"]})"));
  EXPECT_EQ(in_list.rfind("$.probes: ", 0), 0u) << in_list;
  EXPECT_TRUE(contains(in_list, "gpu")) << in_list;
}

TEST(ParseScenario, ProbesOfTheWrongTypeAreAnErrorAtTheirPath) {
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"probes": 3})")), "$.probes: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"probes": {"cpu": true}})")), "$.probes: "));
  EXPECT_TRUE(contains(scenario_error(Json::parse(R"({"probes": ["cpu", 1]})")), "$.probes[1]: "));
}

TEST(ParseScenario, UnknownSettingErrorListsProbesAmongTheKnownOnes) {
  std::string error = scenario_error(Json::parse(R"({"probe": "all"})"));
  EXPECT_EQ(error.rfind("$.probe: ", 0), 0u) << error;
  EXPECT_TRUE(contains(error, "probes")) << error;
}

TEST(HarnessOptions, CopiesTheSettings) {
  ScenarioSettings settings;
  settings.targets = {"bare", "crun"};
  settings.runs = 4;
  settings.warmup = 1;
  settings.concurrency = {2, 8};
  settings.min_time = 1.5;
  settings.timeout = 3;
  settings.seed = 99;
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(options->targets, (Strings{"bare", "crun"}));
  EXPECT_EQ(options->runs, 4);
  EXPECT_EQ(options->warmup, 1);
  EXPECT_EQ(options->concurrency, (std::vector<int>{2, 8}));
  EXPECT_DOUBLE_EQ(options->min_time_seconds, 1.5);
  EXPECT_DOUBLE_EQ(options->timeout_seconds, 3);
  EXPECT_EQ(options->seed, 99u);
  EXPECT_EQ(labels(*options), (Strings{"noop"}));
}

TEST(HarnessOptions, WorkloadsKeepTheirOrder) {
  ScenarioSettings settings;
  settings.workloads = {"fork", "noop", "cpu"};
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(labels(*options), (Strings{"fork", "noop", "cpu"}));
}

TEST(HarnessOptions, ASweepGivesOneWorkloadPerValue) {
  ScenarioSettings settings;
  settings.workloads = {"noop", "mem"};
  settings.params = {"mem.size=16m,64m"};
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(labels(*options), (Strings{"noop", "mem(size=16m)", "mem(size=64m)"}));
  EXPECT_EQ(options->workloads[2].argv, (Strings{"/bin/mem", "--size", "64m"}));
}

TEST(HarnessOptions, SweepsOfOneWorkloadExpandAsACartesianProduct) {
  ScenarioSettings settings;
  settings.workloads = {"io"};
  settings.params = {"io.size=1m,2m,3m", "io.dir=/tmp,/var/tmp"};
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  Strings got = labels(*options);
  EXPECT_EQ(got.size(), 6u);
  std::set<std::string> distinct(got.begin(), got.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"io(dir=/tmp,size=1m)", "io(dir=/tmp,size=2m)", "io(dir=/tmp,size=3m)",
                                             "io(dir=/var/tmp,size=1m)", "io(dir=/var/tmp,size=2m)",
                                             "io(dir=/var/tmp,size=3m)"}));
}

TEST(HarnessOptions, SweepsOfDifferentWorkloadsDoNotMultiply) {
  ScenarioSettings settings;
  settings.workloads = {"mem", "cpu"};
  settings.params = {"mem.size=1m,2m", "cpu.iterations=10,20,30"};
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(labels(*options), (Strings{"mem(size=1m)", "mem(size=2m)", "cpu(iterations=10)", "cpu(iterations=20)",
                                       "cpu(iterations=30)"}));
}

TEST(HarnessOptions, ParamForAWorkloadNotSelectedIsAnErrorNamingIt) {
  ScenarioSettings settings;
  settings.workloads = {"noop"};
  settings.params = {"mem.size=16m"};
  std::string error = options_error(settings);
  EXPECT_TRUE(contains(error, "'mem'")) << error;
  EXPECT_TRUE(contains(error, "--param")) << error;
}

TEST(HarnessOptions, MalformedParamIsAnError) {
  ScenarioSettings settings;
  settings.params = {"noop"};
  EXPECT_TRUE(contains(options_error(settings), "invalid --param 'noop'"));
}

TEST(HarnessOptions, UnknownWorkloadIsAnErrorNamingIt) {
  ScenarioSettings settings;
  settings.workloads = {"noop", "nope"};
  EXPECT_TRUE(contains(options_error(settings), "'nope'"));
}

/// A fake image for custom commands: /bin/sh a program, /bin/env an absolute link to the
/// host's /usr/bin/env (inside the image it means the image's own, which it has), and the
/// start stamper every --cmd runs under.
class CustomCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-scenario-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    image_ = std::filesystem::canonical(scratch).string();
    std::filesystem::create_directories(image_ + "/bin");
    std::filesystem::create_directories(image_ + "/usr/bin");
    std::filesystem::create_directories(image_ + "/.isobench");
    for (const char* program : {"/bin/sh", "/usr/bin/env", kStartStamper}) {
      ASSERT_TRUE(write_regular_file(image_ + program, "#!/bin/true\n"));
      std::filesystem::permissions(image_ + program, std::filesystem::perms::owner_all);
    }
    std::filesystem::create_symlink("/usr/bin/env", image_ + "/bin/env");
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(image_, ignored);
  }
  std::string error_of(const ScenarioSettings& settings) {
    auto options = harness_options(settings, image_);
    if (options) {
      ADD_FAILURE() << "settings were accepted";
      return "";
    }
    return options.error().text();
  }
  std::string image_;
};

TEST_F(CustomCommand, ReplacesTheWorkloads) {
  ScenarioSettings settings;
  settings.workloads = {"mem", "cpu"};
  settings.cmd = {"/bin/sh", "-c", "true"};
  auto options = harness_options(settings, image_);
  ASSERT_TRUE(options) << options.error().text();
  ASSERT_EQ(options->workloads.size(), 1u);
  EXPECT_EQ(options->workloads[0].name, "cmd");
  EXPECT_EQ(options->workloads[0].argv, (Strings{kStartStamper, "/bin/sh", "-c", "true"}));
  EXPECT_TRUE(runs_under_stamper(options->workloads[0]));
  EXPECT_FALSE(options->workloads[0].reports_json);
}

TEST_F(CustomCommand, AnImageWithoutTheStartStamperIsRefusedNamingIt) {
  std::filesystem::remove(image_ + kStartStamper);
  ScenarioSettings settings;
  settings.cmd = {"/bin/sh", "-c", "true"};
  const std::string error = error_of(settings);
  EXPECT_EQ(error.rfind("--cmd: the image has no start stamper /.isobench/start", 0), 0u) << error;
}

TEST_F(CustomCommand, EveryTargetIsGivenTheProgramsPathInTheImage) {
  ScenarioSettings settings;
  settings.cmd = {"sh", "-c", "true"};
  auto options = harness_options(settings, image_);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(options->workloads[0].argv, (Strings{kStartStamper, "/bin/sh", "-c", "true"}));
}

TEST_F(CustomCommand, AProgramNotInTheImageIsRefusedNamingItAndTheImage) {
  ScenarioSettings settings;
  settings.cmd = {"/usr/bin/python3", "-c", "pass"};
  std::string error = error_of(settings);
  const std::string expected = "--cmd: /usr/bin/python3 is not in the image (" + image_ + "): every target runs";
  EXPECT_EQ(error.rfind(expected, 0), 0u) << error;
  EXPECT_TRUE(contains(error, "/bin/sh")) << error;  // what the image holds
}

TEST_F(CustomCommand, ASymlinkLeadingOutOfTheImageIsRefusedOnlyWhenBareRunsIt) {
  ScenarioSettings settings;
  settings.cmd = {"/bin/env"};
  settings.targets = {"bare", "isobench"};
  std::string error = error_of(settings);
  EXPECT_TRUE(contains(error, "--cmd: /bin/env in the image")) << error;
  EXPECT_TRUE(contains(error, "give the file itself, /usr/bin/env")) << error;
  settings.targets = {"isobench", "runc"};
  EXPECT_TRUE(harness_options(settings, image_));  // inside the image the link is the image's file
}

TEST_F(CustomCommand, AnArgumentWithANulByteIsRefused) {
  ScenarioSettings settings;
  settings.cmd = {"/bin/sh", std::string("a\0b", 3)};
  EXPECT_TRUE(contains(error_of(settings), "--cmd: argument 1 holds a NUL byte")) << error_of(settings);
}

TEST(ParseScenario, ACmdStringIsSplitLikeTheCommandLineOption) {
  auto settings = parse_scenario(Json::parse(R"({"cmd": "/bin/sh -c 'echo hi'"})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->cmd, (Strings{"/bin/sh", "-c", "echo hi"}));
  EXPECT_TRUE(contains(scenario_error(Json{{"cmd", "/bin/ls | /bin/wc"}}), "$.cmd: '|' (character 9) is shell syntax"));
  EXPECT_TRUE(contains(scenario_error(Json{{"cmd", "  "}}), "$.cmd: expected a command"));
}

TEST(ParseScenario, ColdIsAFlag) {
  auto settings = parse_scenario(Json::parse(R"({"cold": true})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_TRUE(settings->cold);
  EXPECT_FALSE(parse_scenario(Json::object())->cold);
  EXPECT_TRUE(contains(scenario_error(Json{{"cold", "yes"}}), "$.cold: expected true or false"));
}

TEST(ParseScenario, ACmdListIsTheArgumentVectorAsItIs) {
  auto settings = parse_scenario(Json::parse(R"({"cmd": ["/bin/echo", "a | b", ""]})"));
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->cmd, (Strings{"/bin/echo", "a | b", ""}));
}

TEST(HarnessOptions, RefusesNoTargetsNoRunsAndZeroConcurrency) {
  ScenarioSettings no_targets;
  no_targets.targets.clear();
  EXPECT_TRUE(contains(options_error(no_targets), "no targets"));

  ScenarioSettings no_runs;
  no_runs.runs = 0;
  EXPECT_TRUE(contains(options_error(no_runs), "runs"));

  ScenarioSettings zero_concurrency;
  zero_concurrency.concurrency = {1, 0};
  EXPECT_TRUE(contains(options_error(zero_concurrency), "concurrency"));
}

// With no concurrency level there is no cell to run: the benchmark would measure nothing.
TEST(HarnessOptions, RefusesAnEmptyConcurrencyList) {
  auto settings = parse_scenario(Json::parse(R"({"concurrency": []})"));
  if (!settings) {
    EXPECT_TRUE(contains(settings.error().text(), "$.concurrency")) << settings.error().text();
    return;
  }
  EXPECT_TRUE(contains(options_error(*settings), "concurrency"));
}

// --- bounded input and checked values (issue 11, items 11 and 12) ------------------------

TEST(ParseScenarioText, NestingOfAHundredThousandIsRefusedNotACrash) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto settings = parse_scenario_text(deep, "scenario deep.json");
  ASSERT_FALSE(settings);
  EXPECT_EQ(settings.error().message,
            "scenario deep.json: nested deeper than 16 levels at byte 17 (the limit of a scenario file)");
}

TEST(ParseScenarioText, ReadsTheSameSettingsAsParseScenario) {
  auto settings = parse_scenario_text(R"({"targets": ["bare"], "runs": 3})", "scenario s.json");
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->targets, (Strings{"bare"}));
  EXPECT_EQ(settings->runs, 3);
  auto bad = parse_scenario_text("runs = 10", "scenario s.json");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error().message, "scenario s.json: not valid JSON")) << bad.error().message;
  auto wrong = parse_scenario_text(R"({"runs": "ten"})", "scenario s.json");
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(contains(wrong.error().message, "scenario s.json: $.runs")) << wrong.error().message;
}

TEST(ParseScenario, ALongValueIsNeverQuotedBackWhole) {
  std::string error = scenario_error(Json{{"runs", std::string(100000, 'x')}});
  EXPECT_TRUE(contains(error, "$.runs")) << error;
  EXPECT_TRUE(contains(error, "(100002 bytes)")) << error;
  EXPECT_LT(error.size(), 200u);
}

TEST(ParseScenario, TimeoutMinTimeAndCmdMustBeUsable) {
  EXPECT_TRUE(contains(scenario_error(Json{{"timeout", 0}}), "$.timeout: '0' is out of range"));
  EXPECT_TRUE(contains(scenario_error(Json{{"timeout", 1e300}}), "$.timeout: '1e+300' is out of range"));
  EXPECT_TRUE(contains(scenario_error(Json{{"min_time", -1}}), "$.min_time: '-1' is out of range"));
  EXPECT_TRUE(contains(scenario_error(Json{{"cmd", ""}}), "$.cmd: expected a command"));
  EXPECT_TRUE(contains(scenario_error(Json{{"cmd", Json::array()}}), "$.cmd: expected a command"));
  EXPECT_TRUE(parse_scenario(Json{{"min_time", 0}, {"timeout", 0.5}}));
}

TEST(HarnessOptions, TimeoutAndMinTimeAreCheckedNamingTheOption) {
  ScenarioSettings zero_timeout;
  zero_timeout.timeout = 0;
  EXPECT_EQ(options_error(zero_timeout),
            "--timeout: '0' is out of range: give seconds above 0 up to 1000000 (about 11 days)");
  ScenarioSettings negative_min_time;
  negative_min_time.min_time = -1;
  EXPECT_TRUE(contains(options_error(negative_min_time), "--min-time: '-1'"));
  ScenarioSettings empty_cmd;
  empty_cmd.cmd = {""};
  EXPECT_TRUE(contains(options_error(empty_cmd), "--cmd"));
}

TEST(HarnessOptions, ParamValuesAreCheckedAsTheWorkloadWouldParseThem) {
  struct Case {
    std::string workload, param, expected;
  };
  for (const Case& c : {Case{"mem", "mem.size=abc", "--param mem.size: 'abc' is not a size"},
                        Case{"mem", "mem.size=1.5g", "'1.5g' is not a size"},
                        Case{"mem", "mem.size=0", "'0' is not a size"}, Case{"mem", "mem.size=64m,", "empty value"},
                        Case{"cpu", "cpu.iterations=-5", "'-5' is not a positive whole number"},
                        Case{"net", "net.count=99999999999999999999", "is not a positive whole number"},
                        Case{"io", "io.dir=tmp", "'tmp' is not an absolute directory path"},
                        Case{"mem", "mem.pattern=seq", "mem takes no parameter 'pattern' (it takes: size)"},
                        Case{"noop", "noop.x=1", "noop takes no parameter 'x' (it takes none)"}}) {
    ScenarioSettings settings;
    settings.workloads = {c.workload};
    settings.params = {c.param};
    std::string error = options_error(settings);
    EXPECT_TRUE(contains(error, c.expected)) << c.param << ": " << error;
  }
  ScenarioSettings good;
  good.workloads = {"mem", "io", "fork"};
  good.params = {"mem.size=4096,64k,64m,64MiB,1G,4096b", "io.size=1m", "io.dir=/tmp", "fork.count=3"};
  auto options = harness_options(good);
  EXPECT_TRUE(options) << options.error().text();
}

}  // namespace
}  // namespace isobench::bench

namespace isobench::bench {
namespace {

TEST(ScenarioImage, AnImageNameIsASettingAndAnythingButANonEmptyStringIsRefused) {
  auto settings = parse_scenario(Json{{"image", "127.0.0.1:5000/python:3"}, {"cmd", "python3 -c pass"}});
  ASSERT_TRUE(settings) << settings.error().text();
  EXPECT_EQ(settings->image, "127.0.0.1:5000/python:3");
  EXPECT_EQ(ScenarioSettings{}.image, "") << "the built-in image unless a scenario names one";
  for (const Json& bad : {Json(""), Json(3), Json::array({"python"})})
    EXPECT_TRUE(contains(scenario_error(Json{{"image", bad}}), "$.image: expected an image name")) << bad;
}

/// An image from the store as harness_options sees it: a merged tree with /bin/sh (a
/// script), /opt/py/bin/python3 (found only along the image's own PATH) and /bin/noop, the
/// built-in image's static program.
class ImageWorkloads : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-scenario-image-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    root_ = std::filesystem::canonical(scratch).string();
    for (const char* dir : {"/bin", "/opt/py/bin", "/.isobench"}) std::filesystem::create_directories(root_ + dir);
    for (const char* program : {"/bin/sh", "/opt/py/bin/python3", kStartStamper}) {
      ASSERT_TRUE(write_regular_file(root_ + program, "#!/bin/true\n"));
      std::filesystem::permissions(root_ + program, std::filesystem::perms::owner_all);
    }
    context_ = TargetContext{
        "", root_, "",
        TargetImage{"py:3", "sha256:" + std::string(64, 'b'), {"PATH=/opt/py/bin:/usr/bin:/bin", "LANG=C.UTF-8"}}};
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  /// A static program as the image's /bin/noop: busybox-static's (the sanitizer build has no
  /// workloads of its own to copy).
  void add_static_noop() {
    if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "needs busybox-static's /bin/busybox, a static program";
    std::filesystem::copy_file("/bin/busybox", root_ + "/bin/noop");
  }
  std::string error_of(const ScenarioSettings& settings) {
    auto options = harness_options(settings, context_);
    if (options) {
      ADD_FAILURE() << "settings were accepted";
      return "";
    }
    return options.error().text();
  }
  std::string root_;
  TargetContext context_;
};

TEST_F(ImageWorkloads, ABuiltInWorkloadTheImageLacksIsRefusedNamingTheWorkloadAndTheImage) {
  ScenarioSettings settings;
  settings.targets = {"isobench", "runc"};
  const std::string error = error_of(settings);
  EXPECT_TRUE(contains(error, "workload 'noop' runs /bin/noop, which image py:3 lacks")) << error;
  EXPECT_TRUE(contains(error, "--cmd")) << error;
}

TEST_F(ImageWorkloads, ABuiltInWorkloadTheImageHasRuns) {
  add_static_noop();
  if (IsSkipped()) return;
  ScenarioSettings settings;  // bare among the targets: /bin/noop is static
  auto options = harness_options(settings, context_);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(options->workloads.at(0).argv, (Strings{"/bin/noop"}));
}

TEST_F(ImageWorkloads, ACommandIsFoundAlongTheImagesPath) {
  ScenarioSettings settings;
  settings.targets = {"isobench", "bwrap"};
  settings.cmd = {"python3", "-c", "pass"};
  auto options = harness_options(settings, context_);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(options->workloads.at(0).argv, (Strings{kStartStamper, "/opt/py/bin/python3", "-c", "pass"}));
}

TEST_F(ImageWorkloads, ACommandMissingFromTheImageIsRefusedNamingTheImage) {
  ScenarioSettings settings;
  settings.targets = {"isobench"};
  settings.cmd = {"/bin/true"};
  const std::string error = error_of(settings);
  EXPECT_EQ(error.rfind("image py:3: --cmd: /bin/true is not in the image", 0), 0u) << error;
}

TEST_F(ImageWorkloads, BareRunsAScriptOfTheImageAsTheContainersDo) {
  // /bin/sh here is a script whose interpreter the host has too: bare runs it chrooted into
  // the image, so the image's interpreter is the one it gets, and nothing refuses it.
  ScenarioSettings settings;
  settings.targets = {"bare", "isobench"};
  settings.cmd = {"/bin/sh", "-c", "true"};
  auto options = harness_options(settings, context_);
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(options->workloads.at(0).argv, (Strings{kStartStamper, "/bin/sh", "-c", "true"}));
}

}  // namespace
}  // namespace isobench::bench
