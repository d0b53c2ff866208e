// The results codec (reports/results_codec): a ResultsDocument as an isobench-results/1
// document and back. Every field survives the round trip and a decoded document encodes to
// the very same text. The writer's output is pinned in results_codec_writer_test.cpp, the
// reader's refusals in results_codec_reader_test.cpp.
#include "reports/results_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "reports/probe_json.h"
#include "tests/fakes/results_documents.h"

namespace isobench::reports {
namespace {

using namespace codec_documents;
using Json = nlohmann::json;

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

TEST(ResultsCodecRoundTrip, TheImageIsWrittenOnlyWhenThereIsOneAndReadBack) {
  const ResultsDocument with = full_document();
  const Json written = Json::parse(encoded(with));
  EXPECT_EQ(written["settings"]["image"], (Json{{"name", with.settings.image->name}, {"id", with.settings.image->id}}));
  EXPECT_EQ(decoded(encoded(with)).settings.image, with.settings.image);

  ResultsDocument without = full_document();
  without.settings.image.reset();
  EXPECT_FALSE(Json::parse(encoded(without))["settings"].contains("image"))
      << "a built-in run writes what it always did";
  EXPECT_FALSE(decoded(encoded(without)).settings.image) << "files from before images read as the built-in image";
}

TEST(ResultsCodecRoundTrip, AnImageWithoutANameOrIdOrOfTheWrongTypeIsRefused) {
  Json doc = Json::parse(encoded(full_document()));
  for (const Json& bad : {Json("python"), Json{{"name", "python"}}, Json{{"name", 3}, {"id", "sha256:x"}}}) {
    doc["settings"]["image"] = bad;
    auto document = decode_results(doc.dump(), "in.json");
    ASSERT_FALSE(document) << bad;
    EXPECT_NE(document.error().text().find("settings.image"), std::string::npos) << document.error().text();
  }
}

}  // namespace
}  // namespace isobench::reports
