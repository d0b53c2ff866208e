// The results codec (reports/results_codec): a ResultsDocument as an isobench-results/1
// document and back. Every field survives the round trip and a decoded document encodes to
// the very same text; the writer never writes NaN and adds each cell's summary; the reader
// ignores the summaries, and refuses what no isobench writes, naming the field.
#include "reports/results_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "reports/probe_json.h"
#include "tests/fakes/probe_reports.h"

namespace isobench::reports {
namespace {

using bench::BenchmarkResults;
using bench::RunRecord;
using bench::TargetInfo;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

RunRecord run(const std::string& target, const std::string& workload, int round, double startup_ms, double wall_ms) {
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
probes::ProbeReport full_probe_report() {
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
ResultsDocument full_document() {
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

std::string encoded(const ResultsDocument& document) {
  return encode_results(document, summarize_cells(document.results));
}

ResultsDocument decoded(const std::string& text, const std::string& name = "in.json") {
  auto document = decode_results(text, name);
  EXPECT_TRUE(document.ok()) << (document ? "" : document.error().text());
  return document ? *document : ResultsDocument{};
}

/// Both not measured, or the same figure.
bool same_figure(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

void expect_same_record(const RunRecord& a, const RunRecord& b, size_t index) {
  SCOPED_TRACE("runs[" + std::to_string(index) + "]");
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.workload, b.workload);
  EXPECT_EQ(a.concurrency, b.concurrency);
  EXPECT_EQ(a.round, b.round);
  EXPECT_EQ(a.slot, b.slot);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.exit_code, b.exit_code);
  EXPECT_EQ(a.timed_out, b.timed_out);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.memory_round, b.memory_round);
  for (const auto& [field, x, y] :
       {std::tuple{"startup_ms", a.startup_ms, b.startup_ms}, std::tuple{"wall_ms", a.wall_ms, b.wall_ms},
        std::tuple{"batch_wall_ms", a.batch_wall_ms, b.batch_wall_ms},
        std::tuple{"workload_ms", a.workload_ms, b.workload_ms},
        std::tuple{"cpu_user_ms", a.cpu_user_ms, b.cpu_user_ms},
        std::tuple{"cpu_system_ms", a.cpu_system_ms, b.cpu_system_ms},
        std::tuple{"workload_peak_kib", a.workload_peak_kib, b.workload_peak_kib},
        std::tuple{"tree_peak_kib", a.tree_peak_kib, b.tree_peak_kib}})
    EXPECT_TRUE(same_figure(x, y)) << field << ": " << x << " vs " << y;
  EXPECT_EQ(a.report, b.report);
  ASSERT_EQ(a.probes.has_value(), b.probes.has_value());
  // ProbeReport has no ==: its encoding is its identity (probe_json_test pins that codec).
  if (a.probes) {
    EXPECT_EQ(probe_report_to_json(*a.probes, false), probe_report_to_json(*b.probes, false));
  }
}

// --- the round trip ------------------------------------------------------------------------

TEST(ResultsCodecRoundTrip, AFullyPopulatedDocumentComesBackFieldByField) {
  const ResultsDocument original = full_document();
  ResultsDocument back = decoded(encoded(original), "full.json");
  EXPECT_EQ(back.name, "full.json") << "the name given to the reader, for its messages";
  EXPECT_EQ(back.environment, original.environment);
  EXPECT_EQ(back.environment.caches, original.environment.caches);
  EXPECT_EQ(back.settings, original.settings);
  EXPECT_EQ(back.settings.seed, std::numeric_limits<uint64_t>::max()) << "all 64 bits";
  const BenchmarkResults& a = original.results;
  const BenchmarkResults& b = back.results;
  EXPECT_EQ(b.targets, a.targets);
  EXPECT_EQ(b.workloads, a.workloads);
  EXPECT_EQ(b.concurrency, a.concurrency);
  EXPECT_EQ(b.runs, a.runs);
  EXPECT_EQ(b.warmup, a.warmup);
  EXPECT_EQ(b.memory_runs, a.memory_runs);
  EXPECT_EQ(b.probes_requested, a.probes_requested);
  EXPECT_EQ(b.probes_active, a.probes_active);
  EXPECT_EQ(b.interrupted, a.interrupted);
  ASSERT_EQ(b.records.size(), a.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) expect_same_record(b.records[i], a.records[i], i);
  EXPECT_EQ(back.price_list, original.price_list) << "kept as mechanism_bench wrote it, key order included";
  EXPECT_EQ(back.price_list_error, original.price_list_error);
}

TEST(ResultsCodecRoundTrip, ADecodedDocumentEncodesToTheSameText) {
  const std::string text = encoded(full_document());
  const std::string again = encoded(decoded(text));
  EXPECT_EQ(again, text);
}

// What bench writes of any document the reader took, the reader takes, and it comes back
// the same: on the fuzzer's seeds (hand-made, hostile and a real bench file), the report
// tests' documents, and a failed run that leaves its wall time out (written back as null).
TEST(ResultsCodecRoundTrip, WhatTheWriterWritesOfAnAcceptedDocumentReadsBackTheSame) {
  std::vector<std::pair<std::string, std::string>> inputs;  // name, text
  std::filesystem::path seeds = std::filesystem::path(__FILE__).parent_path().parent_path() / "fuzz/corpus/results";
  for (const auto& entry : std::filesystem::directory_iterator(seeds)) {
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    inputs.emplace_back(entry.path().filename().string(), text.str());
  }
  ASSERT_GT(inputs.size(), 10u) << seeds;
  inputs.emplace_back("no wall time",
                      R"({"schema":"isobench-results/1","runs":[{"target":"bare","workload":"noop","ok":false,)"
                      R"("startup_ms":1.0}]})");
  size_t accepted = 0;
  for (const auto& [name, text] : inputs) {
    auto first = decode_results(text, name);
    if (!first) continue;
    ++accepted;
    const std::string written = encoded(*first);
    auto again = decode_results(written, name);
    ASSERT_TRUE(again.ok()) << name << ": the reader refuses what the writer wrote of it: " << again.error().text();
    EXPECT_EQ(encoded(*again), written) << name;
  }
  EXPECT_GE(accepted, 5u) << "the seeds that are valid documents";
}

TEST(ResultsCodecRoundTrip, ADocumentWithDefaultsOnlyComesBackTheSame) {
  ResultsDocument minimal;
  minimal.results.targets = {{"crun", "container", false, "needs root", {}, ""}};
  minimal.results.workloads = {"noop"};
  minimal.results.concurrency = {1};
  const std::string text = encoded(minimal);
  ResultsDocument back = decoded(text);
  EXPECT_EQ(back.environment, minimal.environment);
  EXPECT_EQ(back.settings, minimal.settings);
  EXPECT_EQ(back.results.targets, minimal.results.targets);
  EXPECT_TRUE(back.results.records.empty());
  EXPECT_TRUE(back.price_list.is_null());
  EXPECT_FALSE(back.results.interrupted);
  EXPECT_EQ(encoded(back), text);
}

// --- the writer ------------------------------------------------------------------------------

Json written(const ResultsDocument& document, std::string* text = nullptr) {
  std::string dumped = encoded(document);
  if (text) *text = dumped;
  Json parsed = Json::parse(dumped, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << dumped;
  return parsed;
}

TEST(ResultsCodecWriter, NamesItsSchemaAndEndsWithANewline) {
  std::string text;
  Json doc = written(full_document(), &text);
  EXPECT_EQ(doc["schema"], "isobench-results/1");
  EXPECT_EQ(doc["schema"], kResultsSchema);
  EXPECT_TRUE(text.ends_with("}\n"));
}

TEST(ResultsCodecWriter, HasNoNaNAnywhereAndMissingFiguresAreNull) {
  std::string text;
  Json doc = written(full_document(), &text);
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_EQ(text.find(bad), std::string::npos) << bad;
  const Json& timed_out = doc["runs"][2];
  EXPECT_TRUE(timed_out["startup_ms"].is_null()) << timed_out;
  EXPECT_TRUE(timed_out["cpu_user_ms"].is_null()) << timed_out;
  EXPECT_TRUE(timed_out["wall_ms"].is_number()) << timed_out;
}

TEST(ResultsCodecWriter, ListsEveryTargetWithAVersionOrTheReasonItWasSkipped) {
  Json doc = written(full_document());
  ASSERT_EQ(doc["targets"].size(), 4u);
  EXPECT_EQ(doc["targets"][1], (Json{{"name", "isobench"},
                                     {"kind", "container"},
                                     {"available", true},
                                     {"version", "0.1.0+abc123"},
                                     {"notes", {"runs crun's private mount namespace on this hybrid host"}}}));
  EXPECT_EQ(doc["targets"][2]["kvm"], "usable (booted in 0.4 s)");
  EXPECT_FALSE(doc["targets"][0].contains("kvm")) << "only a vm target has a KVM verdict";
  const Json& crun = doc["targets"][3];
  EXPECT_EQ(crun["available"], false);
  EXPECT_EQ(crun["skipped_because"], "not installed (apt-get install crun)");
  EXPECT_FALSE(crun.contains("version"));
}

TEST(ResultsCodecWriter, FailedRunsSayWhyAndOnlyMemoryRoundsCarryTheWholeTargetsPeak) {
  Json doc = written(full_document());
  const Json& runs = doc["runs"];
  EXPECT_EQ(runs[2]["timed_out"], true);
  EXPECT_EQ(runs[2]["error"], "timed out");
  EXPECT_FALSE(runs[0].contains("timed_out"));
  EXPECT_FALSE(runs[0].contains("error"));
  EXPECT_EQ(runs[0]["report"], (Json{{"workload", "noop"}, {"elapsed_ns", 1200}, {"vm_hwm_kib", 1024}}));
  EXPECT_FALSE(runs[1].contains("report")) << "no report line, no field";
  EXPECT_FALSE(runs[0].contains("memory_round"));
  EXPECT_FALSE(runs[0].contains("tree_peak_kib"));
  EXPECT_EQ(runs[5]["memory_round"], true);
  EXPECT_DOUBLE_EQ(runs[5]["tree_peak_kib"].get<double>(), 2048);
  EXPECT_TRUE(runs[6]["tree_peak_kib"].is_null()) << "a memory round that measured nothing says so";
  EXPECT_TRUE(runs[0]["probes"].is_object());
  EXPECT_FALSE(runs[1].contains("probes"));
}

TEST(ResultsCodecWriter, CapturedOutputThatIsNotUtf8IsReplacedNotAThrow) {
  ResultsDocument document = full_document();
  document.results.records[1].error = "bad byte \xff here";
  std::string text;
  ASSERT_NO_THROW(text = encoded(document));
  ResultsDocument back = decoded(text);
  EXPECT_EQ(back.results.records[1].error, "bad byte \xEF\xBF\xBD here") << "U+FFFD";
}

TEST(ResultsCodecWriter, HasOneSummaryPerCellUnavailableAndUnrunCellsIncluded) {
  Json doc = written(full_document());
  // 4 targets x 2 workloads x 2 levels, in the order given.
  ASSERT_EQ(doc["summaries"].size(), 16u);
  const Json& first = doc["summaries"][0];
  EXPECT_EQ(first["target"], "bare");
  EXPECT_EQ(first["workload"], "noop");
  EXPECT_EQ(first["concurrency"], 1);
  EXPECT_EQ(first["status"], "measured");
  EXPECT_TRUE(first["probes"].is_object()) << "the probed run's aggregate";
  const Json& isobench = doc["summaries"][4];
  EXPECT_EQ(isobench["target"], "isobench");
  EXPECT_EQ(isobench["status"], "failed");
  EXPECT_EQ(isobench["runs"], 2);
  EXPECT_EQ(isobench["failures"], 2);
  EXPECT_EQ(isobench["errors"], (Json{{{"error", "crun: mount `/proc`: Operation not permitted"}, {"runs", 1}},
                                      {{"error", "timed out"}, {"runs", 1}}}));
  EXPECT_EQ(doc["summaries"][5]["status"], "not run") << "isobench noop x2: the interruption came first";
  const Json& crun = doc["summaries"][12];
  EXPECT_EQ(crun["target"], "crun");
  EXPECT_EQ(crun["status"], "unavailable");
  EXPECT_EQ(crun["errors"], (Json{{{"error", "not installed (apt-get install crun)"}, {"runs", 0}}}));
}

TEST(ResultsCodecWriter, SummariesCarryStatisticsAndTheRatioAgainstBare) {
  ResultsDocument document;
  document.results.targets = {{"bare", "process", true, "host kernel", {}, ""},
                              {"isobench", "container", true, "0.1.0", {}, ""}};
  document.results.workloads = {"noop"};
  document.results.concurrency = {1};
  for (int round = 0; round < 3; ++round) {
    document.results.records.push_back(run("bare", "noop", round, 1 + round, 10));
    document.results.records.push_back(run("isobench", "noop", round, 3 + 3 * round, 20));
  }
  Json doc = written(document);
  const Json& isobench = doc["summaries"][1];
  const Json* startup = nullptr;
  for (const Json& metric : isobench["metrics"])
    if (metric["metric"] == "startup_ms") startup = &metric;
  ASSERT_NE(startup, nullptr) << isobench;
  // isobench's startups are 3, 6 and 9 ms; bare's 1, 2 and 3 ms.
  EXPECT_EQ((*startup)["count"], 3);
  EXPECT_DOUBLE_EQ((*startup)["median"].get<double>(), 6);
  EXPECT_DOUBLE_EQ((*startup)["ratio_vs_bare"].get<double>(), 3);
  for (const char* field : {"mean", "stddev", "min", "max", "p90", "p95", "p99", "mad"})
    EXPECT_TRUE((*startup)[field].is_number()) << field;
  ASSERT_EQ((*startup)["median_ci95"].size(), 2u);
  ASSERT_EQ((*startup)["ratio_vs_bare_ci95"].size(), 2u);
  EXPECT_TRUE((*startup)["warnings"].is_array());
}

/// tests/unit/golden/NAME, next to this file.
std::string golden_path(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "golden" / name).string();
}

// A golden document: one run of bare and one of isobench, crun unavailable. Field order and
// naming are the schema (docs/results-schema.md); a change here is a schema change. After an
// intended change, regenerate with ISOBENCH_UPDATE_GOLDEN=1 and review the diff.
TEST(ResultsCodecWriter, MatchesTheGoldenDocument) {
  ResultsDocument document;
  document.environment.kernel = "6.1.0";
  document.environment.cores = 2;
  document.environment.caches = {{"Unified", 2, 1048576, 2}};
  document.environment.command = {"isobench", "bench", "--runs", "1"};
  document.settings.targets = {"bare", "isobench", "crun"};
  document.settings.sources = {{"runs", kFromCommandLine}, {"warmup", kFromDefault}};
  BenchmarkResults& results = document.results;
  results.targets = {{"bare", "process", true, "host kernel", {}, ""},
                     {"isobench", "container", true, "0.1.0", {"a note for the reader"}, ""},
                     {"crun", "container", false, "needs root", {}, ""}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  results.runs = 1;
  results.warmup = 0;
  RunRecord bare = run("bare", "noop", 0, 10, 20);
  bare.report = Json{{"workload", "noop"}};
  RunRecord isobench = run("isobench", "noop", 0, 25, 40);
  results.records = {bare, isobench};
  for (RunRecord& record : results.records) record.cpu_user_ms = record.cpu_system_ms = NAN;
  std::string text = encoded(document);

  const std::string path = golden_path("results_small.json");
  if (std::getenv("ISOBENCH_UPDATE_GOLDEN")) {
    std::ofstream(path) << text;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream file(path);
  ASSERT_TRUE(file) << "cannot read " << path;
  std::stringstream golden;
  golden << file.rdbuf();
  EXPECT_EQ(text, golden.str()) << "differs from " << path;
}

// --- the reader ------------------------------------------------------------------------------

/// The full document as JSON, to break one field of.
Json full_json() {
  return Json::parse(encoded(full_document()));
}

std::string error_of(const Json& doc) {
  auto document = decode_results(doc.dump(), "in.json");
  EXPECT_FALSE(document.ok()) << doc.dump().substr(0, 400);
  return document ? std::string() : document.error().message;
}

TEST(ResultsCodecReader, IgnoresTheSummariesAndRecomputesThem) {
  Json doc = full_json();
  const std::string original = encoded(decoded(doc.dump()));
  doc["summaries"] = "derived data, not read";
  EXPECT_EQ(encoded(decoded(doc.dump())), original);
  doc["summaries"] = Json::array({{{"target", "bare"}, {"workload", "noop"}, {"status", "failed"}, {"runs", 99}}});
  EXPECT_EQ(encoded(decoded(doc.dump())), original) << "a summary that lies changes nothing";
}

TEST(ResultsCodecReader, IgnoresFieldsItDoesNotKnow) {
  Json doc = full_json();
  doc["written_by"] = "another program";
  doc["environment"]["gpu"] = {{"model", "none"}};
  doc["runs"][0]["cpu_source"] = "rusage";
  EXPECT_EQ(encoded(decoded(doc.dump())), encoded(decoded(full_json().dump())));
}

TEST(ResultsCodecReader, FillsWorkloadsConcurrencyAndTargetsFromTheRunsWhenLeftOut) {
  Json doc = {{"schema", "isobench-results/1"},
              {"runs",
               {{{"target", "bare"},
                 {"workload", "noop"},
                 {"concurrency", 2},
                 {"ok", true},
                 {"startup_ms", 1.0},
                 {"wall_ms", 2.0}}}}};
  ResultsDocument document = decoded(doc.dump());
  EXPECT_EQ(document.results.workloads, (std::vector<std::string>{"noop"}));
  EXPECT_EQ(document.results.concurrency, (std::vector<int>{2}));
  ASSERT_EQ(document.results.targets.size(), 1u);
  EXPECT_EQ(document.results.targets[0].name, "bare");
  EXPECT_TRUE(document.results.targets[0].available);
}

TEST(ResultsCodecReader, BadFilesAreErrorsNamingTheFileAndTheProblem) {
  struct Case {
    std::string text;
    std::string problem;
  };
  for (const Case& c :
       {Case{"", "in.json: empty file"}, Case{"{\"schema\": \"isobench-res", "in.json: not valid JSON (truncated?)"},
        Case{"[1,2]", "in.json: not a results document (expected a JSON object)"},
        Case{"{}", "in.json: no \"schema\": not an isobench results document"},
        Case{"{\"schema\": \"isobench-results/9\", \"runs\": []}",
             "in.json: schema \"isobench-results/9\" is not one this isobench reads (isobench-results/1)"},
        Case{"{\"schema\": \"isobench-results/1\"}", "in.json: no \"runs\" array"},
        Case{"{\"schema\": \"isobench-results/1\", \"runs\": {}}", "in.json: no \"runs\" array"},
        Case{"{\"schema\": \"isobench-results/1\", \"runs\": []}",
             "in.json: no runs and no targets: nothing was measured"},
        Case{"{\"schema\": \"isobench-results/1\", \"runs\": [3]}", "in.json: runs[0] is not an object"},
        Case{"{\"schema\": \"isobench-results/1\", \"runs\": [{\"ok\": true}]}",
             "in.json: runs[0] has no target or workload"}}) {
    auto document = decode_results(c.text, "in.json");
    ASSERT_FALSE(document.ok()) << c.text;
    EXPECT_EQ(document.error().message.rfind(c.problem, 0), 0u) << document.error().message;
  }
}

TEST(ResultsCodecReader, FieldsOfTheWrongTypeAreErrorsNamingTheirPath) {
  struct Case {
    std::string pointer;
    Json value;
    std::string problem;  ///< how the message starts
  };
  for (const Case& c : std::vector<Case>{
           {"/interrupted", "no", "in.json: interrupted is not true or false"},
           {"/environment", "x86", "in.json: \"environment\" is not an object"},
           {"/environment/cores", "2", "in.json: environment.cores is not an integer in range, got \"2\""},
           {"/environment/cores", -1, "in.json: environment.cores is not an integer in range, got -1"},
           {"/environment/memory_bytes", -4, "in.json: environment.memory_bytes is not a non-negative integer"},
           {"/environment/btf", 1, "in.json: environment.btf is not true or false"},
           {"/environment/command", "isobench bench", "in.json: environment.command is not a list of strings"},
           {"/environment/target_versions", {{"bare", 1}}, "in.json: environment.target_versions is not an object"},
           {"/environment/caches", "32K", "in.json: environment.caches is not a list"},
           {"/environment/caches/1", 3, "in.json: environment.caches[1] is not an object"},
           {"/environment/caches/1/size", "32K", "in.json: environment.caches[1].size is not an integer in range"},
           {"/settings", Json::array(), "in.json: \"settings\" is not an object"},
           {"/settings/runs", "6", "in.json: settings.runs is not an integer in range"},
           {"/settings/workloads", "noop", "in.json: settings.workloads is not a list of strings"},
           {"/settings/concurrency", {1, 0}, "in.json: settings.concurrency is not a list of positive integers"},
           {"/settings/timeout_seconds", "30", "in.json: settings.timeout_seconds is not a number"},
           {"/settings/seed", -1, "in.json: settings.seed is not a non-negative integer"},
           {"/settings/sources", {{"runs", 3}}, "in.json: settings.sources is not an object of strings"},
           {"/targets", {{"name", "bare"}}, "in.json: \"targets\" is not an array"},
           {"/targets/1", "isobench", "in.json: targets[1] is not an object"},
           {"/targets/1/name", "", "in.json: targets[1] has no name"},
           {"/targets/1/name", "bare", "in.json: targets[1]: target \"bare\" is listed twice"},
           {"/targets/1/available", "yes", "in.json: targets[1].available is not true or false"},
           {"/targets/1/notes", "a note", "in.json: targets[1].notes is not a list of strings"},
           {"/targets/3/skipped_because", 5, "in.json: targets[3].skipped_because is not a string"},
           {"/runs/2/ok", "yes", "in.json: runs[2].ok is not true or false"},
           {"/runs/2/concurrency", "1", "in.json: runs[2].concurrency is not an integer in range"},
           {"/runs/2/concurrency", 0, "in.json: runs[2].concurrency is not an integer in range"},
           {"/runs/2/exit_code", 1.5, "in.json: runs[2].exit_code is not an integer in range"},
           {"/runs/2/error", 5, "in.json: runs[2].error is not a string"},
           {"/runs/2/report", "ok", "in.json: runs[2].report is not an object"},
           {"/runs/0/probes", "bpf", "in.json: runs[0].probes is not an object"},
           {"/runs/0/probes/lifecycle/phases_ms/rootfs", -1,
            "in.json: runs[0].probes.lifecycle.phases_ms.rootfs is not a non-negative number of milliseconds"},
           {"/price_list", Json::array(), "in.json: price_list is not an object (Google Benchmark JSON)"},
           {"/price_list_error", 3, "in.json: price_list_error is not a string"},
       }) {
    Json doc = full_json();
    doc[Json::json_pointer(c.pointer)] = c.value;
    std::string message = error_of(doc);
    EXPECT_EQ(message.rfind(c.problem, 0), 0u) << c.pointer << ": " << message;
  }
}

TEST(ResultsCodecReader, ANullFieldIsAbsentNotAThrow) {
  // null is what the writer writes for a figure it has not; in a flag or a name it means the
  // default, and never an exception out of the reader the fuzzer calls.
  for (const char* pointer : {"/runs/0/ok", "/runs/0/memory_round", "/runs/0/timed_out", "/runs/0/error",
                              "/interrupted", "/environment/cores", "/settings/concurrency", "/targets/1/notes"}) {
    Json doc = full_json();
    doc[Json::json_pointer(pointer)] = nullptr;
    Result<ResultsDocument> document = plain_error("not decoded");
    EXPECT_NO_THROW(document = decode_results(doc.dump(), "in.json")) << pointer;
    EXPECT_TRUE(document.ok()) << pointer << ": " << (document ? "" : document.error().text());
  }
}

// isobench compare must not judge a regression on figures no run can give.
TEST(ResultsCodecReader, FiguresNoMeasurementGivesAreErrorsNamingTheField) {
  struct Case {
    std::string field;
    Json value;
    std::string problem;
  };
  for (const Case& c : std::vector<Case>{
           {"startup_ms", 1e308, "in.json: runs[3].startup_ms is 1e+308: not a measurement (expected 0 to 1e9 ms)"},
           {"startup_ms", -1, "in.json: runs[3].startup_ms is -1: not a measurement (expected 0 to 1e9 ms)"},
           {"wall_ms", 1.5e9, "in.json: runs[3].wall_ms is 1500000000.0: not a measurement (expected 0 to 1e9 ms)"},
           {"cpu_user_ms", -0.5, "in.json: runs[3].cpu_user_ms is -0.5: not a measurement"},
           {"workload_peak_kib", 1e13,
            "in.json: runs[3].workload_peak_kib is 10000000000000.0: not a measurement (expected 0 to 1e12 KiB)"},
           {"startup_ms", "4", "in.json: runs[3].startup_ms is not a number, got \"4\""},
           {"startup_ms", nullptr, "in.json: runs[3].startup_ms is null in a successful run: not a measurement"},
           {"wall_ms", nullptr, "in.json: runs[3].wall_ms is null in a successful run: not a measurement"},
       }) {
    Json doc = full_json();
    doc["runs"][3][c.field] = c.value;
    std::string message = error_of(doc);
    EXPECT_EQ(message.rfind(c.problem, 0), 0u) << c.field << " = " << c.value << ": " << message;
  }
  Json memory = full_json();
  memory["runs"][5]["tree_peak_kib"] = 1e13;
  EXPECT_EQ(error_of(memory).rfind("in.json: runs[5].tree_peak_kib is 10000000000000.0: not a measurement", 0), 0u);
}

TEST(ResultsCodecReader, AMissingStartupOrWallInASuccessfulRunIsRefusedAsNullIs) {
  for (const char* field : {"startup_ms", "wall_ms"}) {
    Json doc = full_json();
    doc["runs"][3].erase(field);
    EXPECT_EQ(error_of(doc),
              std::string("in.json: runs[3].") + field + " is missing in a successful run: not a measurement");
  }
  Json command = full_json();
  command["runs"][7].erase("startup_ms");  // --cmd: no startup to miss
  EXPECT_TRUE(decode_results(command.dump(), "in.json").ok());
}

TEST(ResultsCodecReader, NullIsNotMeasuredWhereNoMeasurementWasDue) {
  Json doc = full_json();
  // runs[1] failed, runs[5] is a memory round (untimed), runs[7] ran --cmd (no handshake).
  for (int index : {1, 5, 7})
    for (const char* field : {"startup_ms", "wall_ms"}) doc["runs"][index][field] = nullptr;
  doc["runs"][7]["wall_ms"] = 3.0;          // a successful --cmd run still has its wall time
  doc["runs"][3]["workload_ms"] = nullptr;  // decorations may be missing
  auto document = decode_results(doc.dump(), "in.json");
  EXPECT_TRUE(document.ok()) << document.error().text();
}

TEST(ResultsCodecReader, DeepNestingIsRefusedNotACrash) {
  std::string deep =
      R"({"schema": "isobench-results/1", "runs": [)" + std::string(60000, '[') + std::string(60000, ']') + "]}";
  auto document = decode_results(deep, "deep.json");
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().message,
            "deep.json: nested deeper than 64 levels at byte 105 (the limit of a results file)");
}

TEST(ResultsCodecReader, ALongSchemaIsQuotedCutShort) {
  auto document = decode_results(R"({"schema": ")" + std::string(100000, 'x') + R"("})", "in.json");
  ASSERT_FALSE(document.ok());
  EXPECT_LT(document.error().message.size(), 200u) << document.error().message.substr(0, 300);
}

TEST(ResultsCodecReader, LoadsAFileAndNamesItInErrors) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("results_codec_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string good = (dir / "good.json").string(), bad = (dir / "bad.json").string();
  std::ofstream(good) << encoded(full_document());
  std::ofstream(bad) << "{\"schema\": 1}";
  auto loaded = load_results(good);
  ASSERT_TRUE(loaded.ok()) << loaded.error().text();
  EXPECT_EQ(loaded->name, good);
  EXPECT_EQ(loaded->results.records.size(), full_document().results.records.size());
  auto refused = load_results(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.rfind(bad + ": no \"schema\"", 0), 0u) << refused.error().message;
  EXPECT_FALSE(load_results((dir / "missing.json").string()).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace isobench::reports
