// The documents the results codec tests (tests/unit/results_codec*_test.cpp) encode, decode
// and break: a run record with every figure set, and a ResultsDocument with every field the
// codec carries set to something other than its default.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reports/results_codec.h"
#include "tests/fakes/probe_reports.h"

namespace isobench::reports::codec_documents {

using bench::BenchmarkResults;
using bench::RunRecord;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

inline RunRecord run(const std::string& target, const std::string& workload, int round, double startup_ms,
                     double wall_ms) {
  RunRecord record;
  record.target = target;
  record.workload = workload;
  record.round = round;
  record.ok = true;
  record.startup_ms = startup_ms;
  record.wall_ms = wall_ms;
  record.batch_wall_ms = wall_ms;
  record.workload_ms = wall_ms / 4;
  record.cpu_user_ms = 1.25;
  record.cpu_system_ms = 0.5;
  record.workload_peak_kib = 1024;
  return record;
}

/// A probe report with every section the bench's runs carry (no lifecycle events, launch or
/// end times: the results do not hold those).
inline probes::ProbeReport full_probe_report() {
  probes::ProbeReport report = samples::sample_report(3);
  report.cpu->tasks.push_back({4242, "crun", 1'500'000, 20'000, 4, 7, 1});
  report.memory->processes.push_back({4242, "crun", 120, 1, 2048, false});
  report.memory->processes.push_back({4243, "noop", 30, 0, 1024, true});
  report.kvm->note = "exits counted while the guest ran";
  report.notes = {"syscalls: the probe fell back to rusage on one run"};
  return report;
}

/// Every field the codec carries, with a value that is not its default: the environment
/// with caches, the settings with where each came from, an unavailable target and ones with
/// notes and a KVM verdict, successful, failed and timed-out runs, batches of two, memory
/// rounds (one unmeasured), a --cmd run without startup, a run with probes and one with the
/// workload's report, the price list as mechanism_bench writes it (context first), and an
/// interruption. The codec does not judge whether the settings make sense together.
inline ResultsDocument full_document() {
  ResultsDocument document;
  bench::Environment& environment = document.environment;
  environment.kernel = "6.18.0-test";
  environment.machine = "x86_64";
  environment.hostname = "ci-runner-7";
  environment.cpu_model = "Test CPU @ 2.40GHz";
  environment.cores = 4;
  environment.mhz_per_cpu = 2400;
  environment.caches = {{"Data", 1, 32768, 2}, {"Instruction", 1, 32768, 2}, {"Unified", 3, 8388608, 4}};
  environment.memory_bytes = 8589934592;
  environment.cgroup_mode = "hybrid";
  environment.btf = true;
  environment.kvm = "usable (booted in 0.4 s)";
  environment.isobench_version = "0.1.0+abc123";
  environment.date = "2025-01-02T03:04:05Z";
  environment.command = {"isobench", "bench", "--targets", "bare,isobench,vm,crun", "--cmd", "sh", "-c", "true"};
  environment.target_versions = {{"bare", "host kernel"}, {"crun", "not installed (apt-get install crun)"}};

  RunSettings& settings = document.settings;
  settings.targets = {"bare", "isobench", "vm", "crun"};
  settings.cmd = {"sh", "-c", "true"};
  settings.timeout_seconds = 12.5;
  settings.min_time_seconds = 0.25;
  settings.seed = std::numeric_limits<uint64_t>::max();
  settings.allow_unavailable = true;
  settings.sources = {{"runs", kFromCommandLine}, {"warmup", kFromDefault}, {"concurrency", "scenario small.json"}};
  settings.image = RecordedImage{"127.0.0.1:5000/isobench/python:3", "sha256:" + std::string(64, 'a')};

  BenchmarkResults& results = document.results;
  results.targets = {
      {"bare", "process", true, "host kernel", {}, ""},
      {"isobench", "container", true, "0.1.0+abc123", {"runs crun's private mount namespace on this hybrid host"}, ""},
      {"vm", "vm", true, "QEMU 8.2.2", {"1 vCPU", "256 MiB of guest memory"}, "usable (booted in 0.4 s)"},
      {"crun", "container", false, "not installed (apt-get install crun)", {}, ""},
  };
  results.workloads = {"noop", "cmd"};
  results.concurrency = {1, 2};
  results.runs = 2;
  results.warmup = 1;
  results.memory_runs = 1;
  results.probes_requested = "lifecycle,cpu";
  results.probes_active = "lifecycle";
  results.interrupted = true;

  RunRecord probed = run("bare", "noop", 0, 1.5, 2.75);
  probed.report = Json{{"workload", "noop"}, {"elapsed_ns", 1200}, {"vm_hwm_kib", 1024}};
  probed.probes = full_probe_report();
  RunRecord failed = run("isobench", "noop", 0, 5, 20);
  failed.ok = false;
  failed.exit_code = 1;
  failed.error = "crun: mount `/proc`: Operation not permitted\n";
  failed.workload_ms = failed.workload_peak_kib = NAN;
  RunRecord timed_out = run("isobench", "noop", 1, NAN, 30000);
  timed_out.ok = false;
  timed_out.exit_code = 137;
  timed_out.timed_out = true;
  timed_out.error = "timed out";
  timed_out.cpu_user_ms = timed_out.cpu_system_ms = timed_out.workload_ms = timed_out.workload_peak_kib = NAN;
  RunRecord first_of_batch = run("vm", "noop", 0, 410, 420);
  first_of_batch.concurrency = 2;
  first_of_batch.batch_wall_ms = 436.5;
  RunRecord second_of_batch = first_of_batch;
  second_of_batch.slot = 1;
  second_of_batch.startup_ms = 412.25;
  second_of_batch.wall_ms = 436.5;
  RunRecord memory = run("bare", "noop", 0, 1.5, 2.5);
  memory.memory_round = true;
  memory.tree_peak_kib = 2048;
  RunRecord unmeasured_memory = memory;
  unmeasured_memory.target = "vm";
  unmeasured_memory.tree_peak_kib = NAN;
  RunRecord command = run("bare", "cmd", 0, NAN, 3);  // --cmd takes no part in the start handshake
  command.workload_ms = command.workload_peak_kib = NAN;
  results.records = {probed, failed, timed_out, first_of_batch, second_of_batch, memory, unmeasured_memory, command};

  document.price_list = OrderedJson::parse(R"({
    "context": {"date": "2025-01-02T03:00:00+00:00", "num_cpus": 4, "library_build_type": "release"},
    "benchmarks": [{"name": "BM_Clone/none/real_time", "run_type": "iteration", "real_time": 707.4,
                    "time_unit": "us"}]})");
  document.price_list_error = "mechanism_bench: BM_CgroupV2 needs root";
  return document;
}

inline std::string encoded(const ResultsDocument& document) {
  return encode_results(document, summarize_cells(document.results));
}

inline ResultsDocument decoded(const std::string& text, const std::string& name = "in.json") {
  auto document = decode_results(text, name);
  EXPECT_TRUE(document.ok()) << (document ? "" : document.error().text());
  return document ? *document : ResultsDocument{};
}

}  // namespace isobench::reports::codec_documents
