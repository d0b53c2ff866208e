// isobench report on a small fixed results document (tests/fakes/small_results.h): merging
// files of one scenario, refusing two scenarios, choosing the container and VM columns by
// kind, the containers-versus-VMs ratios and sentences in English and Korean, and the
// renderers (Markdown, CSV and Google Benchmark JSON against golden files; JSON checked).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "reports/report_formats.h"
#include "reports/report_model.h"
#include "reports/results_reader.h"
#include "tests/fakes/small_results.h"

namespace isobench::reports {
namespace {

using Json = nlohmann::json;

LoadedResults parsed(const Json& doc, const std::string& name) {
  auto results = parse_results(doc.dump(), name);
  EXPECT_TRUE(results.ok()) << (results ? "" : results.error().text());
  return results ? *results : LoadedResults{};
}

ReportModel model_of(const std::vector<LoadedResults>& files) {
  auto model = build_report_model(files);
  EXPECT_TRUE(model.ok()) << (model ? "" : model.error().text());
  return model ? *model : ReportModel{};
}

ReportModel small_model() {
  return model_of({parsed(testing::small_results_document(), "small.json")});
}

const CellSummary* cell_of(const ReportModel& model, const std::string& target, const std::string& workload) {
  for (const CellSummary& cell : model.cells)
    if (cell.target == target && cell.workload == workload && cell.concurrency == 1) return &cell;
  return nullptr;
}

const SummaryRatio* ratio_of(const std::vector<SummaryRatio>& ratios, const std::string& metric,
                             const std::string& workload) {
  for (const SummaryRatio& ratio : ratios)
    if (ratio.metric == metric && ratio.workload == workload) return &ratio;
  return nullptr;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string joined(const std::vector<std::string>& sentences) {
  std::string text;
  for (const std::string& sentence : sentences) text += sentence + "\n";
  return text;
}

/// True when the UTF-8 `text` holds a Hangul syllable (U+AC00..U+D7A3).
bool has_hangul(const std::string& text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    if ((byte(i) & 0xF0) != 0xE0 || (byte(i + 1) & 0xC0) != 0x80 || (byte(i + 2) & 0xC0) != 0x80) continue;
    unsigned code = (byte(i) & 0x0Fu) << 12 | (byte(i + 1) & 0x3Fu) << 6 | (byte(i + 2) & 0x3Fu);
    if (code >= 0xAC00 && code <= 0xD7A3) return true;
  }
  return false;
}

/// tests/unit/golden/NAME next to this file; ISOBENCH_UPDATE_GOLDEN=1 rewrites it.
void expect_golden(const std::string& text, const std::string& name) {
  std::string path = (std::filesystem::path(__FILE__).parent_path() / "golden" / name).string();
  if (std::getenv("ISOBENCH_UPDATE_GOLDEN")) std::ofstream(path) << text;
  std::ifstream file(path);
  ASSERT_TRUE(file) << "missing golden file " << path << " (ISOBENCH_UPDATE_GOLDEN=1 writes it)";
  std::stringstream golden;
  golden << file.rdbuf();
  EXPECT_EQ(text, golden.str()) << "differs from " << path;
}

// --- the model ---------------------------------------------------------------------------

TEST(ReportModel, SummarisesEveryCellLeavingFailedRunsAndMemoryRoundsOut) {
  ReportModel model = small_model();
  EXPECT_EQ(model.sources, (std::vector<std::string>{"small.json"}));
  EXPECT_EQ(model.results.workloads, (std::vector<std::string>{"noop", "cpu"}));
  EXPECT_EQ(model.results.concurrency, (std::vector<int>{1}));
  ASSERT_EQ(model.cells.size(), 6u);  // 3 targets x 2 workloads

  const CellSummary* isobench_cpu = cell_of(model, "isobench", "cpu");
  ASSERT_NE(isobench_cpu, nullptr);
  EXPECT_EQ(isobench_cpu->runs, 7);
  EXPECT_EQ(isobench_cpu->failures, 1);
  const MetricSummary* startup = isobench_cpu->find("startup_ms");
  ASSERT_NE(startup, nullptr);
  EXPECT_EQ(startup->summary.count, 6u);
  EXPECT_DOUBLE_EQ(startup->summary.max, 5.0) << "the failed run's 9999 ms is not a sample";
  EXPECT_DOUBLE_EQ(startup->summary.median, 4.5);

  const MetricSummary* memory = isobench_cpu->find("tree_peak_kib");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->summary.count, 2u) << "only the memory rounds carry tree_peak_kib";
  EXPECT_DOUBLE_EQ(memory->summary.median, 6144 + 32);

  const CellSummary* bare_noop = cell_of(model, "bare", "noop");
  ASSERT_NE(bare_noop, nullptr);
  EXPECT_EQ(bare_noop->runs, 6);
  EXPECT_EQ(bare_noop->failures, 0);
  const MetricSummary* cpu = bare_noop->find("cpu_ms");
  ASSERT_NE(cpu, nullptr);
  EXPECT_DOUBLE_EQ(cpu->summary.median, 0.5 + 1.25 + 0.5) << "user + system";
}

TEST(ReportModel, KeepsTheProbesMediansPerCell) {
  ReportModel model = small_model();
  ASSERT_EQ(model.probe_medians.size(), 1u);
  auto found = model.probe_medians.find(cell_key("isobench", "noop", 1));
  ASSERT_NE(found, model.probe_medians.end());
  EXPECT_DOUBLE_EQ(found->second["phase.rootfs_ms"]["median"].get<double>(), 1.25);
}

TEST(ReportModel, TwoFilesOfOneScenarioMergeAndDoubleTheRuns) {
  Json doc = testing::small_results_document();
  ReportModel one = small_model();
  ReportModel both = model_of({parsed(doc, "first.json"), parsed(doc, "second.json")});
  EXPECT_EQ(both.sources, (std::vector<std::string>{"first.json", "second.json"}));
  EXPECT_EQ(both.results.targets.size(), 3u) << "targets listed in both files appear once";
  ASSERT_EQ(both.cells.size(), one.cells.size());
  for (size_t i = 0; i < one.cells.size(); ++i) {
    const CellSummary& single = one.cells[i];
    const CellSummary& merged = both.cells[i];
    EXPECT_EQ(merged.target, single.target);
    EXPECT_EQ(merged.workload, single.workload);
    EXPECT_EQ(merged.runs, 2 * single.runs) << merged.target << " " << merged.workload;
    EXPECT_EQ(merged.failures, 2 * single.failures) << merged.target << " " << merged.workload;
    for (const MetricSummary& metric : single.metrics) {
      const MetricSummary* doubled = merged.find(metric.metric);
      ASSERT_NE(doubled, nullptr) << metric.metric;
      EXPECT_EQ(doubled->summary.count, 2 * metric.summary.count) << merged.target << " " << metric.metric;
      EXPECT_DOUBLE_EQ(doubled->summary.median, metric.summary.median) << merged.target << " " << metric.metric;
    }
  }
}

TEST(ReportModel, FilesOfDifferentWorkloadsAreAnErrorNamingBothFiles) {
  auto model = build_report_model({parsed(testing::small_results_document(), "noop-and-cpu.json"),
                                   parsed(testing::small_results_document({"noop"}), "noop-only.json")});
  ASSERT_FALSE(model.ok());
  const std::string& message = model.error().message;
  EXPECT_TRUE(contains(message, "noop-and-cpu.json")) << message;
  EXPECT_TRUE(contains(message, "noop-only.json")) << message;
  EXPECT_TRUE(contains(message, "different scenarios")) << message;
}

TEST(ReportModel, FilesOfDifferentConcurrencyAreAnErrorToo) {
  Json other = testing::small_results_document();
  other["settings"]["concurrency"] = {1, 4};
  auto model =
      build_report_model({parsed(testing::small_results_document(), "serial.json"), parsed(other, "concurrent.json")});
  ASSERT_FALSE(model.ok());
  EXPECT_TRUE(contains(model.error().message, "serial.json")) << model.error().message;
  EXPECT_TRUE(contains(model.error().message, "concurrent.json")) << model.error().message;
  EXPECT_TRUE(contains(model.error().message, "different scenarios")) << model.error().message;
}

TEST(ReportModel, NoFilesIsAnError) {
  auto model = build_report_model({});
  ASSERT_FALSE(model.ok());
  EXPECT_FALSE(model.error().message.empty());
}

TEST(ReportModel, ChoosesTheContainerAndVmColumnsByKind) {
  ReportModel model = small_model();
  EXPECT_EQ(model.container_target, "isobench");
  EXPECT_EQ(model.vm_target, "vm");

  // Other names: the kinds decide; isobench wins over a container target listed before it.
  Json doc = testing::small_results_document();
  doc["targets"].push_back({{"name", "crun"}, {"kind", "container"}, {"available", true}, {"version", "1.0"}});
  std::swap(doc["targets"][1], doc["targets"][3]);  // crun now listed before isobench
  for (Json& run : doc["runs"])
    if (run["target"] == "vm") run["target"] = "firecracker";
  doc["targets"][2]["name"] = "firecracker";
  Json crun_run = doc["runs"][0];
  crun_run["target"] = "crun";
  doc["runs"].push_back(crun_run);
  ReportModel renamed = model_of({parsed(doc, "renamed.json")});
  EXPECT_EQ(renamed.container_target, "isobench");
  EXPECT_EQ(renamed.vm_target, "firecracker");

  // Without isobench, another container target is the container column.
  Json without = testing::small_results_document();
  without["targets"][1]["name"] = "runc";
  for (Json& run : without["runs"])
    if (run["target"] == "isobench") run["target"] = "runc";
  EXPECT_EQ(model_of({parsed(without, "runc.json")}).container_target, "runc");
}

TEST(ReportModel, VmVersusContainerRatiosCoverStartupMemoryAndCpuOnEveryWorkload) {
  ReportModel model = small_model();
  EXPECT_EQ(model.vm_vs_container.size(), 6u);  // 3 metrics x 2 workloads
  for (const char* workload : {"noop", "cpu"})
    for (const char* metric : {"startup_ms", "tree_peak_kib", "cpu_ms"}) {
      const SummaryRatio* ratio = ratio_of(model.vm_vs_container, metric, workload);
      ASSERT_NE(ratio, nullptr) << metric << " " << workload;
      EXPECT_GT(ratio->ratio, 1) << metric << " " << workload << ": the VM is the slower and larger";
      if (std::string(metric) == "tree_peak_kib") {
        // Two memory rounds per cell: too few for an interval, so none is claimed.
        EXPECT_TRUE(std::isnan(ratio->ci.low) && std::isnan(ratio->ci.high)) << workload;
        continue;
      }
      EXPECT_LE(ratio->ci.low, ratio->ratio) << metric << " " << workload;
      EXPECT_GE(ratio->ci.high, ratio->ratio) << metric << " " << workload;
    }
  // Medians: the VM starts in 425 ms, the container in 4.5 ms.
  EXPECT_DOUBLE_EQ(ratio_of(model.vm_vs_container, "startup_ms", "noop")->ratio, 425.0 / 4.5);
  EXPECT_DOUBLE_EQ(ratio_of(model.vm_vs_container, "tree_peak_kib", "cpu")->ratio, (204800.0 + 32) / (6144 + 32));
}

TEST(ReportModel, ContainerVersusBareCpuIsOnlyOnCpuWorkloads) {
  ReportModel model = small_model();
  ASSERT_EQ(model.container_vs_bare.size(), 1u);
  const SummaryRatio& ratio = model.container_vs_bare[0];
  EXPECT_EQ(ratio.workload, "cpu");
  EXPECT_EQ(ratio.metric, "cpu_ms");
  EXPECT_DOUBLE_EQ(ratio.ratio, (101.25 + 2.0) / (101.25 + 0.5));

  // A label that starts with "cpu" counts; one that merely contains it does not.
  Json doc = testing::small_results_document({"cpu(n=2)", "mycpu"});
  for (Json& run : doc["runs"]) run["workload"] = run["workload"] == "cpu" ? "cpu(n=2)" : "mycpu";
  ReportModel labelled = model_of({parsed(doc, "labels.json")});
  ASSERT_EQ(labelled.container_vs_bare.size(), 1u);
  EXPECT_EQ(labelled.container_vs_bare[0].workload, "cpu(n=2)");
}

TEST(ReportModel, NoVmTargetMeansNoVmRatios) {
  Json doc = testing::small_results_document();
  doc["targets"].erase(2);
  ReportModel model = model_of({parsed(doc, "no-vm.json")});
  EXPECT_EQ(model.vm_target, "");
  EXPECT_TRUE(model.vm_vs_container.empty());
  EXPECT_EQ(model.container_vs_bare.size(), 1u) << "the container-versus-bare figure needs no VM";
}

// --- the summary sentences ---------------------------------------------------------------

TEST(ReportSummary, EnglishStatesTheRatiosAndTheTcgNoteWhenKvmIsUnusable) {
  std::vector<std::string> sentences = summary_sentences(small_model(), Language::kEnglish);
  std::string text = joined(sentences);
  EXPECT_TRUE(contains(text, "noop: the VM took 94.4x (95% CI ")) << text;
  EXPECT_TRUE(contains(text, "as long as the container to start.")) << text;
  EXPECT_TRUE(contains(text, "the memory of the container.")) << text;
  EXPECT_TRUE(contains(text, "the CPU time of the container.")) << text;
  EXPECT_TRUE(contains(text, "cpu: the container's CPU overhead over a bare process is +1.5%.")) << text;
  EXPECT_TRUE(contains(text, "Why: a container is an ordinary process")) << text;
  EXPECT_TRUE(contains(sentences.back(), "TCG (software emulation)")) << text;
  EXPECT_FALSE(contains(text, "no VM column")) << text;
}

TEST(ReportSummary, NoTcgNoteWhenKvmWorks) {
  Json doc = testing::small_results_document();
  doc["environment"]["kvm"] = "present and usable";
  std::string text = joined(summary_sentences(model_of({parsed(doc, "kvm.json")}), Language::kEnglish));
  EXPECT_FALSE(contains(text, "TCG")) << text;
  EXPECT_TRUE(contains(text, "as long as the container to start.")) << text;
}

TEST(ReportSummary, KoreanSentencesAreInHangul) {
  std::vector<std::string> sentences = summary_sentences(small_model(), Language::kKorean);
  ASSERT_EQ(sentences.size(), summary_sentences(small_model(), Language::kEnglish).size());
  for (const std::string& sentence : sentences) EXPECT_TRUE(has_hangul(sentence)) << sentence;
  std::string text = joined(sentences);
  EXPECT_TRUE(contains(text, "94.4배 (95% 신뢰구간 ")) << text;
  EXPECT_TRUE(contains(text, "TCG")) << text;
  EXPECT_FALSE(has_hangul(joined(summary_sentences(small_model(), Language::kEnglish))));
}

TEST(ReportSummary, WithoutAVmTargetTheFirstSentenceSaysThereIsNoVmColumn) {
  Json doc = testing::small_results_document();
  doc["targets"].erase(2);
  ReportModel model = model_of({parsed(doc, "no-vm.json")});
  std::vector<std::string> english = summary_sentences(model, Language::kEnglish);
  ASSERT_FALSE(english.empty());
  EXPECT_TRUE(contains(english[0], "These results have no VM column")) << english[0];
  EXPECT_TRUE(contains(english[0], "isobench bench --targets bare,isobench,vm")) << english[0];
  EXPECT_FALSE(contains(joined(english), "TCG")) << "no VM ran, so nothing was emulated";
  std::vector<std::string> korean = summary_sentences(model, Language::kKorean);
  ASSERT_FALSE(korean.empty());
  EXPECT_TRUE(contains(korean[0], "VM 열이 없습니다")) << korean[0];
  EXPECT_FALSE(contains(joined(summary_sentences(small_model(), Language::kEnglish)), "no VM column"));
}

// --- the renderers -----------------------------------------------------------------------

TEST(ReportMarkdown, EnglishMatchesTheGoldenFile) {
  std::string markdown = render_report_markdown(small_model(), Language::kEnglish);
  expect_golden(markdown, "report_small.md");
  EXPECT_TRUE(contains(markdown, "# isobench report")) << markdown;
  EXPECT_TRUE(contains(markdown, "| isobench | noop | 0.500 | 0.750 | 1.250 | 0.375 | - |")) << markdown;
  EXPECT_TRUE(contains(markdown, "- kvm: present but unusable (probe timed out after 10 s)")) << markdown;
  EXPECT_TRUE(contains(markdown, "- sources: small.json")) << markdown;
}

TEST(ReportMarkdown, KoreanMatchesTheGoldenFile) {
  std::string markdown = render_report_markdown(small_model(), Language::kKorean);
  expect_golden(markdown, "report_small.ko.md");
  EXPECT_TRUE(contains(markdown, "# isobench 보고서")) << markdown;
  EXPECT_TRUE(contains(markdown, "- 원본 파일: small.json")) << markdown;
}

TEST(ReportCsv, MatchesTheGoldenFileWithOneRowPerCellAndMetric) {
  ReportModel model = small_model();
  std::string csv = render_report_csv(model);
  expect_golden(csv, "report_small.csv");
  size_t metrics = 0;
  for (const CellSummary& cell : model.cells) metrics += cell.metrics.size();
  std::istringstream lines(csv);
  std::string line;
  size_t rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 15) << line;
    ++rows;
  }
  EXPECT_EQ(rows, metrics + 1) << "a header, then one row per cell and metric";
  EXPECT_TRUE(contains(csv, "\nisobench,cpu,1,startup_ms,6,1,4.5,")) << csv;
}

TEST(ReportJson, NamesItsSchemaAndCarriesCellsAndTheSummary) {
  std::string text = render_report_json(small_model(), Language::kEnglish);
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  EXPECT_EQ(doc["schema"], "isobench-report/1");
  EXPECT_EQ(doc["sources"], Json({"small.json"}));
  EXPECT_EQ(doc["environment"]["cores"], 2);

  ASSERT_TRUE(doc["cells"].is_array());
  ASSERT_EQ(doc["cells"].size(), 6u);
  for (const Json& cell : doc["cells"]) {
    ASSERT_TRUE(cell["metrics"].is_object()) << cell;
    EXPECT_TRUE(cell["metrics"].contains("startup_ms")) << cell;
    EXPECT_TRUE(cell["metrics"]["startup_ms"]["median"].is_number()) << cell;
  }
  const Json& isobench_noop = doc["cells"][2];
  EXPECT_EQ(isobench_noop["target"], "isobench");
  EXPECT_EQ(isobench_noop["workload"], "noop");
  EXPECT_EQ(isobench_noop["runs"], 6);
  EXPECT_EQ(isobench_noop["metrics"]["startup_ms"]["count"], 6);
  EXPECT_DOUBLE_EQ(isobench_noop["probe_medians"]["phase.exec_ms"]["median"].get<double>(), 0.125);
  EXPECT_EQ(doc["cells"][3]["failures"], 1) << "isobench cpu";

  const Json& summary = doc["summary"];
  EXPECT_EQ(summary["container_target"], "isobench");
  EXPECT_EQ(summary["vm_target"], "vm");
  ASSERT_TRUE(summary["sentences"].is_array());
  EXPECT_FALSE(summary["sentences"].empty());
  bool startup = false;
  for (const Json& ratio : summary["vm_vs_container"])
    if (ratio["metric"] == "startup_ms" && ratio["workload"] == "noop") {
      startup = true;
      ASSERT_TRUE(ratio["ratio"].is_number()) << ratio;
      EXPECT_GT(ratio["ratio"].get<double>(), 1) << "the VM starts slower than the container";
      ASSERT_EQ(ratio["ci95"].size(), 2u) << ratio;
    }
  EXPECT_TRUE(startup) << summary;
  ASSERT_EQ(summary["container_vs_bare"].size(), 1u);
  EXPECT_EQ(summary["container_vs_bare"][0]["workload"], "cpu");
}

TEST(ReportJson, KoreanSentencesInTheKoreanReport) {
  Json doc = Json::parse(render_report_json(small_model(), Language::kKorean));
  for (const Json& sentence : doc["summary"]["sentences"])
    EXPECT_TRUE(has_hangul(sentence.get<std::string>())) << sentence;
}

TEST(ReportGbench, MatchesTheGoldenFile) {
  expect_golden(render_report_gbench(small_model()), "report_small.gbench.json");
}

TEST(ReportGbench, IsGoogleBenchmarkJsonFieldByField) {
  std::string text = render_report_gbench(small_model());
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_FALSE(contains(text, bad)) << bad << "\n" << text;
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;

  const Json& context = doc["context"];
  ASSERT_TRUE(context.is_object()) << text;
  EXPECT_EQ(context["date"], "2025-01-02T03:04:05Z");
  EXPECT_EQ(context["num_cpus"], 2);
  EXPECT_TRUE(context["caches"].is_array()) << context;
  EXPECT_TRUE(context["library_build_type"].is_string()) << context;

  ASSERT_TRUE(doc["benchmarks"].is_array());
  std::map<std::string, std::vector<size_t>> repetition_indexes;  // run_name -> iteration rows' indexes
  std::map<std::string, std::multiset<std::string>> aggregates;   // run_name -> aggregate names
  std::map<std::string, size_t> repetitions;
  for (const Json& row : doc["benchmarks"]) {
    for (const char* key : {"name", "run_name", "run_type", "time_unit"})
      ASSERT_TRUE(row.contains(key) && row[key].is_string()) << key << " in " << row;
    for (const char* key : {"repetitions", "real_time", "cpu_time"})
      ASSERT_TRUE(row.contains(key) && row[key].is_number()) << key << " in " << row;
    EXPECT_EQ(row["time_unit"], "ms") << row;
    std::string run_name = row["run_name"];
    size_t count = row["repetitions"];
    if (repetitions.count(run_name)) {
      EXPECT_EQ(repetitions[run_name], count) << row;
    }
    repetitions[run_name] = count;
    if (row["run_type"] == "iteration") {
      EXPECT_EQ(row["name"], run_name) << row;
      ASSERT_TRUE(row.contains("repetition_index") && row["repetition_index"].is_number_unsigned()) << row;
      repetition_indexes[run_name].push_back(row["repetition_index"].get<size_t>());
    } else {
      EXPECT_EQ(row["run_type"], "aggregate") << row;
      ASSERT_TRUE(row.contains("aggregate_name") && row["aggregate_name"].is_string()) << row;
      std::string aggregate = row["aggregate_name"];
      EXPECT_EQ(row["name"], run_name + "_" + aggregate) << row;
      aggregates[run_name].insert(aggregate);
    }
  }
  EXPECT_EQ(repetitions.size(), 18u) << "3 targets x 2 workloads x startup, wall and workload";
  for (const auto& [run_name, count] : repetitions) {
    std::vector<size_t> expected(count);
    for (size_t i = 0; i < count; ++i) expected[i] = i;
    EXPECT_EQ(repetition_indexes[run_name], expected) << run_name;
    EXPECT_EQ(aggregates[run_name], (std::multiset<std::string>{"mean", "median", "stddev"})) << run_name;
    EXPECT_EQ(count, 6u) << run_name << ": six successful runs, the failed one left out";
  }
}

TEST(ReportGbench, FiguresAreTheRunsAndTheirStatistics) {
  Json doc = Json::parse(render_report_gbench(small_model()));
  std::map<std::string, Json> by_name;
  for (const Json& row : doc["benchmarks"])
    if (row["run_type"] == "aggregate") by_name[row["name"]] = row;
  ASSERT_TRUE(by_name.count("isobench/noop/startup_median"));
  EXPECT_DOUBLE_EQ(by_name["isobench/noop/startup_median"]["real_time"].get<double>(), 4.5);
  EXPECT_DOUBLE_EQ(by_name["vm/noop/startup_mean"]["real_time"].get<double>(), 425);
  ASSERT_TRUE(by_name.count("bare/cpu/wall_median"));
  // wall's cpu_time is the same runs' CPU time (user + system).
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/wall_median"]["cpu_time"].get<double>(), 101.25 + 0.5);
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/wall_median"]["real_time"].get<double>(), 1.25 + 102.5 + 1.0);
}

TEST(ReportGbench, ASingleRunStillHasNoNaN) {
  Json doc = testing::small_results_document({"noop"});
  Json runs = Json::array();
  runs.push_back(doc["runs"][0]);  // one bare noop run
  doc["runs"] = runs;
  std::string text = render_report_gbench(model_of({parsed(doc, "one.json")}));
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_FALSE(contains(text, bad)) << bad << "\n" << text;
  Json parsed_back = Json::parse(text, nullptr, false);
  ASSERT_TRUE(parsed_back.is_object()) << text;
  EXPECT_EQ(parsed_back["benchmarks"].size(), 3u * (1 + 3)) << "startup, wall, workload: one run and 3 aggregates";
}

// --- JUnit ---------------------------------------------------------------------------------

size_t occurrences(const std::string& text, const std::string& part) {
  size_t found = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++found;
  return found;
}

/// The <testcase ...>...</testcase> elements of a JUnit document.
std::vector<std::string> testcases(const std::string& xml) {
  std::vector<std::string> found;
  for (size_t start = xml.find("<testcase "); start != std::string::npos; start = xml.find("<testcase ", start + 1))
    found.push_back(xml.substr(start, xml.find("</testcase>", start) - start));
  return found;
}

TEST(ReportJunit, MatchesTheGoldenFile) {
  expect_golden(render_report_junit(small_model()), "report_small.junit.xml");
}

TEST(ReportJunit, FourCasesPerCellAndTheCellWithAFailedRunFailsAllFour) {
  ReportModel model = small_model();
  std::string xml = render_report_junit(model);
  std::vector<std::string> cases = testcases(xml);
  ASSERT_EQ(cases.size(), model.cells.size() * 4) << "startup, wall, cpu and memory per cell\n" << xml;
  EXPECT_EQ(occurrences(xml, "<testsuites name=\"isobench report\" tests=\"24\" failures=\"4\" skipped=\"0\">"), 1u)
      << xml;
  EXPECT_EQ(occurrences(xml, "<testsuite name=\"isobench.report\" tests=\"24\" failures=\"4\" skipped=\"0\">"), 1u)
      << xml;
  std::vector<std::string> failed;
  for (const std::string& testcase : cases)
    if (contains(testcase, "<failure ")) failed.push_back(testcase.substr(0, testcase.find('>')));
  EXPECT_EQ(failed, (std::vector<std::string>{
                        "<testcase classname=\"isobench.isobench\" name=\"cpu startup_ms\" time=\"0.004500\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu wall_ms\" time=\"0.108000\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu cpu_ms\" time=\"0.103250\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu tree_peak_kib\" time=\"0.000000\"",
                    }));
  EXPECT_EQ(occurrences(xml, "<failure message=\"1 of 7 runs failed\">"), 4u) << xml;
}

TEST(ReportJunit, AMetricNotMeasuredIsSkippedNotFailed) {
  Json doc = testing::small_results_document();
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (!run.value("memory_round", false)) runs.push_back(run);  // no memory rounds: no tree_peak_kib
  doc["runs"] = runs;
  std::string xml = render_report_junit(model_of({parsed(doc, "no-memory.json")}));
  EXPECT_TRUE(contains(xml, "tests=\"24\" failures=\"3\" skipped=\"6\"")) << xml;
  for (const std::string& testcase : testcases(xml))
    EXPECT_EQ(contains(testcase, "<skipped message=\"not measured\"/>"), contains(testcase, "tree_peak_kib\""))
        << testcase;
}

TEST(ReportJunit, NamesFromTheResultsAreEscaped) {
  Json doc = testing::small_results_document({"noop", "cpu<&>"});
  doc["targets"][1]["name"] = "<script>alert(1)</script>";
  doc["targets"][2]["name"] = "a\"b'c&d";
  for (Json& run : doc["runs"]) {
    if (run["target"] == "isobench") run["target"] = "<script>alert(1)</script>";
    if (run["target"] == "vm") run["target"] = "a\"b'c&d";
    if (run["workload"] == "cpu") run["workload"] = "cpu<&>";
  }
  std::string xml = render_report_junit(model_of({parsed(doc, "hostile.json")}));
  EXPECT_FALSE(contains(xml, "<script")) << xml;
  EXPECT_FALSE(contains(xml, "a\"b")) << xml;
  EXPECT_FALSE(contains(xml, "cpu<")) << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.&lt;script&gt;alert(1)&lt;/script&gt;\""), 8u) << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.a&quot;b&#39;c&amp;d\""), 8u) << xml;
  EXPECT_EQ(occurrences(xml, "name=\"cpu&lt;&amp;&gt; startup_ms\""), 3u) << xml;
  // No attribute value holds a raw '<', '&' that starts no entity, or an early quote.
  EXPECT_FALSE(std::regex_search(xml, std::regex("=\"[^\"]*<"))) << xml;
  EXPECT_FALSE(std::regex_search(xml, std::regex("&(?!(amp|lt|gt|quot|#39);)"))) << xml;
}

}  // namespace
}  // namespace isobench::reports
