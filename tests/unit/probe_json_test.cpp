// Reading a probe report back from its JSON (reports/probe_json.h): what the encoder writes
// decodes to a report that encodes to the same document, and what it never writes (wrong
// types, negative counts, a histogram bound that is no bucket's) is an Error naming the
// path, never an exception. The encoder's own tests are in probe_render_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "reports/probe_json.h"

namespace isobench::reports {
namespace {

using nlohmann::json;

constexpr const char* kWhere = "runs[3].probes";

probes::SyscallCount syscall_count(const std::string& name, int64_t nr, uint32_t tgid, bool workload) {
  probes::SyscallCount call;
  call.name = name;
  call.nr = nr;
  call.tgid = tgid;
  call.workload = workload;
  call.count = 40;
  call.errors = 2;
  call.total_ns = 80'000;
  call.max_ns = 9'000;
  call.latency.buckets = {0, 0, 5, 0, 30, 5};
  return call;
}

/// Every section, every field the encoder writes set to something other than its default,
/// with the extremes of each type: a uint64 past 2^63, the largest pid, a negative nr, and
/// the highest and lowest histogram buckets.
probes::ProbeReport full_report() {
  probes::ProbeReport report;
  probes::LifecycleFigures lifecycle;
  lifecycle.source = probes::kSourceBpf;
  lifecycle.phases = {.runtime_start_ms = 1.5,
                      .namespaces_ms = 0.25,
                      .rootfs_ms = 2.125,
                      .cgroup_ms = 0.1,
                      .other_setup_ms = 3,
                      .exec_ms = 0.75,
                      .workload_ms = 7,
                      .teardown_ms = 5,
                      .total_ms = 19.725,
                      .namespace_syscalls = 3,
                      .cgroup_operations = 4};
  report.lifecycle = lifecycle;

  probes::CpuFigures cpu;
  cpu.source = probes::kSourceBpf;
  cpu.on_cpu_ns = 18'446'744'073'709'551'615u;
  cpu.voluntary_switches = 9;
  cpu.involuntary_switches = 2;
  cpu.run_queue_ns = 300'000;
  cpu.run_queue_waits = 5;
  cpu.run_queue_latency.buckets.assign(63, 0);
  cpu.run_queue_latency.buckets[0] = 1;   // le_ns 2
  cpu.run_queue_latency.buckets[62] = 7;  // le_ns 2^63
  cpu.tasks = {{4'294'967'295u, "noop", 3'000'000, 100'000, 2, 4, 1}, {100, "crun", 1'000'000, 200'000, 3, 5, 1}};
  report.cpu = cpu;

  probes::SyscallFigures syscalls;
  syscalls.source = probes::kSourceBpf;
  syscalls.calls = {syscall_count("read", 0, 101, true), syscall_count("syscall -1", -1, 100, false),
                    syscall_count("clone3", 435, 100, false)};
  syscalls.workload_calls = 40;
  syscalls.runtime_calls = 80;
  report.syscalls = syscalls;

  probes::MemoryFigures memory;
  memory.source = probes::kSourceBpf;
  memory.minor_faults = 600;
  memory.major_faults = 1;
  memory.rss_high_water_kib = 8192;
  memory.workload_rss_high_water_kib = 1024;
  memory.processes = {{100, "crun", 500, 1, 8192, false}, {101, "noop", 100, 0, 1024, true}};
  report.memory = memory;

  probes::KvmFigures kvm;
  kvm.source = probes::kSourceBpf;
  kvm.exits_by_reason = {{"EPT_VIOLATION", 1200}, {"HLT", 30}, {"IO_INSTRUCTION", 512}};
  kvm.total_exits = 1742;
  kvm.note = "guest exits counted from kvm:kvm_exit";
  report.kvm = kvm;

  report.notes = {"syscalls: raw_syscalls/sys_exit switched off (ISOBENCH_DISABLE_BPF_FEATURES)",
                  "memory: rss from rusage"};
  return report;
}

/// The encoding as a results file holds it: written as text and parsed, so the decoder sees
/// the types a reader of the file gets (le_ns as floating point, counts as unsigned).
json encoded(const probes::ProbeReport& report) {
  return json::parse(probe_report_to_json(report, false).dump());
}

/// The full report's encoding with one value replaced, at a JSON pointer.
json with(const std::string& pointer, const json& value) {
  json document = encoded(full_report());
  document[json::json_pointer(pointer)] = value;
  return document;
}

/// The full report's encoding with one key removed from the object at `pointer`.
json without(const std::string& pointer, const std::string& key) {
  json document = encoded(full_report());
  document[json::json_pointer(pointer)].erase(key);
  return document;
}

/// The decoder's error for `document`; fails the test when it decodes.
std::string error_of(const json& document) {
  auto decoded = probe_report_from_json(document, kWhere);
  EXPECT_FALSE(decoded.ok()) << document.dump();
  return decoded.ok() ? std::string() : decoded.error().message;
}

std::string histogram_error_of(const json& histogram) {
  auto decoded = histogram_from_json(histogram, "h");
  EXPECT_FALSE(decoded.ok()) << histogram.dump();
  return decoded.ok() ? std::string() : decoded.error().message;
}

// ---- round trips ----

TEST(ProbeJsonRoundTrip, AFullyPopulatedReportEncodesTheSameAfterDecoding) {
  json document = encoded(full_report());
  auto decoded = probe_report_from_json(document, kWhere);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(encoded(*decoded), document);
}

TEST(ProbeJsonRoundTrip, TheDecodedReportHoldsTheFiguresThemselves) {
  auto decoded = probe_report_from_json(encoded(full_report()), kWhere);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const probes::ProbeReport& report = *decoded;
  ASSERT_TRUE(report.lifecycle && report.cpu && report.syscalls && report.memory && report.kvm);
  EXPECT_EQ(report.lifecycle->phases.rootfs_ms, 2.125);
  EXPECT_EQ(report.lifecycle->phases.cgroup_operations, 4);
  EXPECT_EQ(report.cpu->on_cpu_ns, 18'446'744'073'709'551'615u);
  EXPECT_EQ(report.cpu->run_queue_latency.buckets.size(), 63u);
  EXPECT_EQ(report.cpu->run_queue_latency.buckets[62], 7u);
  ASSERT_EQ(report.cpu->tasks.size(), 2u);
  EXPECT_EQ(report.cpu->tasks[0].pid, 4'294'967'295u);
  ASSERT_EQ(report.syscalls->calls.size(), 3u);
  EXPECT_EQ(report.syscalls->calls[1].nr, -1);
  EXPECT_EQ(report.syscalls->calls[0].latency.buckets, (std::vector<uint64_t>{0, 0, 5, 0, 30, 5}));
  EXPECT_EQ(report.memory->workload_rss_high_water_kib, 1024u);
  EXPECT_TRUE(report.memory->processes[1].workload);
  EXPECT_EQ(report.kvm->exits_by_reason.at("EPT_VIOLATION"), 1200u);
  EXPECT_EQ(report.kvm->note, "guest exits counted from kvm:kvm_exit");
  EXPECT_EQ(report.notes, full_report().notes);
}

TEST(ProbeJsonRoundTrip, AnEmptyReportComesBackWithNoSections) {
  json document = encoded(probes::ProbeReport{});
  auto decoded = probe_report_from_json(document, kWhere);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_FALSE(decoded->lifecycle || decoded->cpu || decoded->syscalls || decoded->memory || decoded->kvm);
  EXPECT_TRUE(decoded->notes.empty());
  EXPECT_EQ(encoded(*decoded), document);
}

TEST(ProbeJsonRoundTrip, RusageSectionsNeedNotHaveTheBpfOnlyFields) {
  probes::ProbeReport report = full_report();
  report.cpu->source = probes::kSourceRusage;
  report.memory->source = probes::kSourceRusage;
  report.memory->workload_rss_high_water_kib.reset();
  report.kvm->note.clear();
  json document = encoded(report);
  ASSERT_FALSE(document["cpu"].contains("tasks"));
  ASSERT_FALSE(document["memory"].contains("processes"));
  auto decoded = probe_report_from_json(document, kWhere);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_FALSE(decoded->memory->workload_rss_high_water_kib);
  EXPECT_EQ(encoded(*decoded), document);
}

TEST(ProbeJsonRoundTrip, TheProbeCommandsEventsAndOtherKeysAreIgnored) {
  json document = json::parse(probe_report_to_json(full_report(), true).dump());
  document["schema"] = kProbeSchema;
  document["lifecycle"]["events"] = json::array({{{"kind", "exec"}, {"offset_ns", 5}}});
  auto decoded = probe_report_from_json(document, kWhere);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(decoded->lifecycle->events.empty());
  EXPECT_EQ(encoded(*decoded), encoded(full_report()));
}

TEST(ProbeJsonRoundTrip, AHistogramComesBackBucketForBucket) {
  probes::Log2Histogram histogram;
  for (size_t i = 0; i < 63; i += 3) histogram.add(i, i + 1);
  json document = json::parse(histogram_to_json(histogram).dump());
  auto decoded = histogram_from_json(document, "h");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->buckets, histogram.buckets);
}

TEST(ProbeJsonRoundTrip, HistogramBoundsMayBeIntegersAndInAnyOrder) {
  auto decoded = histogram_from_json(json::parse(R"([{"le_ns": 16, "count": 2}, {"le_ns": 4.0, "count": 3}])"), "h");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->buckets, (std::vector<uint64_t>{0, 3, 0, 2}));
}

// ---- refused input: each error names the path ----

TEST(ProbeJsonDecode, RefusesAReportThatIsNotAnObject) {
  for (const json& value : {json::array(), json("probes"), json(3), json(nullptr)})
    EXPECT_EQ(error_of(value).rfind("runs[3].probes is not an object", 0), 0u) << value.dump();
}

TEST(ProbeJsonDecode, RefusesASectionThatIsNotAnObject) {
  EXPECT_EQ(error_of(with("/cpu", json::array())), "runs[3].probes.cpu is not an object (got a JSON array)");
  EXPECT_EQ(error_of(with("/kvm", "none")), "runs[3].probes.kvm is not an object (got a JSON string)");
}

TEST(ProbeJsonDecode, RefusesANegativeCount) {
  EXPECT_EQ(error_of(with("/cpu/on_cpu_ns", -1)),
            "runs[3].probes.cpu.on_cpu_ns is not a non-negative integer (got -1)");
  EXPECT_EQ(error_of(with("/syscalls/calls/2/errors", -5)),
            "runs[3].probes.syscalls.calls[2].errors is not a non-negative integer (got -5)");
  EXPECT_EQ(error_of(with("/kvm/exits_by_reason/HLT", -30)),
            "runs[3].probes.kvm.exits_by_reason.HLT is not a non-negative integer (got -30)");
}

TEST(ProbeJsonDecode, RefusesCountsOfTheWrongType) {
  EXPECT_EQ(error_of(with("/cpu/on_cpu_ns", "4000")),
            "runs[3].probes.cpu.on_cpu_ns is not a non-negative integer (got a JSON string)");
  EXPECT_EQ(error_of(with("/memory/minor_faults", 1.5)),
            "runs[3].probes.memory.minor_faults is not a non-negative integer (got 1.5)");
  // Past uint64, nlohmann reads a number as floating point: no count either.
  EXPECT_EQ(error_of(json::parse(R"({"notes": [], "kvm": {"source": "bpf", "exits_by_reason": {},
                                      "total_exits": 18446744073709551616}})")),
            "runs[3].probes.kvm.total_exits is not a non-negative integer (got 1.8446744073709552e+19)");
}

TEST(ProbeJsonDecode, RefusesPidsBeyondThirtyTwoBits) {
  EXPECT_EQ(error_of(with("/cpu/tasks/0/pid", 4'294'967'296u)),
            "runs[3].probes.cpu.tasks[0].pid is not an integer from 0 to 4294967295 (got 4294967296)");
  EXPECT_EQ(error_of(with("/memory/processes/1/tgid", -1)),
            "runs[3].probes.memory.processes[1].tgid is not an integer from 0 to 4294967295 (got -1)");
}

TEST(ProbeJsonDecode, RefusesFieldsOfTheWrongType) {
  EXPECT_EQ(error_of(with("/cpu/source", 1)), "runs[3].probes.cpu.source is not a string (got 1)");
  EXPECT_EQ(error_of(with("/syscalls/calls/0/workload", "yes")),
            "runs[3].probes.syscalls.calls[0].workload is not true or false (got a JSON string)");
  EXPECT_EQ(error_of(with("/syscalls/calls/0/nr", 1e3)),
            "runs[3].probes.syscalls.calls[0].nr is not a 64-bit integer (got 1000.0)");
  EXPECT_EQ(error_of(with("/syscalls/calls", json::object())),
            "runs[3].probes.syscalls.calls is not an array (got a JSON object)");
  EXPECT_EQ(error_of(with("/syscalls/calls/1", 7)), "runs[3].probes.syscalls.calls[1] is not an object (got 7)");
  EXPECT_EQ(error_of(with("/notes/1", false)), "runs[3].probes.notes[1] is not a string (got false)");
  EXPECT_EQ(error_of(with("/kvm/note", nullptr)), "runs[3].probes.kvm.note is not a string (got null)");
  EXPECT_EQ(error_of(with("/memory/workload_rss_high_water_kib", nullptr)),
            "runs[3].probes.memory.workload_rss_high_water_kib is not a non-negative integer (got null)");
  EXPECT_EQ(error_of(with("/lifecycle/namespace_syscalls", 2'147'483'648u)),
            "runs[3].probes.lifecycle.namespace_syscalls is not an integer from 0 to 2147483647 (got 2147483648)");
}

TEST(ProbeJsonDecode, RefusesPhasesThatAreNegativeOrNotNumbers) {
  EXPECT_EQ(error_of(with("/lifecycle/phases_ms/rootfs", -0.5)),
            "runs[3].probes.lifecycle.phases_ms.rootfs is not a non-negative number of milliseconds (got -0.5)");
  EXPECT_EQ(error_of(with("/lifecycle/phases_ms/total", nullptr)),
            "runs[3].probes.lifecycle.phases_ms.total is not a non-negative number of milliseconds (got null)");
  EXPECT_EQ(error_of(with("/lifecycle/phases_ms", 20)), "runs[3].probes.lifecycle.phases_ms is not an object (got 20)");
}

TEST(ProbeJsonDecode, RefusesAFieldTheEncoderAlwaysWritesWhenItIsMissing) {
  EXPECT_EQ(error_of(without("", "notes")), "runs[3].probes.notes is missing");
  EXPECT_EQ(error_of(without("/lifecycle/phases_ms", "exec")), "runs[3].probes.lifecycle.phases_ms.exec is missing");
  EXPECT_EQ(error_of(without("/syscalls/calls/2", "latency")), "runs[3].probes.syscalls.calls[2].latency is missing");
  EXPECT_EQ(error_of(without("/kvm", "exits_by_reason")), "runs[3].probes.kvm.exits_by_reason is missing");
}

TEST(ProbeJsonDecode, RefusesABpfSectionWithoutItsBpfOnlyFields) {
  EXPECT_EQ(error_of(without("/cpu", "run_queue_latency")), "runs[3].probes.cpu.run_queue_latency is missing");
  EXPECT_EQ(error_of(without("/memory", "processes")), "runs[3].probes.memory.processes is missing");
}

TEST(ProbeJsonDecode, ChecksBpfOnlyFieldsEvenWhenTheSourceIsNotBpf) {
  json document = with("/cpu/source", probes::kSourceRusage);
  document["cpu"]["run_queue_ns"] = "lots";
  EXPECT_EQ(error_of(document), "runs[3].probes.cpu.run_queue_ns is not a non-negative integer (got a JSON string)");
}

TEST(ProbeJsonDecode, RefusesABadHistogramInsideTheReport) {
  EXPECT_EQ(error_of(with("/syscalls/calls/1/latency/0/le_ns", 3.0)),
            "runs[3].probes.syscalls.calls[1].latency[0].le_ns is not a power of two from 2 to 2^63 (got 3.0)");
  EXPECT_EQ(error_of(with("/cpu/run_queue_latency", json::object())),
            "runs[3].probes.cpu.run_queue_latency is not an array of histogram buckets (got a JSON object)");
}

TEST(ProbeJsonDecode, NeverThrowsOnValuesOfAnyType) {
  const json odd[] = {nullptr, true, -1, 1.5, "x", json::array(), json::object(), json::array({json::object()})};
  const char* pointers[] = {"/lifecycle",
                            "/lifecycle/source",
                            "/lifecycle/phases_ms/exec",
                            "/cpu/tasks",
                            "/cpu/tasks/0",
                            "/cpu/run_queue_latency/0",
                            "/syscalls/calls/0/latency/0/count",
                            "/memory/processes/0/comm",
                            "/kvm/exits_by_reason",
                            "/notes"};
  for (const char* pointer : pointers)
    for (const json& value : odd) {
      json document = with(pointer, value);
      EXPECT_NO_THROW((void)probe_report_from_json(document, kWhere)) << pointer << " = " << value.dump();
    }
}

// ---- histograms ----

TEST(ProbeJsonHistogramDecode, RefusesBoundsThatAreNoBucketsUpperBound) {
  // 1 = 2^0 would be bucket -1; 2^64 is past the last; the rest are not powers of two.
  for (const char* bound :
       {"1", "1.0", "0", "-4", "3", "6.0", "0.5", "18446744073709551616", "1e300", "true", "\"8\""}) {
    json histogram = json::parse(std::string(R"([{"le_ns": )") + bound + R"(, "count": 1}])");
    EXPECT_EQ(histogram_error_of(histogram).rfind("h[0].le_ns is not a power of two from 2 to 2^63", 0), 0u) << bound;
  }
}

TEST(ProbeJsonHistogramDecode, RefusesAnIntegerBoundJustPastAPowerOfTwo) {
  // As a double, 2^63 + 1 rounds to 2^63: integers are checked exactly.
  json histogram = json::array({{{"le_ns", 9'223'372'036'854'775'809u}, {"count", 1}}});
  EXPECT_EQ(histogram_error_of(histogram), "h[0].le_ns is not a power of two from 2 to 2^63 (got 9223372036854775809)");
}

TEST(ProbeJsonHistogramDecode, AcceptsTheLowestAndHighestBounds) {
  json histogram = json::array({{{"le_ns", 2}, {"count", 1}}, {{"le_ns", 9'223'372'036'854'775'808u}, {"count", 2}}});
  auto decoded = histogram_from_json(histogram, "h");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->buckets.size(), 63u);
  EXPECT_EQ(decoded->buckets.front(), 1u);
  EXPECT_EQ(decoded->buckets.back(), 2u);
}

TEST(ProbeJsonHistogramDecode, RefusesTheSameBucketTwice) {
  EXPECT_EQ(histogram_error_of(json::parse(R"([{"le_ns": 4.0, "count": 1}, {"le_ns": 4, "count": 2}])")),
            "h[1].le_ns 4 appears twice in h");
}

TEST(ProbeJsonHistogramDecode, RefusesBucketsThatAreNotObjectsOrLackAField) {
  EXPECT_EQ(histogram_error_of(json::parse("[4]")), "h[0] is not an object (got 4)");
  EXPECT_EQ(histogram_error_of(json::parse(R"([{"count": 1}])")), "h[0].le_ns is missing");
  EXPECT_EQ(histogram_error_of(json::parse(R"([{"le_ns": 4.0}])")), "h[0].count is missing");
  EXPECT_EQ(histogram_error_of(json::parse(R"([{"le_ns": 4.0, "count": -2}])")),
            "h[0].count is not a non-negative integer (got -2)");
  EXPECT_EQ(histogram_error_of(json::parse(R"({"le_ns": 4.0, "count": 1})")),
            "h is not an array of histogram buckets (got a JSON object)");
}

TEST(ProbeJsonHistogramDecode, AZeroCountAddsNoBucket) {
  auto decoded = histogram_from_json(json::parse(R"([{"le_ns": 1024.0, "count": 0}])"), "h");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(decoded->buckets.empty());
}

}  // namespace
}  // namespace isobench::reports
