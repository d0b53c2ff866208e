// The two renderings of a ProbeReport: JSON (isobench probe --json, and each bench run's
// "probes") and the terminal text. Every section present says its source; what only BPF can
// measure is left out when the figures come from rusage.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "reports/probe_json.h"
#include "reports/probe_text.h"

namespace isobench::reports {
namespace {

using Json = nlohmann::ordered_json;
using probes::LifecycleEvent;
using Kind = LifecycleEvent::Kind;

constexpr int64_t kLaunchNs = 5'000'000'000;

LifecycleEvent lifecycle_event(Kind kind, int64_t offset_ns, uint32_t pid, const std::string& comm) {
  LifecycleEvent event;
  event.kind = kind;
  event.timestamp_ns = kLaunchNs + offset_ns;
  event.pid = pid;
  event.tgid = pid;
  event.comm = comm;
  return event;
}

LifecycleEvent syscall_event(int64_t offset_ns, uint32_t pid, int64_t nr, uint64_t arg0, int64_t duration_ns) {
  LifecycleEvent event = lifecycle_event(Kind::kSyscall, offset_ns, pid, "crun");
  event.syscall_nr = nr;
  event.arg0 = arg0;
  event.duration_ns = duration_ns;
  return event;
}

probes::SyscallCount syscall_count(const std::string& name, int64_t nr, bool workload, uint64_t count) {
  probes::SyscallCount call;
  call.tgid = workload ? 101 : 100;
  call.nr = nr;
  call.name = name;
  call.workload = workload;
  call.count = count;
  call.errors = 1;
  call.total_ns = count * 2000;
  call.max_ns = 9000;
  call.latency.add(10, count);
  return call;
}

/// A container run: crun (pid 100) forks into new namespaces, writes a cgroup file, and the
/// workload "noop" (pid 101) runs; every probe from BPF, and a note of a fallback taken.
probes::ProbeReport sample_report() {
  probes::ProbeReport report;
  report.launch_ns = kLaunchNs;
  report.end_ns = kLaunchNs + 20'000'000;

  probes::LifecycleFigures lifecycle;
  lifecycle.source = probes::kSourceBpf;
  LifecycleEvent fork = lifecycle_event(Kind::kFork, 3'000'000, 101, "crun");
  fork.parent_pid = 100;
  LifecycleEvent cgroup_write = syscall_event(1'000'000, 100, 1, 0, 250'000);
  cgroup_write.cgroup_operation = true;
  LifecycleEvent exec = lifecycle_event(Kind::kExec, 8'000'000, 101, "noop");
  LifecycleEvent exit = lifecycle_event(Kind::kExit, 15'000'000, 101, "noop");
  exit.ret = 0x100;
  lifecycle.events = {cgroup_write, syscall_event(2'000'000, 100, 435, 0x20020000, 1'000'000), fork, exec, exit};
  lifecycle.phases.runtime_start_ms = 1;
  lifecycle.phases.namespaces_ms = 1;
  lifecycle.phases.cgroup_ms = 0.25;
  lifecycle.phases.other_setup_ms = 5.75;
  lifecycle.phases.exec_ms = 0.5;
  lifecycle.phases.workload_ms = 7;
  lifecycle.phases.teardown_ms = 5;
  lifecycle.phases.total_ms = 20;
  lifecycle.phases.workload_pid = 101;
  lifecycle.phases.namespace_syscalls = 1;
  lifecycle.phases.cgroup_operations = 1;
  report.lifecycle = lifecycle;

  probes::CpuFigures cpu;
  cpu.source = probes::kSourceBpf;
  cpu.on_cpu_ns = 4'000'000;
  cpu.voluntary_switches = 9;
  cpu.involuntary_switches = 2;
  cpu.run_queue_ns = 300'000;
  cpu.run_queue_waits = 5;
  cpu.run_queue_latency.buckets = {0, 3, 0, 2, 0};
  cpu.tasks = {{101, "noop", 3'000'000, 100'000, 2, 4, 1}, {100, "crun", 1'000'000, 200'000, 3, 5, 1}};
  report.cpu = cpu;

  probes::SyscallFigures syscalls;
  syscalls.source = probes::kSourceBpf;
  syscalls.calls = {syscall_count("read", 0, true, 40), syscall_count("pivot_root", 155, false, 1),
                    syscall_count("write", 1, true, 3)};
  syscalls.workload_calls = 43;
  syscalls.runtime_calls = 1;
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
  kvm.note = "no KVM guest ran: the target is a container";
  report.kvm = kvm;

  report.notes = {"syscalls: raw_syscalls/sys_exit switched off (ISOBENCH_DISABLE_BPF_FEATURES)"};
  return report;
}

/// The sample with its cpu and memory sections as the rusage fallback gives them.
probes::ProbeReport rusage_report() {
  probes::ProbeReport report = sample_report();
  report.cpu->source = probes::kSourceRusage;
  report.memory->source = probes::kSourceRusage;
  report.memory->workload_rss_high_water_kib.reset();
  return report;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

/// The one line holding `needle` (and `also`, when given); fails the test unless exactly one does.
std::string line_with(const std::string& text, const std::string& needle, const std::string& also = "") {
  std::string found;
  int matches = 0;
  for (const std::string& line : lines_of(text))
    if (contains(line, needle) && contains(line, also)) {
      found = line;
      ++matches;
    }
  EXPECT_EQ(matches, 1) << "lines with '" << needle << "' and '" << also << "' in:\n" << text;
  return found;
}

// ---- histogram_to_json ----

TEST(ProbeJsonHistogram, DropsEmptyBucketsAndGivesEachItsUpperBound) {
  probes::Log2Histogram histogram;
  histogram.buckets = {0, 3, 0, 2, 0, 0};
  Json json = histogram_to_json(histogram);
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["le_ns"].get<double>(), 4.0);  // bucket 1: [2, 4)
  EXPECT_EQ(json[0]["count"].get<uint64_t>(), 3u);
  EXPECT_EQ(json[1]["le_ns"].get<double>(), 16.0);  // bucket 3: [8, 16)
  EXPECT_EQ(json[1]["count"].get<uint64_t>(), 2u);
}

TEST(ProbeJsonHistogram, BucketIHasUpperBoundTwoToTheIPlusOne) {
  probes::Log2Histogram histogram;
  for (size_t i = 0; i < 40; ++i) histogram.add(i, i + 1);
  Json json = histogram_to_json(histogram);
  ASSERT_EQ(json.size(), 40u);
  for (size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(json[i]["le_ns"].get<double>(), static_cast<double>(uint64_t{1} << (i + 1))) << i;
    EXPECT_EQ(json[i]["count"].get<uint64_t>(), i + 1) << i;
  }
}

TEST(ProbeJsonHistogram, AnEmptyHistogramIsAnEmptyArray) {
  EXPECT_EQ(histogram_to_json(probes::Log2Histogram{}), Json::array());
  probes::Log2Histogram zeros;
  zeros.buckets = {0, 0, 0};
  EXPECT_EQ(histogram_to_json(zeros), Json::array());
}

// ---- probe_report_to_json ----

TEST(ProbeJson, EveryPresentSectionHasItsSource) {
  Json json = probe_report_to_json(sample_report(), false);
  for (const char* section : {"lifecycle", "cpu", "syscalls", "memory", "kvm"}) {
    ASSERT_TRUE(json.contains(section)) << section;
    EXPECT_EQ(json[section]["source"], probes::kSourceBpf) << section;
  }
}

TEST(ProbeJson, AbsentSectionsAreLeftOutButNotesAlwaysAppear) {
  probes::ProbeReport report;
  report.cpu = probes::CpuFigures{};
  report.cpu->source = probes::kSourceRusage;
  Json json = probe_report_to_json(report, true);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"cpu", "notes"}));
  EXPECT_EQ(json["notes"], Json::array());
  EXPECT_EQ(json["cpu"]["source"], probes::kSourceRusage);
}

TEST(ProbeJson, LifecycleHasThePhasesInMillisecondsAndTheCounts) {
  Json lifecycle = probe_report_to_json(sample_report(), false)["lifecycle"];
  const Json& phases = lifecycle["phases_ms"];
  EXPECT_EQ(phases["runtime_start"].get<double>(), 1.0);
  EXPECT_EQ(phases["namespaces"].get<double>(), 1.0);
  EXPECT_EQ(phases["rootfs"].get<double>(), 0.0);
  EXPECT_EQ(phases["cgroup"].get<double>(), 0.25);
  EXPECT_EQ(phases["other_setup"].get<double>(), 5.75);
  EXPECT_EQ(phases["exec"].get<double>(), 0.5);
  EXPECT_EQ(phases["workload"].get<double>(), 7.0);
  EXPECT_EQ(phases["teardown"].get<double>(), 5.0);
  EXPECT_EQ(phases["total"].get<double>(), 20.0);
  EXPECT_EQ(phases.size(), 9u);
  EXPECT_EQ(lifecycle["namespace_syscalls"].get<int>(), 1);
  EXPECT_EQ(lifecycle["cgroup_operations"].get<int>(), 1);
}

TEST(ProbeJson, LifecycleEventsOnlyWhenAskedFor) {
  EXPECT_FALSE(probe_report_to_json(sample_report(), false)["lifecycle"].contains("events"));
  Json events = probe_report_to_json(sample_report(), true)["lifecycle"]["events"];
  ASSERT_TRUE(events.is_array());
  EXPECT_EQ(events.size(), 5u);
}

TEST(ProbeJson, EventsAreOffsetsFromLaunchWithKindSpecificFields) {
  Json events = probe_report_to_json(sample_report(), true)["lifecycle"]["events"];
  ASSERT_EQ(events.size(), 5u);

  const Json& cgroup_write = events[0];
  EXPECT_EQ(cgroup_write["kind"], "syscall");
  EXPECT_EQ(cgroup_write["offset_ns"].get<int64_t>(), 1'000'000);
  EXPECT_EQ(cgroup_write["pid"].get<uint32_t>(), 100u);
  EXPECT_EQ(cgroup_write["comm"], "crun");
  EXPECT_EQ(cgroup_write["syscall"], "write");
  EXPECT_EQ(cgroup_write["duration_ns"].get<int64_t>(), 250'000);
  EXPECT_EQ(cgroup_write["cgroup_operation"], true);
  EXPECT_EQ(cgroup_write["creates_namespace"], false);

  const Json& clone = events[1];
  EXPECT_EQ(clone["syscall"], "clone3");
  EXPECT_EQ(clone["arg0"].get<uint64_t>(), 0x20020000u);
  EXPECT_EQ(clone["creates_namespace"], true);
  EXPECT_EQ(clone["cgroup_operation"], false);

  const Json& fork = events[2];
  EXPECT_EQ(fork["kind"], "fork");
  EXPECT_EQ(fork["parent_pid"].get<uint32_t>(), 100u);
  EXPECT_FALSE(fork.contains("syscall"));
  EXPECT_FALSE(fork.contains("exit_code"));

  const Json& exec = events[3];
  EXPECT_EQ(exec["kind"], "exec");
  EXPECT_EQ(exec["comm"], "noop");
  EXPECT_FALSE(exec.contains("parent_pid"));

  const Json& exit = events[4];
  EXPECT_EQ(exit["kind"], "exit");
  EXPECT_EQ(exit["offset_ns"].get<int64_t>(), 15'000'000);
  EXPECT_EQ(exit["exit_code"].get<int64_t>(), 0x100);
  EXPECT_FALSE(exit.contains("syscall"));
}

TEST(ProbeJson, BpfCpuHasTheRunQueueAndEachTask) {
  Json cpu = probe_report_to_json(sample_report(), false)["cpu"];
  EXPECT_EQ(cpu["on_cpu_ns"].get<uint64_t>(), 4'000'000u);
  EXPECT_EQ(cpu["voluntary_switches"].get<uint64_t>(), 9u);
  EXPECT_EQ(cpu["involuntary_switches"].get<uint64_t>(), 2u);
  EXPECT_EQ(cpu["run_queue_ns"].get<uint64_t>(), 300'000u);
  EXPECT_EQ(cpu["run_queue_waits"].get<uint64_t>(), 5u);
  EXPECT_EQ(cpu["run_queue_latency"], histogram_to_json(sample_report().cpu->run_queue_latency));
  EXPECT_EQ(cpu["run_queue_latency"].size(), 2u);
  ASSERT_EQ(cpu["tasks"].size(), 2u);
  const Json& first = cpu["tasks"][0];
  EXPECT_EQ(first["pid"].get<uint32_t>(), 101u);
  EXPECT_EQ(first["comm"], "noop");
  EXPECT_EQ(first["on_cpu_ns"].get<uint64_t>(), 3'000'000u);
  EXPECT_EQ(first["run_queue_ns"].get<uint64_t>(), 100'000u);
  EXPECT_EQ(first["run_queue_waits"].get<uint64_t>(), 2u);
  EXPECT_EQ(first["voluntary_switches"].get<uint64_t>(), 4u);
  EXPECT_EQ(first["involuntary_switches"].get<uint64_t>(), 1u);
  EXPECT_EQ(cpu["tasks"][1]["comm"], "crun");
}

TEST(ProbeJson, RusageCpuHasNoTasksOrRunQueue) {
  Json cpu = probe_report_to_json(rusage_report(), false)["cpu"];
  EXPECT_EQ(cpu["source"], probes::kSourceRusage);
  EXPECT_EQ(cpu["on_cpu_ns"].get<uint64_t>(), 4'000'000u);
  EXPECT_EQ(cpu["voluntary_switches"].get<uint64_t>(), 9u);
  EXPECT_EQ(cpu["involuntary_switches"].get<uint64_t>(), 2u);
  EXPECT_FALSE(cpu.contains("tasks"));
  EXPECT_FALSE(cpu.contains("run_queue_latency"));
  EXPECT_FALSE(cpu.contains("run_queue_ns"));
  EXPECT_FALSE(cpu.contains("run_queue_waits"));
}

TEST(ProbeJson, SyscallsListEveryCallWithItsLatency) {
  Json syscalls = probe_report_to_json(sample_report(), false)["syscalls"];
  EXPECT_EQ(syscalls["workload_calls"].get<uint64_t>(), 43u);
  EXPECT_EQ(syscalls["runtime_calls"].get<uint64_t>(), 1u);
  ASSERT_EQ(syscalls["calls"].size(), 3u);
  const Json& read = syscalls["calls"][0];
  EXPECT_EQ(read["syscall"], "read");
  EXPECT_EQ(read["nr"].get<int64_t>(), 0);
  EXPECT_EQ(read["tgid"].get<uint32_t>(), 101u);
  EXPECT_EQ(read["workload"], true);
  EXPECT_EQ(read["count"].get<uint64_t>(), 40u);
  EXPECT_EQ(read["errors"].get<uint64_t>(), 1u);
  EXPECT_EQ(read["total_ns"].get<uint64_t>(), 80'000u);
  EXPECT_EQ(read["max_ns"].get<uint64_t>(), 9000u);
  ASSERT_EQ(read["latency"].size(), 1u);
  EXPECT_EQ(read["latency"][0]["le_ns"].get<double>(), 2048.0);
  EXPECT_EQ(read["latency"][0]["count"].get<uint64_t>(), 40u);
  const Json& pivot_root = syscalls["calls"][1];
  EXPECT_EQ(pivot_root["syscall"], "pivot_root");
  EXPECT_EQ(pivot_root["workload"], false);
  EXPECT_EQ(pivot_root["tgid"].get<uint32_t>(), 100u);
}

TEST(ProbeJson, BpfMemoryHasEachProcessAndTheWorkloadHighWater) {
  Json memory = probe_report_to_json(sample_report(), false)["memory"];
  EXPECT_EQ(memory["minor_faults"].get<uint64_t>(), 600u);
  EXPECT_EQ(memory["major_faults"].get<uint64_t>(), 1u);
  EXPECT_EQ(memory["rss_high_water_kib"].get<uint64_t>(), 8192u);
  EXPECT_EQ(memory["workload_rss_high_water_kib"].get<uint64_t>(), 1024u);
  ASSERT_EQ(memory["processes"].size(), 2u);
  const Json& runtime = memory["processes"][0];
  EXPECT_EQ(runtime["tgid"].get<uint32_t>(), 100u);
  EXPECT_EQ(runtime["comm"], "crun");
  EXPECT_EQ(runtime["workload"], false);
  EXPECT_EQ(runtime["minor_faults"].get<uint64_t>(), 500u);
  EXPECT_EQ(runtime["major_faults"].get<uint64_t>(), 1u);
  EXPECT_EQ(runtime["rss_high_water_kib"].get<uint64_t>(), 8192u);
  const Json& workload = memory["processes"][1];
  EXPECT_EQ(workload["comm"], "noop");
  EXPECT_EQ(workload["workload"], true);
  EXPECT_EQ(workload["rss_high_water_kib"].get<uint64_t>(), 1024u);
}

TEST(ProbeJson, RusageMemoryHasNoProcessesAndNoWorkloadHighWaterItCannotKnow) {
  Json memory = probe_report_to_json(rusage_report(), false)["memory"];
  EXPECT_EQ(memory["source"], probes::kSourceRusage);
  EXPECT_EQ(memory["rss_high_water_kib"].get<uint64_t>(), 8192u);
  EXPECT_FALSE(memory.contains("processes"));
  EXPECT_FALSE(memory.contains("workload_rss_high_water_kib"));
}

TEST(ProbeJson, KvmWithNoExitsCarriesItsNote) {
  Json kvm = probe_report_to_json(sample_report(), false)["kvm"];
  EXPECT_EQ(kvm["total_exits"].get<uint64_t>(), 0u);
  EXPECT_EQ(kvm["exits_by_reason"], Json::object());
  EXPECT_EQ(kvm["note"], "no KVM guest ran: the target is a container");
}

TEST(ProbeJson, KvmExitsAreByReasonAndTheNoteOnlyWhenThereIsOne) {
  probes::ProbeReport report;
  report.kvm = probes::KvmFigures{};
  report.kvm->source = probes::kSourceBpf;
  report.kvm->exits_by_reason = {{"HLT", 3}, {"IO_INSTRUCTION", 40}};
  report.kvm->total_exits = 43;
  Json kvm = probe_report_to_json(report, false)["kvm"];
  EXPECT_EQ(kvm["total_exits"].get<uint64_t>(), 43u);
  EXPECT_EQ(kvm["exits_by_reason"]["HLT"].get<uint64_t>(), 3u);
  EXPECT_EQ(kvm["exits_by_reason"]["IO_INSTRUCTION"].get<uint64_t>(), 40u);
  EXPECT_FALSE(kvm.contains("note"));
}

TEST(ProbeJson, NotesAreCopiedInOrder) {
  probes::ProbeReport report = sample_report();
  report.notes.push_back("kvm: no KVM guest in this run");
  Json notes = probe_report_to_json(report, false)["notes"];
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], report.notes[0]);
  EXPECT_EQ(notes[1], "kvm: no KVM guest in this run");
}

// ---- render_probe_report ----

TEST(ProbeText, EachSectionHeaderNamesItsSource) {
  std::string text = render_probe_report(sample_report(), false);
  EXPECT_TRUE(contains(text, "Startup phases (ms, source: bpf)")) << text;
  EXPECT_TRUE(contains(text, "CPU (source: bpf)")) << text;
  EXPECT_TRUE(contains(text, "Syscalls (source: bpf): workload 43 calls, runtime and other processes 1")) << text;
  EXPECT_TRUE(contains(text, "Memory (source: bpf)")) << text;
  EXPECT_TRUE(contains(text, "KVM exits (source: bpf): 0")) << text;
}

TEST(ProbeText, SectionsComeInAFixedOrder) {
  std::string text = render_probe_report(sample_report(), false);
  size_t phases = text.find("Startup phases"), cpu = text.find("CPU ("), syscalls = text.find("Syscalls ("),
         memory = text.find("Memory ("), kvm = text.find("KVM exits"), note = text.find("note: ");
  ASSERT_NE(note, std::string::npos) << text;
  EXPECT_LT(phases, cpu);
  EXPECT_LT(cpu, syscalls);
  EXPECT_LT(syscalls, memory);
  EXPECT_LT(memory, kvm);
  EXPECT_LT(kvm, note);
}

TEST(ProbeText, BpfLifecycleShowsEveryPhaseAndTheCgroupOperations) {
  std::string text = render_probe_report(sample_report(), false);
  EXPECT_TRUE(contains(text, "cgroup 0.250 (1 ops)")) << text;
  EXPECT_TRUE(contains(text, "namespaces 1.000 (1 calls)")) << text;
  EXPECT_TRUE(contains(text, "total 20.000")) << text;
}

TEST(ProbeText, EventsOnlyWhenAskedForWithCgroupAndNamespaceCallsMarked) {
  EXPECT_FALSE(contains(render_probe_report(sample_report(), false), "Process tree")) << "no events asked for";
  std::string text = render_probe_report(sample_report(), true);
  EXPECT_TRUE(contains(text, "Process tree and isolation syscalls (5 events, source: bpf)")) << text;
  EXPECT_TRUE(contains(line_with(text, "(cgroup)"), "write ")) << text;
  EXPECT_TRUE(contains(line_with(text, "clone3"), "(new namespaces)")) << text;
  EXPECT_TRUE(contains(line_with(text, "fork   from 100"), "3.000 ms")) << text;
}

TEST(ProbeText, ListsTheWorkloadSyscallsOnly) {
  std::string text = render_probe_report(sample_report(), false);
  std::string read = line_with(text, "read ");
  EXPECT_TRUE(contains(read, "40 calls")) << read;
  EXPECT_TRUE(contains(read, "mean     2.000 us")) << read;
  EXPECT_TRUE(contains(read, "p99 <= 2 us")) << read;
  EXPECT_TRUE(contains(text, "  write ")) << text;
  EXPECT_FALSE(contains(text, "pivot_root")) << text;
}

TEST(ProbeText, ListsAtMostTenWorkloadSyscalls) {
  probes::ProbeReport report;
  report.syscalls = probes::SyscallFigures{};
  report.syscalls->source = probes::kSourceBpf;
  for (int i = 0; i < 12; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "call_%02d", i);
    report.syscalls->calls.push_back(syscall_count(name, 500 + i, true, 100 - i));
  }
  std::string text = render_probe_report(report, false);
  for (int i = 0; i < 10; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "call_%02d", i);
    EXPECT_TRUE(contains(text, name)) << name << " in:\n" << text;
  }
  EXPECT_FALSE(contains(text, "call_10")) << text;
  EXPECT_FALSE(contains(text, "call_11")) << text;
  EXPECT_EQ(lines_of(text).size(), 11u) << text;  // the header and ten calls
}

TEST(ProbeText, RuntimeCallsDoNotUseUpTheTenPlaces) {
  probes::ProbeReport report;
  report.syscalls = probes::SyscallFigures{};
  report.syscalls->source = probes::kSourceBpf;
  for (int i = 0; i < 10; ++i) report.syscalls->calls.push_back(syscall_count("runtime_call", 600 + i, false, 50));
  report.syscalls->calls.push_back(syscall_count("workload_call", 700, true, 1));
  std::string text = render_probe_report(report, false);
  EXPECT_TRUE(contains(text, "workload_call")) << text;
  EXPECT_FALSE(contains(text, "runtime_call")) << text;
}

TEST(ProbeText, MarksTheWorkloadProcess) {
  std::string text = render_probe_report(sample_report(), false);
  EXPECT_TRUE(contains(line_with(text, " noop ", " minor "), "(workload)")) << text;
  EXPECT_FALSE(contains(line_with(text, " crun ", " minor "), "(workload)")) << text;
  EXPECT_EQ(line_with(text, "(workload)"), line_with(text, " noop ", " minor ")) << text;
  EXPECT_TRUE(contains(text, "RSS high-water 8.0 MiB (largest process)")) << text;
}

TEST(ProbeText, ShowsTheKvmNoteAndEveryReportNote) {
  probes::ProbeReport report = sample_report();
  report.notes.push_back("cpu: falling back to rusage");
  std::string text = render_probe_report(report, false);
  EXPECT_TRUE(contains(text, "  no KVM guest ran: the target is a container\n")) << text;
  EXPECT_TRUE(contains(text, "note: syscalls: raw_syscalls/sys_exit switched off (ISOBENCH_DISABLE_BPF_FEATURES)\n"))
      << text;
  EXPECT_TRUE(contains(text, "note: cpu: falling back to rusage\n")) << text;
}

TEST(ProbeText, BpfCpuShowsTheRunQueueAndTheTasks) {
  std::string text = render_probe_report(sample_report(), false);
  EXPECT_TRUE(contains(text, "on-CPU 4.000 ms, 9 voluntary and 2 involuntary context switches")) << text;
  // run queue latency: 3 values <= 4 ns, 2 values <= 16 ns
  EXPECT_TRUE(contains(text, "run queue: 0.300 ms waiting over 5 waits; latency p50 <= 4 ns, p99 <= 16 ns")) << text;
  EXPECT_TRUE(contains(line_with(text, " noop ", "on-CPU"), "3.000 ms")) << text;
}

TEST(ProbeText, RusageSectionsNameTheirSourceAndShowNoBpfOnlyFigures) {
  std::string text = render_probe_report(rusage_report(), false);
  EXPECT_TRUE(contains(text, std::string("CPU (source: ") + probes::kSourceRusage + ")")) << text;
  EXPECT_TRUE(contains(text, std::string("Memory (source: ") + probes::kSourceRusage + ")")) << text;
  EXPECT_FALSE(contains(text, "run queue")) << text;
}

TEST(ProbeText, ANonBpfLifecycleShowsOnlyTheTotal) {
  probes::ProbeReport report = sample_report();
  report.lifecycle->source = "wall clock";
  std::string text = render_probe_report(report, false);
  EXPECT_TRUE(contains(text, "Startup phases (ms, source: wall clock)\n  total 20.000\n")) << text;
  EXPECT_FALSE(contains(text, "runtime start")) << text;
}

TEST(ProbeText, AnEmptyReportRendersNothing) {
  EXPECT_EQ(render_probe_report(probes::ProbeReport{}, true), "");
}

}  // namespace
}  // namespace isobench::reports
