// Memory rounds measure the whole target: each target's measured invocation keeps everything
// it starts below the harness's measuring cgroup, and every target reaps its workload within
// the tree whose rusage is its CPU time.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/targets/target.h"
#include "common/file_io.h"

namespace isobench::bench {
namespace {

using Json = nlohmann::json;
using Strings = std::vector<std::string>;

bool has(const Strings& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string after(const Strings& argv, const std::string& option) {
  auto found = std::find(argv.begin(), argv.end(), option);
  if (found == argv.end() || found + 1 == argv.end()) return "";
  return *(found + 1);
}

WorkloadCommand mem_workload() {
  auto command = workload_command("mem", {{"size", "1m"}});
  EXPECT_TRUE(command) << command.error().text();
  return command ? *command : WorkloadCommand{};
}

class MeasuredTargets : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-measured-targets-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    scratch_ = scratch;
    context_ = {"/opt/isobench/bin/isobench", "/opt/isobench/image/rootfs", scratch_};
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_, ignored);
  }
  std::unique_ptr<Target> target(const std::string& name) {
    auto made = make_target(name, context_);
    EXPECT_TRUE(made) << name << ": " << made.error().text();
    return made ? std::move(*made) : nullptr;
  }
  /// A probed runc or crun, or null (the test is then skipped) where it cannot run.
  std::unique_ptr<Target> oci_runtime(const std::string& name) {
    if (find_program(name).empty() || geteuid() != 0) return nullptr;
    auto runtime = target(name);
    if (!runtime) return nullptr;
    auto version = runtime->probe();
    EXPECT_TRUE(version) << name << ": " << version.error().text();
    return version ? std::move(runtime) : nullptr;
  }
  Json bundle_config(const Invocation& invocation) {
    auto text = read_file(after(invocation.argv, "--bundle") + "/config.json");
    if (!text) {
      ADD_FAILURE() << text.error().text();
      return Json();
    }
    return Json::parse(*text, nullptr, false);
  }

  std::string scratch_;
  TargetContext context_;
};

}  // namespace

TEST_F(MeasuredTargets, IsobenchMakesItsContainersCgroupBelowTheMeasuringOne) {
  auto isobench = target("isobench");
  ASSERT_NE(isobench, nullptr);
  auto plain = isobench->invocation(mem_workload(), "run-1");
  auto measured = isobench->measured_invocation(mem_workload(), "run-1", "bench-run-1");
  ASSERT_TRUE(plain && measured);
  Strings expected = plain->argv;
  expected.insert(expected.begin() + 2, {"--cgroup-parent", "bench-run-1"});
  EXPECT_EQ(measured->argv, expected);
  EXPECT_EQ(measured->env, plain->env);
}

TEST_F(MeasuredTargets, AnIsobenchProfileWithoutACgroupLeavesTheWorkloadInTheMeasuringOne) {
  auto isobench = target("isobench:ns");
  ASSERT_NE(isobench, nullptr);
  auto plain = isobench->invocation(mem_workload(), "run-1");
  auto measured = isobench->measured_invocation(mem_workload(), "run-1", "bench-run-1");
  ASSERT_TRUE(plain && measured);
  EXPECT_EQ(measured->argv, plain->argv);
}

TEST_F(MeasuredTargets, BwrapRunsTheWorkloadAsPidOneSoThatItsOuterProcessReapsIt) {
  if (find_program("bwrap").empty()) GTEST_SKIP() << "bwrap is not installed";
  auto bwrap = target("bwrap");
  ASSERT_NE(bwrap, nullptr);
  ASSERT_TRUE(bwrap->probe());
  auto plain = bwrap->invocation(mem_workload(), "run-1");
  auto measured = bwrap->measured_invocation(mem_workload(), "run-1", "bench-run-1");
  ASSERT_TRUE(plain && measured);
  EXPECT_TRUE(has(plain->argv, "--as-pid-1")) << "bwrap's own reaper would be reaped outside the tree";
  EXPECT_TRUE(has(plain->argv, "--unshare-all"));
  EXPECT_EQ(measured->argv, plain->argv) << "bwrap makes no cgroup: it runs as in the timed rounds";
}

TEST_F(MeasuredTargets, OciRuntimesNameACgroupsPathBelowTheMeasuringOneInABundleOfTheRun) {
  for (const char* name : {"runc", "crun"}) {
    SCOPED_TRACE(name);
    auto runtime = oci_runtime(name);
    if (!runtime) continue;
    auto plain = runtime->invocation(mem_workload(), "isobench-1-0");
    auto first = runtime->measured_invocation(mem_workload(), "isobench-1-1", "bench-isobench-1-1");
    auto second = runtime->measured_invocation(mem_workload(), "isobench-1-2", "bench-isobench-1-2");
    ASSERT_TRUE(plain && first && second);
    Json plain_config = bundle_config(*plain), first_config = bundle_config(*first);
    EXPECT_FALSE(plain_config["linux"].contains("cgroupsPath")) << "timed rounds keep the runtime's default";
    EXPECT_EQ(first_config["linux"]["cgroupsPath"], "/isobench/bench-isobench-1-1/isobench-1-1");
    EXPECT_EQ(bundle_config(*second)["linux"]["cgroupsPath"], "/isobench/bench-isobench-1-2/isobench-1-2");
    first_config["linux"].erase("cgroupsPath");
    EXPECT_EQ(first_config, plain_config) << "the same container otherwise";
    EXPECT_NE(after(first->argv, "--bundle"), after(second->argv, "--bundle"));
    EXPECT_EQ(first->mount_namespace_fd, plain->mount_namespace_fd);
  }
}

TEST_F(MeasuredTargets, RuncAndCrunMeasuredBundlesAreByteIdentical) {
  auto runc = oci_runtime("runc");
  auto crun = oci_runtime("crun");
  if (!runc || !crun) GTEST_SKIP() << "needs runc and crun, and root";
  auto runc_run = runc->measured_invocation(mem_workload(), "isobench-1-1", "bench-isobench-1-1");
  auto crun_run = crun->measured_invocation(mem_workload(), "isobench-1-1", "bench-isobench-1-1");
  ASSERT_TRUE(runc_run && crun_run);
  auto runc_config = read_file(after(runc_run->argv, "--bundle") + "/config.json");
  auto crun_config = read_file(after(crun_run->argv, "--bundle") + "/config.json");
  ASSERT_TRUE(runc_config && crun_config);
  EXPECT_EQ(*runc_config, *crun_config);
}

}  // namespace isobench::bench
