// What `isobench bench` calls a target's memory and CPU is the whole target's, for every
// target alike: the memory rounds' peak holds the workload's pages, and the CPU time holds
// the workload's own.
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

bool on_path(const std::string& program) {
  for (const char* dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
    if (access((std::string(dir) + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

/// bare and isobench, and whichever of runc, crun, bwrap, nspawn, lxc, podman and docker this host has.
std::string container_targets() {
  std::string targets = "bare,isobench";
  const std::pair<const char*, const char*> programs[] = {
      {"runc", "runc"},     {"crun", "crun"},     {"bwrap", "bwrap"}, {"systemd-nspawn", "nspawn"},
      {"lxc-execute", "lxc"}, {"podman", "podman"}, {"dockerd", "docker"}};
  for (const auto& [program, target] : programs)
    if (on_path(program)) targets += std::string(",") + target;
  return targets;
}

double number(const Json& run, const char* key) {
  return run.contains(key) && run[key].is_number() ? run[key].get<double>() : -1;
}

/// One bench of the mem and cpu workloads on every container target, shared by the tests.
class BenchWholeTarget : public IsobenchTest {
 protected:
  static void TearDownTestSuite() {
    delete doc_;
    delete scratch_;
    doc_ = nullptr;
    scratch_ = nullptr;
  }
  const Json& results() {
    if (!doc_) {
      scratch_ = new TemporaryDirectory;
      const std::string path = scratch_->path() + "/results.json";
      ProcessResult run = run_isobench({"bench", "--targets", container_targets(), "--workloads", "mem,cpu", "--runs",
                                        "2", "--warmup", "0", "--memory-runs", "2", "-o", path, "-q"},
                                       180s);
      auto text = read_file(path);
      doc_ = new Json(run.exit_code == 0 && text ? parse_json(*text) : Json());
      EXPECT_TRUE(doc_->is_object()) << run;
    }
    return *doc_;
  }
  static inline TemporaryDirectory* scratch_ = nullptr;
  static inline Json* doc_ = nullptr;
};

}  // namespace

TEST_F(BenchWholeTarget, EveryTargetsMemoryRoundPeakHoldsThePagesTheWorkloadWrote) {
  const Json& doc = results();
  ASSERT_TRUE(doc.is_object());
  std::vector<std::string> measured;
  for (const Json& run : doc["runs"]) {
    if (!run.value("memory_round", false) || run["workload"] != "mem") continue;
    const std::string target = run["target"];
    ASSERT_EQ(run["ok"], true) << run;
    // Both figures in every memory round: the part and the whole, for the overhead.
    double workload = number(run, "workload_peak_kib"), whole = number(run, "tree_peak_kib");
    ASSERT_GT(workload, 0) << run;
    ASSERT_GT(whole, 0) << run;
    // The 64 MiB the workload wrote are charged to the whole target, wherever its runtime
    // would put the workload's cgroup: the whole includes the part.
    const double written_kib = run["report"]["bytes_touched"].get<double>() / 1024;
    EXPECT_GE(whole, written_kib) << target << ": the whole target's peak misses the workload\n" << run;
    EXPECT_GE(whole, 0.9 * workload) << target << "\n" << run;
    if (std::find(measured.begin(), measured.end(), target) == measured.end()) measured.push_back(target);
  }
  std::istringstream requested(container_targets());
  for (std::string target; std::getline(requested, target, ',');)
    EXPECT_NE(std::find(measured.begin(), measured.end(), target), measured.end()) << target << " has no memory round";
}

TEST_F(BenchWholeTarget, EveryTargetsCpuTimeHoldsTheWorkloadsOwn) {
  const Json& doc = results();
  ASSERT_TRUE(doc.is_object());
  // The cpu workload does a fixed amount of work: bare's figure is the workload's own time,
  // whatever else the host runs meanwhile. Every sandbox adds to it; none may lose it.
  std::vector<double> bare;
  for (const Json& run : doc["runs"])
    if (run["target"] == "bare" && run["workload"] == "cpu" && !run.value("memory_round", false))
      bare.push_back(number(run, "cpu_user_ms") + number(run, "cpu_system_ms"));
  ASSERT_FALSE(bare.empty()) << doc["runs"];
  const double workload_ms = *std::min_element(bare.begin(), bare.end());
  ASSERT_GT(workload_ms, 10) << "the cpu workload should take some time";
  int checked = 0;
  for (const Json& run : doc["runs"]) {
    if (run["workload"] != "cpu" || run.value("memory_round", false)) continue;
    ASSERT_EQ(run["ok"], true) << run;
    const double cpu_ms = number(run, "cpu_user_ms") + number(run, "cpu_system_ms");
    EXPECT_GE(cpu_ms, 0.5 * workload_ms) << run["target"] << ": the workload's CPU time is not in the target's\n"
                                         << run;
    ++checked;
  }
  EXPECT_GE(checked, 4) << doc["runs"];
}

}  // namespace isobench::integration
