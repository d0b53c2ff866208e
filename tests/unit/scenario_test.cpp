// Scenario files and their validation: every problem names the JSON path it is at, and the
// settings expand into harness options with parameter sweeps as a cartesian product.
#include "bench/scenario.h"

#include <gtest/gtest.h>

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
  settings.workloads = {"mem"};
  settings.params = {"mem.size=1m,2m,3m", "mem.pattern=seq,random"};
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  Strings got = labels(*options);
  EXPECT_EQ(got.size(), 6u);
  std::set<std::string> distinct(got.begin(), got.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"mem(pattern=seq,size=1m)", "mem(pattern=seq,size=2m)",
                                             "mem(pattern=seq,size=3m)", "mem(pattern=random,size=1m)",
                                             "mem(pattern=random,size=2m)", "mem(pattern=random,size=3m)"}));
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

TEST(HarnessOptions, CustomCommandReplacesTheWorkloads) {
  ScenarioSettings settings;
  settings.workloads = {"mem", "cpu"};
  settings.cmd = {"/bin/sh", "-c", "true"};
  auto options = harness_options(settings);
  ASSERT_TRUE(options) << options.error().text();
  ASSERT_EQ(options->workloads.size(), 1u);
  EXPECT_EQ(options->workloads[0].name, "cmd");
  EXPECT_EQ(options->workloads[0].argv, settings.cmd);
  EXPECT_FALSE(options->workloads[0].reports_json);
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

}  // namespace
}  // namespace isobench::bench
