// A cell's probe reports, aggregated: medians of each figure labelled with their source,
// BPF-only phases kept apart from the wall-clock fallback, histograms merged, workload
// syscalls per name; then the aggregate as JSON (probe_table_test.cpp: the terminal table
// and the cell summaries).
#include "reports/probe_aggregate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "reports/cell_summary.h"
#include "reports/probe_json.h"
#include "reports/terminal_table.h"
#include "tests/fakes/probe_reports.h"

namespace isobench::reports {
namespace {

using namespace samples;

// --- aggregate_probe_reports ---------------------------------------------------------------

TEST(PhaseNames, FollowAStartFromTheRuntimeToTheTotal) {
  EXPECT_EQ(phase_names(), (Strings{"runtime_start", "namespaces", "rootfs", "cgroup", "other_setup", "exec",
                                    "workload", "teardown", "total"}));
}

TEST(AggregateProbeReports, NoReportsGiveNoMedians) {
  ProbeAggregate result = aggregate({});
  EXPECT_EQ(result.runs, 0);
  EXPECT_TRUE(result.medians.empty());
  EXPECT_TRUE(result.workload_syscalls.empty());
  EXPECT_TRUE(result.kvm_exits_by_reason.empty());
  EXPECT_EQ(result.run_queue_latency.total(), 0u);
  EXPECT_TRUE(std::isnan(result.median("phase.total_ms")));
}

TEST(AggregateProbeReports, CountsEveryReportAsARun) {
  EXPECT_EQ(aggregate({ProbeReport{}, ProbeReport{}, ProbeReport{}}).runs, 3);
}

TEST(AggregateProbeReports, EveryBpfPhaseIsTheMedianOfItsOwnFigure) {
  ProbeAggregate result = aggregate({sample_report(10), sample_report(30), sample_report(20)});
  const double offsets[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  ASSERT_EQ(phase_names().size(), std::size(offsets));
  for (size_t i = 0; i < phase_names().size(); ++i) {
    const std::string name = "phase." + phase_names()[i] + "_ms";
    const NamedMedian* entry = find_median(result, name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_DOUBLE_EQ(entry->median, 20 + offsets[i]) << name;
    EXPECT_EQ(entry->source, probes::kSourceBpf) << name;
  }
}

TEST(AggregateProbeReports, AnEvenNumberOfRunsTakesTheMidpoint) {
  ProbeAggregate result = aggregate({sample_report(10), sample_report(20)});
  EXPECT_DOUBLE_EQ(result.median("phase.namespaces_ms"), 15.2);
}

TEST(AggregateProbeReports, TheWallClockFallbackGivesOnlyTheTotal) {
  std::vector<ProbeReport> reports(3);
  reports[0].lifecycle = wall_clock_lifecycle(7);
  reports[1].lifecycle = wall_clock_lifecycle(5);
  reports[2].lifecycle = wall_clock_lifecycle(9);
  ProbeAggregate result = aggregate(reports);
  EXPECT_EQ(median_names(result), (Strings{"phase.total_ms"}));
  const NamedMedian* total = find_median(result, "phase.total_ms");
  ASSERT_NE(total, nullptr);
  EXPECT_DOUBLE_EQ(total->median, 7);
  EXPECT_EQ(total->source, kWallClock);
  EXPECT_TRUE(std::isnan(result.median("phase.namespaces_ms")));
  EXPECT_TRUE(std::isnan(result.median("phase.runtime_start_ms")));
}

TEST(AggregateProbeReports, PhasesOtherThanTheTotalComeFromBpfRunsOnly) {
  // One run traced, two on the wall clock alone (their phases are zero, not measured).
  std::vector<ProbeReport> reports(3);
  reports[0].lifecycle = bpf_lifecycle(4);
  reports[1].lifecycle = wall_clock_lifecycle(1);
  reports[2].lifecycle = wall_clock_lifecycle(2);
  ProbeAggregate result = aggregate(reports);
  EXPECT_DOUBLE_EQ(result.median("phase.namespaces_ms"), 4.2);
  EXPECT_DOUBLE_EQ(result.median("phase.teardown_ms"), 4.8);
  EXPECT_DOUBLE_EQ(result.median("phase.total_ms"), 2);  // of 4.9, 1 and 2
}

TEST(AggregateProbeReports, CpuFiguresAreMediansInMillisecondsAndCounts) {
  ProbeAggregate result = aggregate({sample_report(1), sample_report(5), sample_report(3)});
  EXPECT_DOUBLE_EQ(result.median("cpu.on_cpu_ms"), 3);
  EXPECT_DOUBLE_EQ(result.median("cpu.voluntary_switches"), 9);
  EXPECT_DOUBLE_EQ(result.median("cpu.involuntary_switches"), 3);
  EXPECT_DOUBLE_EQ(result.median("cpu.run_queue_ms"), 0.3);
  const NamedMedian* on_cpu = find_median(result, "cpu.on_cpu_ms");
  ASSERT_NE(on_cpu, nullptr);
  EXPECT_EQ(on_cpu->source, probes::kSourceBpf);
}

TEST(AggregateProbeReports, RusageCpuHasNoRunQueueFigureAndSaysItsSource) {
  std::vector<ProbeReport> reports(2);
  reports[0].cpu = rusage_cpu(2'000'000);
  reports[1].cpu = rusage_cpu(4'000'000);
  reports[1].cpu->run_queue_ns = 9'000'000;  // not measured by rusage: must not be shown
  ProbeAggregate result = aggregate(reports);
  EXPECT_DOUBLE_EQ(result.median("cpu.on_cpu_ms"), 3);
  const NamedMedian* on_cpu = find_median(result, "cpu.on_cpu_ms");
  ASSERT_NE(on_cpu, nullptr);
  EXPECT_EQ(on_cpu->source, probes::kSourceRusage);
  EXPECT_EQ(find_median(result, "cpu.run_queue_ms"), nullptr);
  EXPECT_TRUE(std::isnan(result.median("cpu.run_queue_ms")));
}

TEST(AggregateProbeReports, RunQueueMedianIgnoresRunsWithRusageCpu) {
  std::vector<ProbeReport> reports(3);
  reports[0].cpu = bpf_cpu(1'000'000, 6'000'000);
  reports[1].cpu = rusage_cpu(1'000'000);
  reports[2].cpu = rusage_cpu(1'000'000);
  EXPECT_DOUBLE_EQ(aggregate(reports).median("cpu.run_queue_ms"), 6);
}

TEST(AggregateProbeReports, SyscallMemoryAndKvmFiguresAreMedians) {
  ProbeAggregate result = aggregate({sample_report(2), sample_report(4), sample_report(8)});
  EXPECT_DOUBLE_EQ(result.median("syscalls.workload_calls"), 40);
  EXPECT_DOUBLE_EQ(result.median("syscalls.runtime_calls"), 8);
  EXPECT_DOUBLE_EQ(result.median("memory.minor_faults"), 400);
  EXPECT_DOUBLE_EQ(result.median("memory.major_faults"), 4);
  EXPECT_DOUBLE_EQ(result.median("memory.rss_high_water_kib"), 4000);
  EXPECT_DOUBLE_EQ(result.median("memory.workload_rss_high_water_kib"), 2000);
  EXPECT_DOUBLE_EQ(result.median("kvm.exits"), 12);
}

TEST(AggregateProbeReports, EveryNamedFigureIsPresentWhenEverySectionIs) {
  Strings names = median_names(aggregate({sample_report(1)}));
  Strings expected;
  for (const std::string& phase : phase_names()) expected.push_back("phase." + phase + "_ms");
  for (const char* name :
       {"cpu.on_cpu_ms", "cpu.voluntary_switches", "cpu.involuntary_switches", "cpu.run_queue_ms",
        "syscalls.workload_calls", "syscalls.runtime_calls", "memory.minor_faults", "memory.major_faults",
        "memory.rss_high_water_kib", "memory.workload_rss_high_water_kib", "kvm.exits"})
    expected.push_back(name);
  std::sort(names.begin(), names.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
}

TEST(AggregateProbeReports, ASectionMissingFromSomeRunsIsTheMedianOfTheRunsThatHaveIt) {
  std::vector<ProbeReport> reports = {sample_report(1), sample_report(3), sample_report(100)};
  reports[2].memory.reset();
  reports[2].kvm.reset();
  ProbeAggregate result = aggregate(reports);
  EXPECT_DOUBLE_EQ(result.median("memory.minor_faults"), 200);  // of 100 and 300, not 0
  EXPECT_DOUBLE_EQ(result.median("kvm.exits"), 6);
  EXPECT_DOUBLE_EQ(result.median("cpu.on_cpu_ms"), 3);  // still over all three
}

TEST(AggregateProbeReports, WorkloadRssOnlyFromRunsThatFoundTheWorkload) {
  std::vector<ProbeReport> reports = {sample_report(1), sample_report(2), sample_report(3)};
  reports[0].memory->workload_rss_high_water_kib.reset();
  ProbeAggregate result = aggregate(reports);
  EXPECT_DOUBLE_EQ(result.median("memory.workload_rss_high_water_kib"), 1250);  // of 1000 and 1500
  EXPECT_DOUBLE_EQ(result.median("memory.rss_high_water_kib"), 2000);

  reports[1].memory->workload_rss_high_water_kib.reset();
  reports[2].memory->workload_rss_high_water_kib.reset();
  EXPECT_EQ(find_median(aggregate(reports), "memory.workload_rss_high_water_kib"), nullptr);
}

TEST(AggregateProbeReports, MedianOfAnUnknownNameIsNan) {
  ProbeAggregate result = aggregate({sample_report(1)});
  EXPECT_TRUE(std::isnan(result.median("phase.nothing_ms")));
  EXPECT_TRUE(std::isnan(result.median("")));
  EXPECT_FALSE(std::isnan(result.median("phase.total_ms")));
}

TEST(AggregateProbeReports, RunQueueHistogramsAreMergedBucketByBucket) {
  std::vector<ProbeReport> reports(2);
  reports[0].cpu = bpf_cpu(0, 0);
  reports[0].cpu->run_queue_latency.buckets = {1, 0, 2};
  reports[1].cpu = bpf_cpu(0, 0);
  reports[1].cpu->run_queue_latency.buckets = {0, 4, 1, 0, 7};
  EXPECT_EQ(aggregate(reports).run_queue_latency.buckets, (std::vector<uint64_t>{1, 4, 3, 0, 7}));
}

TEST(AggregateProbeReports, KvmExitsAreSummedByReason) {
  std::vector<ProbeReport> reports = {sample_report(1), sample_report(2), ProbeReport{}};
  reports[1].kvm->exits_by_reason["EPT_VIOLATION"] = 5;
  ProbeAggregate result = aggregate(reports);
  EXPECT_EQ(result.kvm_exits_by_reason, (std::map<std::string, uint64_t>{{"EPT_VIOLATION", 5}, {"HLT", 3}, {"IO", 6}}));
}

TEST(AggregateProbeReports, WorkloadSyscallsLeaveOutTheRuntimesCalls) {
  std::vector<ProbeReport> reports = {
      with_syscalls({call("read", true, 4), call("mount", false, 9), call("pivot_root", false, 1)})};
  ProbeAggregate result = aggregate(reports);
  ASSERT_EQ(result.workload_syscalls.size(), 1u);
  EXPECT_EQ(result.workload_syscalls[0].name, "read");
}

TEST(AggregateProbeReports, ASyscallsMedianCountsRunsWithoutItAsZero) {
  // write: 30, 40 and absent -> 0, 30, 40: the median is 30 (35 if the absent run were skipped).
  std::vector<ProbeReport> reports = {with_syscalls({call("write", true, 30)}),
                                      with_syscalls({call("write", true, 40)}), with_syscalls({call("read", true, 1)})};
  ProbeAggregate result = aggregate(reports);
  const SyscallAggregate* write = nullptr;
  for (const SyscallAggregate& entry : result.workload_syscalls)
    if (entry.name == "write") write = &entry;
  ASSERT_NE(write, nullptr);
  EXPECT_DOUBLE_EQ(write->median_count, 30);
  EXPECT_EQ(write->total_count, 70u);
}

TEST(AggregateProbeReports, ARunWithoutASyscallSectionCountsAsZeroCalls) {
  std::vector<ProbeReport> reports = {with_syscalls({call("read", true, 8)}), ProbeReport{}, ProbeReport{}};
  ProbeAggregate result = aggregate(reports);
  ASSERT_EQ(result.workload_syscalls.size(), 1u);
  EXPECT_DOUBLE_EQ(result.workload_syscalls[0].median_count, 0);
  EXPECT_EQ(result.workload_syscalls[0].total_count, 8u);
}

TEST(AggregateProbeReports, ASyscallOfSeveralWorkloadProcessesIsSummedWithinTheRun) {
  // Run 1: read by two processes, 5 + 7 = 12; runs 2 and 3: 2 and 4. Median 4.
  probes::SyscallCount other_process = call("read", true, 7);
  other_process.tgid = 102;
  std::vector<ProbeReport> reports = {with_syscalls({call("read", true, 5), other_process}),
                                      with_syscalls({call("read", true, 2)}), with_syscalls({call("read", true, 4)})};
  ProbeAggregate result = aggregate(reports);
  ASSERT_EQ(result.workload_syscalls.size(), 1u);
  EXPECT_DOUBLE_EQ(result.workload_syscalls[0].median_count, 4);
  EXPECT_EQ(result.workload_syscalls[0].total_count, 18u);
}

TEST(AggregateProbeReports, SyscallLatenciesAreMergedOverTheRuns) {
  std::vector<ProbeReport> reports = {with_syscalls({call("read", true, 3, 2)}),
                                      with_syscalls({call("read", true, 5, 4)})};
  ProbeAggregate result = aggregate(reports);
  ASSERT_EQ(result.workload_syscalls.size(), 1u);
  EXPECT_EQ(result.workload_syscalls[0].latency.buckets, (std::vector<uint64_t>{0, 0, 3, 0, 5}));
}

TEST(AggregateProbeReports, WorkloadSyscallsAreSortedByTotalCountLargestFirst) {
  std::vector<ProbeReport> reports = {
      with_syscalls({call("close", true, 1), call("read", true, 10), call("write", true, 50)}),
      with_syscalls({call("close", true, 2), call("read", true, 60), call("openat", true, 30)})};
  Strings order;
  for (const SyscallAggregate& entry : aggregate(reports).workload_syscalls) order.push_back(entry.name);
  EXPECT_EQ(order, (Strings{"read", "write", "openat", "close"}));
}

TEST(AggregateProbeReports, NotesAppearOnceInTheOrderFirstSeen) {
  std::vector<ProbeReport> reports(3);
  reports[0].notes = {"kvm probe off: no KVM", "syscalls: fallback"};
  reports[1].notes = {"syscalls: fallback", "cpu: partial"};
  reports[2].notes = {"kvm probe off: no KVM"};
  EXPECT_EQ(aggregate(reports).notes, (Strings{"kvm probe off: no KVM", "syscalls: fallback", "cpu: partial"}));
}

// --- probe_aggregate_to_json ---------------------------------------------------------------

TEST(ProbeAggregateJson, HasTheDocumentedKeysInOrder) {
  Json json = probe_aggregate_to_json(aggregate({sample_report(1)}));
  Strings keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys,
            (Strings{"runs", "medians", "run_queue_latency", "workload_syscalls", "kvm_exits_by_reason", "notes"}));
}

TEST(ProbeAggregateJson, EachMedianCarriesItsValueAndSource) {
  std::vector<ProbeReport> reports(2);
  reports[0].cpu = rusage_cpu(1'000'000);
  reports[1].cpu = rusage_cpu(2'000'000);
  Json json = probe_aggregate_to_json(aggregate(reports));
  EXPECT_EQ(json["runs"], 2);
  ASSERT_TRUE(json["medians"].contains("cpu.on_cpu_ms")) << json.dump();
  EXPECT_DOUBLE_EQ(json["medians"]["cpu.on_cpu_ms"]["median"].get<double>(), 1.5);
  EXPECT_EQ(json["medians"]["cpu.on_cpu_ms"]["source"], probes::kSourceRusage);
  EXPECT_FALSE(json["medians"].contains("cpu.run_queue_ms"));
  EXPECT_FALSE(json["medians"].contains("phase.total_ms"));
}

TEST(ProbeAggregateJson, ANanMedianIsWrittenAsNull) {
  ProbeAggregate aggregate;
  aggregate.runs = 1;
  aggregate.medians.push_back({"cpu.on_cpu_ms", probes::kSourceBpf, NAN});
  aggregate.medians.push_back({"kvm.exits", probes::kSourceBpf, INFINITY});
  Json json = probe_aggregate_to_json(aggregate);
  EXPECT_TRUE(json["medians"]["cpu.on_cpu_ms"]["median"].is_null()) << json.dump();
  EXPECT_TRUE(json["medians"]["kvm.exits"]["median"].is_null()) << json.dump();
  EXPECT_EQ(json["medians"]["cpu.on_cpu_ms"]["source"], probes::kSourceBpf);
  std::string text = json.dump();
  EXPECT_EQ(text.find("NaN"), std::string::npos) << text;
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  EXPECT_EQ(text.find("inf"), std::string::npos) << text;
}

TEST(ProbeAggregateJson, HistogramsLeaveOutEmptyBuckets) {
  std::vector<ProbeReport> reports = {with_syscalls({call("read", true, 3, 1)})};
  reports[0].cpu = bpf_cpu(0, 0);
  reports[0].cpu->run_queue_latency.buckets = {0, 2, 0, 5, 0};
  Json json = probe_aggregate_to_json(aggregate(reports));
  EXPECT_EQ(json["run_queue_latency"], Json::parse(R"([{"le_ns": 4.0, "count": 2}, {"le_ns": 16.0, "count": 5}])"));
  ASSERT_EQ(json["workload_syscalls"].size(), 1u);
  EXPECT_EQ(json["workload_syscalls"][0]["latency"], Json::parse(R"([{"le_ns": 4.0, "count": 3}])"));
}

TEST(ProbeAggregateJson, WorkloadSyscallsKeepTheirOrderAndFigures) {
  std::vector<ProbeReport> reports = {with_syscalls({call("read", true, 2), call("write", true, 9)}),
                                      with_syscalls({call("write", true, 11)})};
  Json json = probe_aggregate_to_json(aggregate(reports));
  ASSERT_EQ(json["workload_syscalls"].size(), 2u) << json.dump();
  EXPECT_EQ(json["workload_syscalls"][0]["syscall"], "write");
  EXPECT_DOUBLE_EQ(json["workload_syscalls"][0]["median_count"].get<double>(), 10);
  EXPECT_EQ(json["workload_syscalls"][0]["total_count"], 20);
  EXPECT_EQ(json["workload_syscalls"][1]["syscall"], "read");
  EXPECT_DOUBLE_EQ(json["workload_syscalls"][1]["median_count"].get<double>(), 1);
}

TEST(ProbeAggregateJson, KvmExitsAndNotesAreCopied) {
  std::vector<ProbeReport> reports = {sample_report(1), sample_report(2)};
  reports[0].notes = {"memory probe off: no BTF"};
  reports[1].notes = {"memory probe off: no BTF"};
  Json json = probe_aggregate_to_json(aggregate(reports));
  EXPECT_EQ(json["kvm_exits_by_reason"], Json::parse(R"({"HLT": 3, "IO": 6})"));
  EXPECT_EQ(json["notes"], Json::parse(R"(["memory probe off: no BTF"])"));
}

TEST(ProbeAggregateJson, AnEmptyAggregateHasEmptyContainersNotNulls) {
  Json json = probe_aggregate_to_json(aggregate({}));
  EXPECT_EQ(json["runs"], 0);
  EXPECT_TRUE(json["medians"].is_object());
  EXPECT_TRUE(json["medians"].empty());
  EXPECT_TRUE(json["run_queue_latency"].is_array());
  EXPECT_TRUE(json["workload_syscalls"].is_array());
  EXPECT_TRUE(json["kvm_exits_by_reason"].is_object());
  EXPECT_TRUE(json["notes"].is_array());
}

}  // namespace
}  // namespace isobench::reports
