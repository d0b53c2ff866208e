// The results codec's reader (reports/results_codec): it ignores the summaries and fields it
// does not know, and refuses what no isobench writes, naming the file and the field.
#include "reports/results_codec.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/fakes/results_documents.h"

namespace isobench::reports {
namespace {

using namespace codec_documents;

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
