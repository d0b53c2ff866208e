// The workload catalog: built-in workloads become commands inside the image, parameters
// become --KEY VALUE, custom commands run as given, and sweeps parse as WORKLOAD.KEY=V1,V2.
#include "bench/workload_catalog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace isobench::bench {
namespace {

using Argv = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(WorkloadCatalog, BuiltinWorkloadsAreListedInTableOrder) {
  EXPECT_EQ(builtin_workloads(), (Argv{"noop", "hello", "cpu", "mem", "syscall", "fork", "io", "net"}));
}

TEST(WorkloadCatalog, WorkloadWithoutParamsRunsItsBinaryFromTheImage) {
  auto command = workload_command("noop", {});
  ASSERT_TRUE(command) << command.error().text();
  EXPECT_EQ(command->name, "noop");
  EXPECT_TRUE(command->params.empty());
  EXPECT_EQ(command->argv, (Argv{"/bin/noop"}));
  EXPECT_TRUE(command->reports_json);
}

TEST(WorkloadCatalog, EveryBuiltinWorkloadHasACommand) {
  for (const std::string& name : builtin_workloads()) {
    auto command = workload_command(name, {});
    ASSERT_TRUE(command) << name << ": " << command.error().text();
    ASSERT_FALSE(command->argv.empty()) << name;
    EXPECT_EQ(command->argv[0], "/bin/" + name);
  }
}

TEST(WorkloadCatalog, ParamsBecomeDoubleDashOptionsInKeyOrder) {
  auto command = workload_command("mem", {{"size", "64m"}, {"pattern", "random"}});
  ASSERT_TRUE(command) << command.error().text();
  EXPECT_EQ(command->argv, (Argv{"/bin/mem", "--pattern", "random", "--size", "64m"}));
  EXPECT_EQ(command->params.at("size"), "64m");
}

TEST(WorkloadCatalog, IoWritesIntoTmpUnlessADirIsGiven) {
  auto by_default = workload_command("io", {});
  ASSERT_TRUE(by_default) << by_default.error().text();
  EXPECT_EQ(by_default->argv, (Argv{"/bin/io", "--dir", "/tmp"}));

  auto with_dir = workload_command("io", {{"dir", "/var"}});
  ASSERT_TRUE(with_dir) << with_dir.error().text();
  EXPECT_EQ(with_dir->argv, (Argv{"/bin/io", "--dir", "/var"}));
}

TEST(WorkloadCatalog, UnknownWorkloadIsAnErrorNamingItAndTheKnownOnes) {
  auto command = workload_command("nope", {});
  ASSERT_FALSE(command);
  const std::string text = command.error().text();
  EXPECT_TRUE(contains(text, "'nope'")) << text;
  for (const std::string& name : builtin_workloads()) EXPECT_TRUE(contains(text, name)) << text;
  EXPECT_TRUE(contains(text, "--cmd")) << text;
}

TEST(WorkloadCatalog, LabelIsTheNameAloneWithoutParams) {
  auto command = workload_command("noop", {});
  ASSERT_TRUE(command);
  EXPECT_EQ(command->label(), "noop");
}

TEST(WorkloadCatalog, LabelListsParamsInKeyOrder) {
  WorkloadCommand command{"mem", {{"size", "64m"}, {"pattern", "seq"}}, {}};
  EXPECT_EQ(command.label(), "mem(pattern=seq,size=64m)");
}

TEST(WorkloadCatalog, CustomCommandRunsAsGivenAndReportsNoJson) {
  WorkloadCommand command = custom_command({"/bin/sh", "-c", "true"});
  EXPECT_EQ(command.name, "cmd");
  EXPECT_EQ(command.argv, (Argv{"/bin/sh", "-c", "true"}));
  EXPECT_TRUE(command.params.empty());
  EXPECT_FALSE(command.reports_json);
  EXPECT_EQ(command.label(), "cmd");
}

TEST(ParamSweep, ParsesWorkloadKeyAndValues) {
  auto sweep = parse_param_sweep("mem.size=16m,64m");
  ASSERT_TRUE(sweep) << sweep.error().text();
  EXPECT_EQ(sweep->workload, "mem");
  EXPECT_EQ(sweep->key, "size");
  EXPECT_EQ(sweep->values, (Argv{"16m", "64m"}));
}

TEST(ParamSweep, ASingleValueIsASweepOfOne) {
  auto sweep = parse_param_sweep("cpu.iterations=1000");
  ASSERT_TRUE(sweep) << sweep.error().text();
  EXPECT_EQ(sweep->values, (Argv{"1000"}));
}

TEST(ParamSweep, KeyMayContainDotsAfterTheFirst) {
  auto sweep = parse_param_sweep("io.block.size=4k");
  ASSERT_TRUE(sweep) << sweep.error().text();
  EXPECT_EQ(sweep->workload, "io");
  EXPECT_EQ(sweep->key, "block.size");
}

TEST(ParamSweep, ValueMayContainDots) {
  auto sweep = parse_param_sweep("cpu.seconds=0.5,1.5");
  ASSERT_TRUE(sweep) << sweep.error().text();
  EXPECT_EQ(sweep->key, "seconds");
  EXPECT_EQ(sweep->values, (Argv{"0.5", "1.5"}));
}

TEST(ParamSweep, MalformedTextIsAnErrorQuotingItAndTheExpectedForm) {
  for (const char* text : {"mem", "mem.size", "memsize=1", "mem=1.5", ".size=1", "mem.=1", "mem.size=", "mem.size=1,",
                           "mem.size=,1", "mem.size=1,,2"}) {
    auto sweep = parse_param_sweep(text);
    ASSERT_FALSE(sweep) << text << " was accepted";
    const std::string message = sweep.error().text();
    EXPECT_TRUE(contains(message, std::string("'") + text + "'")) << message;
    EXPECT_TRUE(contains(message, "WORKLOAD.KEY=V1,V2")) << message;
  }
}

}  // namespace
}  // namespace isobench::bench
