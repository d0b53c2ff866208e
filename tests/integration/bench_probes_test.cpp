// `isobench bench --probes`: every measured run carries the probes' report for every target
// (bare, isobench, runc, crun, bwrap where installed), the cells aggregate them, and warmup
// and memory rounds are left unprobed.
#include <filesystem>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class BenchProbes : public IsobenchTest {
 protected:
  TemporaryDirectory dir_;
};

const Json* summary_of(const Json& doc, const std::string& target) {
  for (const Json& summary : doc["summaries"])
    if (summary["target"] == target) return &summary;
  return nullptr;
}

double median_of(const Json& summary, const std::string& name) {
  const Json& entry = summary["probes"]["medians"][name];
  return entry.is_object() && entry["median"].is_number() ? entry["median"].get<double>() : -1;
}

}  // namespace

TEST_F(BenchProbes, EveryTargetsRunsCarryTheLifecycleAndTheCellsAggregateIt) {
  std::string path = dir_.path() + "/results.json";
  ProcessResult result = run_isobench(
      {"bench", "--targets", "bare,isobench,runc,crun,bwrap", "--workloads", "syscall", "--param", "syscall.count=2000",
       "--runs", "2", "--warmup", "1", "--memory-runs", "1", "--probes", "all", "-o", path, "-q"},
      120s);
  ASSERT_EQ(result.exit_code, 0) << result;
  auto text = read_file(path);
  ASSERT_TRUE(text) << text.error().text();
  Json doc = parse_json(*text);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["settings"]["probes_requested"], "lifecycle,cpu,syscalls,memory,kvm");
  EXPECT_NE(result.out.find("From the kernel's side"), std::string::npos) << result;

  int measured = 0;
  for (const Json& run : doc["runs"]) {
    if (run.value("memory_round", false)) {
      EXPECT_FALSE(run.contains("probes")) << "memory rounds are not probed";
      continue;
    }
    ++measured;
    ASSERT_TRUE(run.contains("probes")) << run;
    EXPECT_EQ(run["probes"]["lifecycle"]["source"], "bpf");
    EXPECT_FALSE(run["probes"]["lifecycle"].contains("events")) << "per-run events stay out of the results";
  }
  EXPECT_GT(measured, 0);

  for (const Json& target : doc["targets"]) {
    if (target["available"] != true) continue;
    std::string name = target["name"];
    const Json* summary = summary_of(doc, name);
    ASSERT_NE(summary, nullptr) << name;
    ASSERT_TRUE(summary->contains("probes")) << name;
    EXPECT_EQ((*summary)["probes"]["runs"], 2) << name;
    EXPECT_GT(median_of(*summary, "phase.exec_ms"), 0) << name;
    EXPECT_GT(median_of(*summary, "phase.workload_ms"), 0) << name;
    EXPECT_NEAR(median_of(*summary, "syscalls.workload_calls"), 2000, 40) << name;
    // A bare process makes no namespace; every sandbox does.
    if (name == "bare")
      EXPECT_EQ(median_of(*summary, "phase.namespaces_ms"), 0);
    else
      EXPECT_GT(median_of(*summary, "phase.namespaces_ms"), 0) << name;
    bool getppid = false;
    for (const Json& call : (*summary)["probes"]["workload_syscalls"])
      if (call["syscall"] == "getppid") getppid = call["median_count"] == 2000;
    EXPECT_TRUE(getppid) << name << ": " << (*summary)["probes"]["workload_syscalls"];
  }
}

TEST_F(BenchProbes, AnUnknownProbeIsRefusedBeforeAnythingRuns) {
  std::string path = dir_.path() + "/results.json";
  ProcessResult result =
      run_isobench({"bench", "--targets", "bare", "--workloads", "noop", "--probes", "cpu,nope", "-o", path});
  EXPECT_EQ(result.exit_code, 125) << result;
  EXPECT_NE(result.err.find("unknown probe 'nope'"), std::string::npos) << result;
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace isobench::integration
