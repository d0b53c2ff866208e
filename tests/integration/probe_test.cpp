// `isobench probe`: the BPF probes seen end to end, on container starts, bare processes and
// a microVM, and their fallbacks when a feature is switched off. Needs root and BPF; the
// probe mounts tracefs itself when it is missing (and unmounts it: the fixture checks).
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class ProbeTest : public IsobenchTest {
 protected:
  /// `[env VARIABLE=VALUE] isobench probe OPTIONS --json FILE -- COMMAND...`, the document it wrote.
  Json probe(const std::vector<std::string>& command, ProcessResult& result,
             const std::vector<std::string>& options = {}, const std::string& environment = "") {
    std::string path = dir_.path() + "/probe.json";
    std::filesystem::remove(path);
    std::vector<std::string> argv;
    if (!environment.empty()) argv = {"/usr/bin/env", environment};
    argv.insert(argv.end(), {ISOBENCH_EXE, "probe"});
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"-o", path, "--"});
    argv.insert(argv.end(), command.begin(), command.end());
    result = run_process(argv, 60s);
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    return parse_json(text);
  }
  TemporaryDirectory dir_;
};

int count_if(const Json& events, const std::function<bool(const Json&)>& match) {
  int count = 0;
  for (const Json& event : events) count += match(event) ? 1 : 0;
  return count;
}

bool has_note(const Json& doc, const std::string& fragment) {
  for (const Json& note : doc["notes"])
    if (note.get<std::string>().find(fragment) != std::string::npos) return true;
  return false;
}

/// The workload's entry for `syscall` in the syscalls section, or null.
Json workload_syscall(const Json& doc, const std::string& syscall) {
  for (const Json& call : doc["syscalls"]["calls"])
    if (call["workload"] == true && call["syscall"] == syscall) return call;
  return nullptr;
}

}  // namespace

TEST_F(ProbeTest, AContainerStartShowsNamespacesPivotRootAndTheWorkloadsExecInOrder) {
  ProcessResult result;
  Json doc = probe({ISOBENCH_EXE, "run", "--", "/bin/noop"}, result);
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_TRUE(doc.is_object()) << result;
  EXPECT_EQ(doc["schema"], "isobench-probe/1");
  const Json& lifecycle = doc["lifecycle"];
  EXPECT_EQ(lifecycle["source"], "bpf");
  const Json& events = lifecycle["events"];
  // clone3 with new pid and mount namespaces (CLONE_NEWPID 0x20000000, CLONE_NEWNS 0x20000).
  EXPECT_GE(count_if(events,
                     [](const Json& e) {
                       return e.value("syscall", "") == "clone3" &&
                              (e["arg0"].get<uint64_t>() & 0x20020000) == 0x20020000;
                     }),
            1);
  EXPECT_GE(count_if(events, [](const Json& e) { return e.value("syscall", "") == "pivot_root"; }), 1);
  EXPECT_EQ(count_if(events, [](const Json& e) { return e["kind"] == "exec" && e["comm"] == "noop"; }), 1);
  EXPECT_GE(count_if(events, [](const Json& e) { return e["kind"] == "exit"; }), 2);
  // In that order: the namespaces, then pivot_root, then the exec of the workload, then its exit.
  auto first = [&](const std::function<bool(const Json&)>& match) {
    for (size_t i = 0; i < events.size(); ++i)
      if (match(events[i])) return static_cast<int>(i);
    return -1;
  };
  int clone = first([](const Json& e) { return e.value("creates_namespace", false); });
  int pivot = first([](const Json& e) { return e.value("syscall", "") == "pivot_root"; });
  int exec = first([](const Json& e) { return e["kind"] == "exec" && e["comm"] == "noop"; });
  int exit = first([&](const Json& e) { return e["kind"] == "exit" && e["comm"] == "noop"; });
  EXPECT_TRUE(clone >= 0 && clone < pivot && pivot < exec && exec < exit)
      << clone << " " << pivot << " " << exec << " " << exit;
  int64_t previous = -1;
  for (const Json& event : events) {
    EXPECT_GE(event["offset_ns"].get<int64_t>(), previous) << event;  // monotonic
    previous = event["offset_ns"].get<int64_t>();
  }
  const Json& phases = lifecycle["phases_ms"];
  EXPECT_GT(phases["namespaces"].get<double>(), 0);
  EXPECT_GT(phases["rootfs"].get<double>(), 0);
  double sum = 0;
  for (const char* phase :
       {"runtime_start", "namespaces", "rootfs", "cgroup", "other_setup", "exec", "workload", "teardown"})
    sum += phases[phase].get<double>();
  // Phases cover the run: launch to exit, within a small tolerance for what lies between them.
  EXPECT_NEAR(sum, phases["total"].get<double>(), 0.25 * phases["total"].get<double>());
}

TEST_F(ProbeTest, CgroupWritesAreTheirOwnPhaseAndVanishWithoutACgroup) {
  ProcessResult with, without;
  Json cgroup = probe({ISOBENCH_EXE, "run", "--", "/bin/noop"}, with, {"--probes", "lifecycle"});
  Json none = probe({ISOBENCH_EXE, "run", "--no-cgroup", "--", "/bin/noop"}, without, {"--probes", "lifecycle"});
  ASSERT_EQ(with.exit_code, 0) << with;
  ASSERT_EQ(without.exit_code, 0) << without;
  EXPECT_GT(cgroup["lifecycle"]["cgroup_operations"].get<int>(), 0);
  EXPECT_GT(cgroup["lifecycle"]["phases_ms"]["cgroup"].get<double>(), 0);
  EXPECT_GE(count_if(cgroup["lifecycle"]["events"], [](const Json& e) { return e.value("cgroup_operation", false); }),
            1);
  EXPECT_EQ(none["lifecycle"]["cgroup_operations"], 0);
  EXPECT_EQ(none["lifecycle"]["phases_ms"]["cgroup"].get<double>(), 0);
}

TEST_F(ProbeTest, ABareProcessHasNoNamespacePhase) {
  ProcessResult result;
  Json doc = probe({image_path() + "/bin/noop"}, result);
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_TRUE(doc.is_object()) << result;
  EXPECT_EQ(doc["lifecycle"]["namespace_syscalls"], 0);
  EXPECT_EQ(doc["lifecycle"]["phases_ms"]["namespaces"].get<double>(), 0);
  EXPECT_EQ(count_if(doc["lifecycle"]["events"], [](const Json& e) { return e["kind"] == "exec"; }), 1);
}

TEST_F(ProbeTest, TheSyscallProbeCountsTheWorkloadsCalls) {
  ProcessResult result;
  Json doc = probe({ISOBENCH_EXE, "run", "--", "/bin/syscall", "--count", "5000"}, result, {"--probes", "syscalls"});
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_EQ(doc["syscalls"]["source"], "bpf") << doc;
  Json getppid = workload_syscall(doc, "getppid");
  ASSERT_FALSE(getppid.is_null()) << doc["syscalls"];
  EXPECT_NEAR(getppid["count"].get<double>(), 5000, 3);
  EXPECT_EQ(getppid["errors"], 0);
  uint64_t in_histogram = 0;
  for (const Json& bucket : getppid["latency"]) in_histogram += bucket["count"].get<uint64_t>();
  EXPECT_EQ(in_histogram, getppid["count"].get<uint64_t>());
  // The runtime's own calls (mount, pivot_root...) are not the workload's.
  EXPECT_TRUE(workload_syscall(doc, "pivot_root").is_null());
  EXPECT_GT(doc["syscalls"]["runtime_calls"].get<uint64_t>(), 0);
}

TEST_F(ProbeTest, TheCpuProbesOnCpuTimeAgreesWithRusage) {
  ProcessResult result;
  Json doc = probe({image_path() + "/bin/cpu", "--iterations", "60000000"}, result, {"--probes", "cpu"});
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_EQ(doc["cpu"]["source"], "bpf") << doc;
  double probed = doc["cpu"]["on_cpu_ns"].get<double>();
  double rusage = doc["rusage"]["on_cpu_ns"].get<double>();
  ASSERT_GT(rusage, 20e6) << "the cpu workload should burn tens of milliseconds";
  // Usually within 1%; about one run in ten under this test binary differs by up to ~10 ms
  // either way, cause not yet found (README, Known limits). A broken probe is far outside.
  EXPECT_NEAR(probed, rusage, 0.15 * rusage + 2e6);
  ASSERT_FALSE(doc["cpu"]["tasks"].empty());
  EXPECT_EQ(doc["cpu"]["tasks"][0]["comm"], "cpu");
  // A CPU-bound thread on an idle machine may never be switched out before its exit, but it
  // waited on the run queue at least once: after its fork.
  EXPECT_GE(doc["cpu"]["run_queue_waits"].get<uint64_t>(), 1u);
}

TEST_F(ProbeTest, TheMemoryProbeSeesTheWorkloadsFaultsAndHighWater) {
  ProcessResult result;
  Json doc = probe({ISOBENCH_EXE, "run", "--", "/bin/mem", "--size", "32m"}, result, {"--probes", "memory"});
  ASSERT_EQ(result.exit_code, 0) << result;
  const Json& memory = doc["memory"];
  ASSERT_EQ(memory["source"], "bpf") << doc;
  // 32 MiB touched: at least 32 MiB resident at the peak, and one fault per 4 KiB page
  // (fewer only if the kernel used huge pages).
  EXPECT_GE(memory["workload_rss_high_water_kib"].get<uint64_t>(), 32u * 1024);
  Json workload;
  for (const Json& process : memory["processes"])
    if (process["workload"] == true) workload = process;
  ASSERT_FALSE(workload.is_null()) << memory;
  EXPECT_EQ(workload["comm"], "mem");
  EXPECT_GT(workload["minor_faults"].get<uint64_t>(), 1000u);
  EXPECT_GE(memory["minor_faults"].get<uint64_t>(), workload["minor_faults"].get<uint64_t>());
}

TEST_F(ProbeTest, ASwitchedOffTracepointFallsBackToRusageAndSaysSo) {
  ProcessResult result;
  Json doc =
      probe({ISOBENCH_EXE, "run", "--", "/bin/noop"}, result, {}, "ISOBENCH_DISABLE_BPF_FEATURES=sched/sched_switch");
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_TRUE(doc.is_object()) << result;
  EXPECT_NE(doc["cpu"]["source"].get<std::string>().find("rusage"), std::string::npos) << doc["cpu"];
  EXPECT_FALSE(doc["cpu"].contains("tasks"));
  EXPECT_TRUE(has_note(doc, "cpu probe off: tracepoint sched/sched_switch switched off")) << doc["notes"];
  EXPECT_EQ(doc["probes_active"], "lifecycle,syscalls,memory,kvm");
  // The rest carry on with BPF.
  EXPECT_EQ(doc["syscalls"]["source"], "bpf");
  EXPECT_EQ(doc["lifecycle"]["source"], "bpf");
  EXPECT_NE(result.err.find("note: cpu probe off"), std::string::npos) << result;
}

TEST_F(ProbeTest, WithoutBpfEveryFigureComesFromRusageOrTheWallClockAndIsLabelled) {
  ProcessResult result;
  Json doc = probe({ISOBENCH_EXE, "run", "--", "/bin/noop"}, result, {}, "ISOBENCH_DISABLE_BPF_FEATURES=bpf");
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_TRUE(doc.is_object()) << result;
  EXPECT_EQ(doc["probes_active"], "none");
  EXPECT_NE(doc["cpu"]["source"].get<std::string>().find("rusage"), std::string::npos);
  EXPECT_NE(doc["memory"]["source"].get<std::string>().find("rusage"), std::string::npos);
  EXPECT_NE(doc["lifecycle"]["source"].get<std::string>().find("wall clock"), std::string::npos);
  EXPECT_GT(doc["lifecycle"]["phases_ms"]["total"].get<double>(), 0);
  EXPECT_GT(doc["cpu"]["on_cpu_ns"].get<uint64_t>(), 0u);
  EXPECT_FALSE(doc.contains("syscalls"));
  EXPECT_FALSE(doc.contains("kvm"));
  EXPECT_TRUE(has_note(doc, "syscalls probe off: BPF switched off")) << doc["notes"];
  EXPECT_TRUE(has_note(doc, "(no fallback)")) << doc["notes"];
}

TEST_F(ProbeTest, AVmUnderTcgShowsQemuAndNoKvmExits) {
  ProcessResult result;
  Json doc = probe({ISOBENCH_EXE, "run", "--vm", "--", "/bin/noop"}, result, {"--probes", "lifecycle,kvm"});
  if (result.exit_code != 0 && result.err.find("no guest kernel") != std::string::npos)
    GTEST_SKIP() << "no QEMU or guest kernel here: " << result.err;
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_GE(count_if(doc["lifecycle"]["events"],
                     [](const Json& e) {
                       return e["kind"] == "exec" && e["comm"].get<std::string>().rfind("qemu-system", 0) == 0;
                     }),
            1);
  // This host's KVM cannot boot a guest, so the VM ran under TCG: no KVM exits, said so.
  if (doc["kvm"]["total_exits"] == 0) {
    EXPECT_NE(doc["kvm"]["note"].get<std::string>().find("TCG"), std::string::npos);
  }
}

TEST_F(ProbeTest, TheCommandsExitCodeIsTheProbesAndAMissingCommandIs127) {
  ProcessResult seven;
  probe({ISOBENCH_EXE, "run", "--", "/bin/inspect", "exit", "7"}, seven);
  EXPECT_EQ(seven.exit_code, 7) << seven;
  ProcessResult missing;
  probe({"/nonexistent/command"}, missing);
  EXPECT_EQ(missing.exit_code, 127) << missing;
}

TEST_F(ProbeTest, AnUnknownProbeIsRefusedBeforeAnythingRuns) {
  ProcessResult result;
  std::string marker = dir_.path() + "/ran";
  Json doc = probe({"/bin/touch", marker}, result, {"--probes", "lifecycle,gpu"});
  EXPECT_EQ(result.exit_code, 125) << result;
  EXPECT_NE(result.err.find("unknown probe 'gpu'"), std::string::npos) << result;
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_TRUE(doc.is_null());
}

TEST_F(ProbeTest, DoctorListsEveryProbe) {
  ProcessResult result = run_isobench({"doctor", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result;
  Json checks = parse_json(result.out);
  std::vector<std::string> probes;
  for (const Json& check : checks["checks"])
    if (check["area"] == "probes") probes.push_back(check["name"]);
  EXPECT_EQ(probes, (std::vector<std::string>{"lifecycle", "cpu", "syscalls", "memory", "kvm"}));
}

}  // namespace isobench::integration
