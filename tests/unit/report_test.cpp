// isobench report on a small fixed results document (tests/fakes/small_results.h) and
// variants of it: merging files of one scenario, refusing two scenarios, choosing the
// container and VM columns by kind, the containers-versus-VMs ratios and sentences in English
// and Korean, what every report says about how and where it was measured and about the cells
// without full results (failed, unavailable, not run), and the renderers: Markdown, CSV,
// Google Benchmark JSON and JUnit against golden files, JSON and the terminal table checked.
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

#include "tests/fakes/golden_file.h"
#include "reports/report_formats.h"
#include "reports/report_model.h"
#include "reports/results_codec.h"
#include "reports/terminal_table.h"
#include "tests/fakes/small_results.h"

namespace isobench::reports {
namespace {

using Json = nlohmann::json;

ResultsDocument parsed(const Json& doc, const std::string& name) {
  auto document = decode_results(doc.dump(), name);
  EXPECT_TRUE(document.ok()) << (document ? "" : document.error().text());
  return document ? *document : ResultsDocument{};
}

ReportModel model_of(const std::vector<ResultsDocument>& files) {
  auto model = build_report_model(files);
  EXPECT_TRUE(model.ok()) << (model ? "" : model.error().text());
  return model ? *model : ReportModel{};
}

ReportModel model_of(const Json& doc, const std::string& name = "small.json") {
  return model_of({parsed(doc, name)});
}

ReportModel small_model() {
  return model_of(testing::small_results_document());
}

/// The small document without `target`: not requested, no runs.
Json without_target(Json doc, const std::string& target) {
  Json targets = Json::array(), runs = Json::array();
  for (const Json& entry : doc["targets"])
    if (entry["name"] != target) targets.push_back(entry);
  for (const Json& run : doc["runs"])
    if (run["target"] != target) runs.push_back(run);
  doc["targets"] = targets;
  doc["runs"] = runs;
  return doc;
}

/// The small document with a VM that booted under KVM.
Json with_working_kvm(Json doc) {
  doc["environment"]["kvm"] = "usable (booted in 0.4 s)";
  for (Json& target : doc["targets"])
    if (target["kind"] == "vm") target["kvm"] = "usable (booted in 0.4 s)";
  return doc;
}

/// The small document where every run of isobench on cpu failed, its memory rounds too.
Json with_isobench_cpu_failing(Json doc) {
  for (Json& run : doc["runs"])
    if (run["target"] == "isobench" && run["workload"] == "cpu") {
      run["ok"] = false;
      run["exit_code"] = 1;
      run["timed_out"] = false;
      run["error"] = "crun: starting\ncrun: cannot mount proc: Operation not permitted\n";
    }
  return doc;
}

const CellSummary* cell_of(const ReportModel& model, const std::string& target, const std::string& workload) {
  return find_cell(model, target, workload, 1);
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

size_t occurrences(const std::string& text, const std::string& part) {
  size_t found = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++found;
  return found;
}

std::string joined(const std::vector<std::string>& sentences) {
  std::string text;
  for (const std::string& sentence : sentences) text += sentence + "\n";
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
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

using testing::expect_golden;

// --- the model ---------------------------------------------------------------------------

TEST(ReportModel, HasACellForEveryTargetWorkloadAndLevelUnavailableOnesIncluded) {
  ReportModel model = small_model();
  EXPECT_EQ(model.sources, (std::vector<std::string>{"small.json"}));
  EXPECT_EQ(model.results.workloads, (std::vector<std::string>{"noop", "cpu"}));
  EXPECT_EQ(model.results.concurrency, (std::vector<int>{1}));
  ASSERT_EQ(model.cells.size(), 8u);  // 4 targets x 2 workloads
  std::vector<std::string> statuses;
  for (const CellSummary& cell : model.cells)
    statuses.push_back(cell.target + " " + cell.workload + ": " + cell_status_name(cell.status));
  EXPECT_EQ(statuses, (std::vector<std::string>{"bare noop: measured", "bare cpu: measured", "isobench noop: measured",
                                                "isobench cpu: partly failed", "vm noop: measured", "vm cpu: measured",
                                                "crun noop: unavailable", "crun cpu: unavailable"}));
}

TEST(ReportModel, SummarisesEachCellLeavingFailedRunsAndMemoryRoundsOut) {
  ReportModel model = small_model();
  const CellSummary* isobench_cpu = cell_of(model, "isobench", "cpu");
  ASSERT_NE(isobench_cpu, nullptr);
  EXPECT_EQ(isobench_cpu->runs, 7);
  EXPECT_EQ(isobench_cpu->failures, 1);
  ASSERT_EQ(isobench_cpu->errors.size(), 1u);
  EXPECT_EQ(isobench_cpu->errors[0].text, "timed out");
  const MetricSummary* startup = isobench_cpu->find("startup_ms");
  ASSERT_NE(startup, nullptr);
  EXPECT_EQ(startup->summary.count, 6u);
  EXPECT_DOUBLE_EQ(startup->summary.max, 5.0) << "the failed run's 9999 ms is not a sample";
  EXPECT_DOUBLE_EQ(startup->summary.median, 4.5);

  const MetricSummary* memory = isobench_cpu->find("tree_peak_kib");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->summary.count, 2u) << "only the memory rounds carry tree_peak_kib";
  EXPECT_DOUBLE_EQ(memory->summary.median, 6144 + 32);
  const MetricSummary* overhead = isobench_cpu->find("overhead_kib");
  ASSERT_NE(overhead, nullptr);
  EXPECT_DOUBLE_EQ(overhead->summary.median, 6144 + 32 - (2048 + 32)) << "whole minus bare's whole";

  const CellSummary* bare_noop = cell_of(model, "bare", "noop");
  ASSERT_NE(bare_noop, nullptr);
  EXPECT_EQ(bare_noop->runs, 6);
  EXPECT_EQ(bare_noop->failures, 0);
  const MetricSummary* cpu = bare_noop->find("cpu_ms");
  ASSERT_NE(cpu, nullptr);
  EXPECT_DOUBLE_EQ(cpu->summary.median, 0.5 + 1.25 + 0.5) << "user + system";

  const CellSummary* crun = cell_of(model, "crun", "noop");
  ASSERT_NE(crun, nullptr);
  EXPECT_TRUE(crun->metrics.empty());
  ASSERT_EQ(crun->errors.size(), 1u);
  EXPECT_EQ(crun->errors[0].text, "not installed (apt-get install crun)");
}

TEST(ReportModel, KeepsEachCellsProbesFromItsRuns) {
  ReportModel model = small_model();
  const CellSummary* probed = cell_of(model, "isobench", "noop");
  ASSERT_NE(probed, nullptr);
  ASSERT_TRUE(probed->probes.has_value());
  EXPECT_EQ(probed->probes->runs, 6);
  EXPECT_DOUBLE_EQ(phase_median(*probed, "rootfs"), 1.25);
  EXPECT_DOUBLE_EQ(phase_median(*probed, "namespaces"), 0.75);
  EXPECT_TRUE(std::isnan(phase_median(*probed, "no_such_phase")));
  for (const CellSummary& cell : model.cells) {
    if (&cell == probed) continue;
    EXPECT_FALSE(cell.probes.has_value()) << cell.target << " " << cell.workload;
    EXPECT_TRUE(std::isnan(phase_median(cell, "rootfs"))) << cell.target << " " << cell.workload;
  }
}

TEST(ReportModel, CarriesTheTypedEnvironmentAndSettingsOfTheFirstFile) {
  ReportModel model = small_model();
  EXPECT_EQ(model.environment.hostname, "testhost");
  EXPECT_EQ(model.environment.cores, 2);
  EXPECT_EQ(model.environment.mhz_per_cpu, 2000);
  EXPECT_EQ(model.environment.caches.size(), 4u);
  EXPECT_EQ(model.settings.targets, (std::vector<std::string>{"bare", "isobench", "vm", "crun"}));
  EXPECT_EQ(model.settings.sources.at("runs"), "command line");
  EXPECT_EQ(model.results.runs, 6);
  EXPECT_EQ(model.results.warmup, 1);
  EXPECT_EQ(model.results.memory_runs, 2);
}

TEST(ReportModel, TwoFilesOfOneScenarioMergeAndDoubleTheRuns) {
  Json doc = testing::small_results_document();
  ReportModel one = small_model();
  ReportModel both = model_of({parsed(doc, "first.json"), parsed(doc, "second.json")});
  EXPECT_EQ(both.sources, (std::vector<std::string>{"first.json", "second.json"}));
  EXPECT_EQ(both.results.targets.size(), 4u) << "targets listed in both files appear once";
  ASSERT_EQ(both.cells.size(), one.cells.size());
  for (size_t i = 0; i < one.cells.size(); ++i) {
    const CellSummary& single = one.cells[i];
    const CellSummary& merged = both.cells[i];
    EXPECT_EQ(merged.target, single.target);
    EXPECT_EQ(merged.workload, single.workload);
    EXPECT_EQ(merged.status, single.status);
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

TEST(ReportModel, ATargetThatRanInOneOfTheFilesIsCharted) {
  Json installed = testing::small_results_document();
  installed["targets"][3] = {{"name", "crun"}, {"kind", "container"}, {"available", true}, {"version", "1.14"}};
  for (int round = 0; round < 6; ++round)
    for (const char* workload : {"noop", "cpu"})
      installed["runs"].push_back({{"target", "crun"},
                                   {"workload", workload},
                                   {"round", round},
                                   {"ok", true},
                                   {"startup_ms", 5.0},
                                   {"wall_ms", 6.0}});
  ReportModel model =
      model_of({parsed(testing::small_results_document(), "without.json"), parsed(installed, "with.json")});
  const CellSummary* crun = cell_of(model, "crun", "noop");
  ASSERT_NE(crun, nullptr);
  EXPECT_EQ(crun->status, CellStatus::kMeasured);
  EXPECT_EQ(crun->runs, 6);
}

TEST(ReportModel, AnInterruptedFileMakesTheModelInterrupted) {
  Json stopped = testing::small_results_document();
  stopped["interrupted"] = true;
  EXPECT_FALSE(small_model().results.interrupted);
  EXPECT_TRUE(
      model_of({parsed(testing::small_results_document(), "a.json"), parsed(stopped, "b.json")}).results.interrupted);
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
  EXPECT_EQ(model.container_target, "isobench") << "crun is a container too, but did not run";
  EXPECT_EQ(model.vm_target, "vm");

  // Other names: the kinds decide; isobench wins over a container target listed before it.
  Json doc = testing::small_results_document();
  doc["targets"][3] = {{"name", "crun"}, {"kind", "container"}, {"available", true}, {"version", "1.14"}};
  std::swap(doc["targets"][1], doc["targets"][3]);  // crun now listed before isobench
  for (Json& run : doc["runs"])
    if (run["target"] == "vm") run["target"] = "firecracker";
  doc["targets"][2]["name"] = "firecracker";
  Json crun_run = doc["runs"][0];
  crun_run["target"] = "crun";
  doc["runs"].push_back(crun_run);
  ReportModel renamed = model_of(doc, "renamed.json");
  EXPECT_EQ(renamed.container_target, "isobench");
  EXPECT_EQ(renamed.vm_target, "firecracker");

  // Without isobench, another container target is the container column.
  Json without = testing::small_results_document();
  without["targets"][1]["name"] = "runc";
  for (Json& run : without["runs"])
    if (run["target"] == "isobench") run["target"] = "runc";
  EXPECT_EQ(model_of(without, "runc.json").container_target, "runc");
}

TEST(ReportModel, VmVersusContainerRatiosCoverStartupWholeMemoryOverheadAndCpuOnEveryWorkload) {
  ReportModel model = small_model();
  EXPECT_EQ(model.vm_vs_container.size(), 8u);  // 4 metrics x 2 workloads
  for (const char* workload : {"noop", "cpu"})
    for (const char* metric : {"startup_ms", "tree_peak_kib", "overhead_kib", "cpu_ms"}) {
      const SummaryRatio* ratio = ratio_of(model.vm_vs_container, metric, workload);
      ASSERT_NE(ratio, nullptr) << metric << " " << workload;
      EXPECT_GT(ratio->ratio, 1) << metric << " " << workload << ": the VM is the slower and larger";
      if (std::string(metric).ends_with("_kib")) {
        // Two memory rounds per cell: too few for an interval, so none is claimed.
        EXPECT_TRUE(std::isnan(ratio->ci.low) && std::isnan(ratio->ci.high)) << metric << " " << workload;
        continue;
      }
      EXPECT_LE(ratio->ci.low, ratio->ratio) << metric << " " << workload;
      EXPECT_GE(ratio->ci.high, ratio->ratio) << metric << " " << workload;
    }
  // Medians: the VM starts in 425 ms, the container in 4.5 ms.
  EXPECT_DOUBLE_EQ(ratio_of(model.vm_vs_container, "startup_ms", "noop")->ratio, 425.0 / 4.5);
  // Whole with whole, overhead with overhead (bare's whole, 2080 KiB, taken off both sides).
  EXPECT_DOUBLE_EQ(ratio_of(model.vm_vs_container, "tree_peak_kib", "cpu")->ratio, (204800.0 + 32) / (6144 + 32));
  EXPECT_DOUBLE_EQ(ratio_of(model.vm_vs_container, "overhead_kib", "cpu")->ratio, (204832.0 - 2080) / (6176 - 2080));
}

TEST(ReportModel, ContainerVersusBareCpuIsOnlyOnCpuWorkloads) {
  ReportModel model = small_model();
  ASSERT_EQ(model.container_vs_bare.size(), 1u);
  const SummaryRatio& ratio = model.container_vs_bare[0];
  EXPECT_EQ(ratio.workload, "cpu");
  EXPECT_EQ(ratio.metric, "cpu_ms");
  EXPECT_DOUBLE_EQ(ratio.ratio, (101.25 + 2.0) / (101.25 + 0.5));

  // A label that starts with "cpu" counts; one that merely contains it does not.
  ReportModel labelled = model_of(testing::small_results_document({"mycpu", "cpu(n=2)"}), "labels.json");
  ASSERT_EQ(labelled.container_vs_bare.size(), 1u);
  EXPECT_EQ(labelled.container_vs_bare[0].workload, "cpu(n=2)");
}

TEST(ReportModel, NoVmTargetMeansNoVmRatios) {
  ReportModel model = model_of(without_target(testing::small_results_document(), "vm"), "no-vm.json");
  EXPECT_EQ(model.vm_target, "");
  EXPECT_TRUE(model.vm_vs_container.empty());
  EXPECT_EQ(model.container_vs_bare.size(), 1u) << "the container-versus-bare figure needs no VM";
}

TEST(ReportModel, TheVmIsMarkedTcgWhenItsBootProbeSaysSo) {
  ReportModel emulated = small_model();
  EXPECT_TRUE(vm_is_emulated(emulated));
  EXPECT_EQ(target_label(emulated, "vm"), "vm (TCG)");
  EXPECT_EQ(target_label(emulated, "isobench"), "isobench");
  EXPECT_EQ(target_label(emulated, "bare"), "bare");

  ReportModel kvm = model_of(with_working_kvm(testing::small_results_document()));
  EXPECT_FALSE(vm_is_emulated(kvm));
  EXPECT_EQ(target_label(kvm, "vm"), "vm");

  // The VM target's verdict decides, not a line of the environment.
  Json only_environment = with_working_kvm(testing::small_results_document());
  only_environment["environment"]["kvm"] = testing::kSmallKvm;
  EXPECT_FALSE(vm_is_emulated(model_of(only_environment)));
}

// --- figures as the tables show them ------------------------------------------------------

TEST(ReportFigures, TimesKeepTheDigitsThatMatterAndMemoryIsInMib) {
  EXPECT_EQ(figure_text("startup_ms", 4.5), "4.50");
  EXPECT_EQ(figure_text("startup_ms", 0.25), "0.250");
  EXPECT_EQ(figure_text("wall_ms", 12.345), "12.3");
  EXPECT_EQ(figure_text("startup_ms", 425), "425");
  EXPECT_EQ(figure_text("tree_peak_kib", 6176), "6.03") << "KiB shown as MiB";
  EXPECT_EQ(figure_text("overhead_kib", 204832), "200");
  EXPECT_EQ(figure_text("startup_ms", NAN), "-");
  EXPECT_STREQ(metric_display_unit("startup_ms"), "ms");
  EXPECT_STREQ(metric_display_unit("workload_peak_kib"), "MiB");
}

TEST(ReportFigures, ATableRowHasTheLabelCountsFiguresAndTheRatioToBare) {
  ReportModel model = small_model();
  const CellSummary* isobench = cell_of(model, "isobench", "cpu");
  ASSERT_NE(isobench, nullptr);
  std::vector<std::string> row = metric_table_row(model, *isobench, *isobench->find("startup_ms"));
  ASSERT_EQ(row.size(), 8u);
  EXPECT_EQ(row[0], "isobench");
  EXPECT_EQ(row[1], "cpu");
  EXPECT_EQ(row[2], "1");
  EXPECT_EQ(row[3], "6") << "the successful runs";
  EXPECT_EQ(row[4], "4.50");
  EXPECT_TRUE(std::regex_match(row[5], std::regex("[0-9.]+ to [0-9.]+"))) << row[5];
  EXPECT_EQ(row[7], "3.60x");
  const CellSummary* vm = cell_of(model, "vm", "noop");
  ASSERT_NE(vm, nullptr);
  std::vector<std::string> vm_memory = metric_table_row(model, *vm, *vm->find("tree_peak_kib"));
  EXPECT_EQ(vm_memory[0], "vm (TCG)");
  EXPECT_EQ(vm_memory[3], "2") << "two memory rounds";
  EXPECT_EQ(vm_memory[4], "200") << "204832 KiB";
}

// --- what every report says ----------------------------------------------------------------

std::map<std::string, std::string> facts_of(const ReportModel& model, Language language) {
  std::map<std::string, std::string> facts;
  for (const Fact& fact : run_facts(model, language)) facts[fact.label] = fact.value;
  return facts;
}

TEST(ReportFacts, SayHowAndWhereItWasMeasuredAndWhereEachSettingCameFrom) {
  std::map<std::string, std::string> facts = facts_of(small_model(), Language::kEnglish);
  EXPECT_EQ(facts["measured runs per cell"], "6 (command line)");
  EXPECT_EQ(facts["warmup runs"], "1 (default)");
  EXPECT_EQ(facts["memory runs"], "2 (command line)");
  EXPECT_EQ(facts["command"],
            "isobench bench --targets bare,isobench,vm,crun --runs 6 --memory-runs 2 --probes lifecycle "
            "--allow-unavailable --json small.json");
  EXPECT_EQ(facts["target bare"], "host kernel 6.18.0-test");
  EXPECT_EQ(facts["target vm (TCG)"], "QEMU 8.2.2, guest kernel 6.18.0-test; 1 vCPU and 256 MiB of guest memory")
      << "with its notes";
  EXPECT_EQ(facts["target crun"], "not run: not installed (apt-get install crun)");
  EXPECT_EQ(facts["KVM"], testing::kSmallKvm);
  EXPECT_EQ(facts["CPU"], "Test CPU @ 2.00GHz, 2 cores");
  EXPECT_EQ(facts["memory"], "4.0 GiB") << "human units, not bytes";
  EXPECT_EQ(facts["cgroup mode"], "v2");
  EXPECT_EQ(facts["sources"], "small.json");
  EXPECT_EQ(facts.count("interrupted"), 0u);
  EXPECT_EQ(facts.count("workload command"), 0u) << "no --cmd";
}

TEST(ReportFacts, SayTheWorkloadCommandAndThatTheResultsArePartial) {
  Json doc = testing::small_results_document();
  doc["settings"]["cmd"] = {"sh", "-c", "echo hi"};
  doc["interrupted"] = true;
  std::map<std::string, std::string> facts = facts_of(model_of(doc), Language::kEnglish);
  EXPECT_EQ(facts["workload command"], "sh -c echo hi");
  EXPECT_EQ(facts["interrupted"], "yes: the results are partial");
}

TEST(ReportFacts, KoreanLabels) {
  std::map<std::string, std::string> facts = facts_of(small_model(), Language::kKorean);
  EXPECT_EQ(facts["셀당 측정 실행 수"], "6 (명령줄)");
  EXPECT_EQ(facts["대상 crun"], "실행 안 됨: not installed (apt-get install crun)");
}

TEST(ReportProblems, ListEveryCellWithoutFullResultsAndWhy) {
  EXPECT_EQ(cell_problems(small_model(), Language::kEnglish),
            (std::vector<std::string>{"isobench cpu: 1/7 runs failed: timed out",
                                      "crun noop: not available here: not installed (apt-get install crun)",
                                      "crun cpu: not available here: not installed (apt-get install crun)"}));
}

TEST(ReportProblems, ACellWhoseEveryRunFailedSaysSoWithTheError) {
  std::vector<std::string> problems =
      cell_problems(model_of(with_isobench_cpu_failing(testing::small_results_document())), Language::kEnglish);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0], "isobench cpu: every run failed (7/7): crun: cannot mount proc: Operation not permitted (x9)")
      << "the last line of stderr, and how many runs (memory rounds included) it stopped";
}

TEST(ReportProblems, CellsAnInterruptionLeftUnrunAreListed) {
  Json doc = testing::small_results_document();
  doc["interrupted"] = true;
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (run["target"] != "vm" || run["workload"] != "cpu") runs.push_back(run);
  doc["runs"] = runs;
  std::vector<std::string> problems = cell_problems(model_of(doc), Language::kEnglish);
  EXPECT_NE(std::find(problems.begin(), problems.end(), "vm (TCG) cpu: not run (the benchmark was interrupted)"),
            problems.end())
      << joined(problems);
}

// --- the summary sentences ---------------------------------------------------------------

TEST(ReportSummary, EnglishStatesTheRatiosAndTheTcgNoteWhenTheVmRanUnderTcg) {
  std::vector<std::string> sentences = summary_sentences(small_model(), Language::kEnglish);
  std::string text = joined(sentences);
  EXPECT_TRUE(contains(text, "noop: the VM took 94.4x (95% CI ")) << text;
  EXPECT_TRUE(contains(text, "as long as the container to start.")) << text;
  EXPECT_TRUE(contains(text, "with the workload included on both sides, the VM used 33.2x")) << text;
  EXPECT_TRUE(contains(text, "over a bare process of the same workload, the VM added 198.0 MiB and the container 4.0 MiB: 49.5x")) << text;
  EXPECT_TRUE(contains(text, "the CPU time of the container.")) << text;
  EXPECT_TRUE(contains(text, "cpu: the container's CPU overhead over a bare process is +1.5%.")) << text;
  EXPECT_TRUE(contains(text, "Why: a container is an ordinary process")) << text;
  EXPECT_TRUE(contains(sentences.back(), "TCG (software emulation)")) << text;
  EXPECT_FALSE(contains(text, "no VM column")) << text;
}

TEST(ReportSummary, NoTcgNoteWhenKvmWorks) {
  std::string text =
      joined(summary_sentences(model_of(with_working_kvm(testing::small_results_document())), Language::kEnglish));
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
  ReportModel model = model_of(without_target(testing::small_results_document(), "vm"), "no-vm.json");
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

// --- the terminal table --------------------------------------------------------------------

TEST(TerminalTable, ARowPerCellThatRanInMibAndTheOthersWithTheirReason) {
  std::string table = render_terminal_table(small_model());
  std::vector<std::string> lines = lines_of(table);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(contains(lines[0], "wl MiB") && contains(lines[0], "whole MiB") && contains(lines[0], "ovh MiB"))
      << lines[0];
  EXPECT_EQ(occurrences(table, "\nvm (TCG) "), 2u) << table;
  EXPECT_FALSE(contains(table, "\ncrun ")) << "an unavailable target has no row of dashes\n" << table;
  EXPECT_TRUE(contains(table,
                       "not measured in full: crun noop: not available here: not installed (apt-get install "
                       "crun)"))
      << table;
  EXPECT_TRUE(contains(table, "not measured in full: isobench cpu: 1/7 runs failed: timed out")) << table;
  EXPECT_TRUE(contains(table, " 1/7\n")) << "the fails column" << table;
  EXPECT_FALSE(contains(table, "interrupted")) << table;
  // isobench noop: workload 1.00 MiB, whole 6.03 MiB, overhead (whole minus bare's 2.03) 4.00 MiB.
  std::regex isobench_noop("\nisobench +noop +1 +4\\.50 .* 1\\.00 +6\\.03 +4\\.00 +0/6\n");
  EXPECT_TRUE(std::regex_search(table, isobench_noop)) << table;
}

TEST(TerminalTable, SaysWhenTheBenchmarkWasInterrupted) {
  Json doc = testing::small_results_document();
  doc["interrupted"] = true;
  EXPECT_TRUE(contains(render_terminal_table(model_of(doc)), "\ninterrupted: these results are partial\n"));
}

// --- the renderers -----------------------------------------------------------------------

TEST(ReportMarkdown, EnglishMatchesTheGoldenFile) {
  std::string markdown = render_report_markdown(small_model(), Language::kEnglish);
  expect_golden(markdown, "report_small.md");
  EXPECT_TRUE(contains(markdown, "# isobench report")) << markdown;
  EXPECT_TRUE(contains(markdown, "## The workload's own peak memory (VmHWM) (MiB)")) << markdown;
  EXPECT_TRUE(contains(markdown, "| vm (TCG) | noop | 1 | 6 | 425 |")) << markdown;
  EXPECT_TRUE(
      contains(markdown, "| isobench | noop | 1 | 0.500 | 0.750 | 1.25 | 0.375 | 0.500 | 0.125 | 0.250 | 1.50 |"))
      << markdown;
  EXPECT_TRUE(contains(markdown, "- KVM: " + std::string(testing::kSmallKvm))) << markdown;
  EXPECT_TRUE(contains(markdown, "- sources: small.json")) << markdown;
}

TEST(ReportMarkdown, KoreanMatchesTheGoldenFile) {
  std::string markdown = render_report_markdown(small_model(), Language::kKorean);
  expect_golden(markdown, "report_small.ko.md");
  EXPECT_TRUE(contains(markdown, "# isobench 보고서")) << markdown;
  EXPECT_TRUE(contains(markdown, "- 원본 파일: small.json")) << markdown;
  EXPECT_TRUE(contains(markdown, "## 결과가 온전하지 않은 셀")) << markdown;
}

/// The lines of the section that starts with `heading`, up to the next "## ".
std::vector<std::string> markdown_section(const std::string& markdown, const std::string& heading) {
  std::vector<std::string> lines;
  bool inside = false;
  for (const std::string& line : lines_of(markdown)) {
    if (line.rfind("## ", 0) == 0)
      inside = line == heading;
    else if (inside && !line.empty())
      lines.push_back(line);
  }
  return lines;
}

TEST(ReportMarkdown, ListsTheUnavailableTargetAndTheFailedCellsWithTheirReasons) {
  std::string markdown = render_report_markdown(small_model(), Language::kEnglish);
  EXPECT_EQ(markdown_section(markdown, "## Cells without full results"),
            (std::vector<std::string>{"- isobench cpu: 1/7 runs failed: timed out",
                                      "- crun noop: not available here: not installed (apt-get install crun)",
                                      "- crun cpu: not available here: not installed (apt-get install crun)"}));
  EXPECT_TRUE(contains(markdown, "- target crun: not run: not installed (apt-get install crun)")) << markdown;
  std::string failing = render_report_markdown(model_of(with_isobench_cpu_failing(testing::small_results_document())),
                                               Language::kEnglish);
  std::vector<std::string> problems = markdown_section(failing, "## Cells without full results");
  ASSERT_FALSE(problems.empty()) << failing;
  EXPECT_EQ(problems[0],
            "- isobench cpu: every run failed (7/7): crun: cannot mount proc: Operation not permitted (x9)");
  EXPECT_FALSE(contains(failing, "| isobench | cpu |")) << "no figures for it in the tables\n" << failing;
}

TEST(ReportMarkdown, ACleanRunHasNoProblemsSection) {
  Json doc = without_target(testing::small_results_document(), "crun");
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (run["ok"] == true) runs.push_back(run);
  doc["runs"] = runs;
  std::string markdown = render_report_markdown(model_of(doc), Language::kEnglish);
  EXPECT_FALSE(contains(markdown, "Cells without full results")) << markdown;
}

/// The CSV's lines split into fields (none of the small document's fields is quoted).
std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : lines_of(csv)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream stream(line);
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

TEST(ReportCsv, MatchesTheGoldenFileWithOneRowPerCellAndMetricAndOnePerCellWithoutFigures) {
  ReportModel model = small_model();
  std::string csv = render_report_csv(model);
  expect_golden(csv, "report_small.csv");
  std::vector<std::vector<std::string>> rows = csv_rows(csv);
  ASSERT_FALSE(rows.empty());
  const std::vector<std::string> header = {
      "target",   "workload",  "concurrency", "status", "metric", "unit", "count", "runs", "failures",      "median",
      "ci95_low", "ci95_high", "mean",        "stddev", "min",    "max",  "p90",   "p99",  "ratio_vs_bare", "error"};
  EXPECT_EQ(rows[0], header);
  size_t expected = 1;
  for (const CellSummary& cell : model.cells) expected += std::max<size_t>(cell.metrics.size(), 1);
  EXPECT_EQ(rows.size(), expected) << "a header, one row per cell and metric, one per cell without figures";
  for (const std::vector<std::string>& row : rows) EXPECT_EQ(row.size(), header.size()) << csv;
  EXPECT_TRUE(contains(csv, "\nisobench,cpu,1,partly failed,startup_ms,ms,6,7,1,4.5,")) << csv;
  EXPECT_TRUE(contains(csv, ",timed out\n")) << "the partly failed cell's rows carry its error\n" << csv;
  EXPECT_TRUE(contains(csv, "\nvm,noop,1,measured,tree_peak_kib,KiB,2,6,0,204832,")) << "raw KiB\n" << csv;
}

TEST(ReportCsv, AnUnavailableTargetIsARowWithItsStatusAndReason) {
  std::string csv = render_report_csv(small_model());
  EXPECT_TRUE(contains(csv, "\ncrun,noop,1,unavailable,,,0,0,0,,,,,,,,,,,not installed (apt-get install crun)\n"))
      << csv;
  EXPECT_TRUE(contains(csv, "\ncrun,cpu,1,unavailable,")) << csv;
}

TEST(ReportCsv, ACellWhoseEveryRunFailedIsARowWithStatusFailedAndTheError) {
  std::string csv = render_report_csv(model_of(with_isobench_cpu_failing(testing::small_results_document())));
  EXPECT_TRUE(contains(csv,
                       "\nisobench,cpu,1,failed,,,0,7,7,,,,,,,,,,,crun: cannot mount proc: Operation not permitted "
                       "(x9)\n"))
      << csv;
  EXPECT_FALSE(contains(csv, "\nisobench,cpu,1,failed,startup_ms")) << csv;
}

TEST(ReportCsv, FieldsWithCommasOrQuotesAreQuoted) {
  Json doc = with_isobench_cpu_failing(testing::small_results_document());
  for (Json& run : doc["runs"])
    if (run["target"] == "isobench" && run["workload"] == "cpu") run["error"] = "say \"no\", then stop";
  std::string csv = render_report_csv(model_of(doc));
  EXPECT_TRUE(contains(csv, ",\"say \"\"no\"\", then stop (x9)\"\n")) << csv;
}

TEST(ReportJson, NamesItsSchemaAndCarriesCellsFactsProblemsAndTheSummary) {
  std::string text = render_report_json(small_model(), Language::kEnglish);
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  EXPECT_EQ(doc["schema"], "isobench-report/1");
  EXPECT_EQ(doc["sources"], Json({"small.json"}));
  EXPECT_EQ(doc["interrupted"], false);
  bool cpu_fact = false;
  for (const Json& fact : doc["facts"])
    if (fact["label"] == "CPU") cpu_fact = fact["value"] == "Test CPU @ 2.00GHz, 2 cores";
  EXPECT_TRUE(cpu_fact) << doc["facts"];
  EXPECT_EQ(doc["problems"].size(), 3u) << doc["problems"];

  ASSERT_TRUE(doc["cells"].is_array());
  ASSERT_EQ(doc["cells"].size(), 8u);
  for (const Json& cell : doc["cells"]) {
    ASSERT_TRUE(cell["metrics"].is_object()) << cell;
    if (cell["status"] == "unavailable") {
      EXPECT_TRUE(cell["metrics"].empty()) << cell;
      continue;
    }
    EXPECT_TRUE(cell["metrics"]["startup_ms"]["median"].is_number()) << cell;
    EXPECT_EQ(cell["metrics"]["startup_ms"]["unit"], "ms") << cell;
    EXPECT_EQ(cell["metrics"]["tree_peak_kib"]["unit"], "KiB") << cell;
  }
  const Json& isobench_noop = doc["cells"][2];
  EXPECT_EQ(isobench_noop["target"], "isobench");
  EXPECT_EQ(isobench_noop["workload"], "noop");
  EXPECT_EQ(isobench_noop["runs"], 6);
  EXPECT_EQ(isobench_noop["metrics"]["startup_ms"]["count"], 6);
  EXPECT_DOUBLE_EQ(isobench_noop["probe_medians"]["phase.exec_ms"]["median"].get<double>(), 0.125);
  EXPECT_EQ(doc["cells"][3]["failures"], 1) << "isobench cpu";
  EXPECT_EQ(doc["cells"][3]["status"], "partly failed");
  EXPECT_EQ(doc["cells"][6]["errors"], (Json{{{"error", "not installed (apt-get install crun)"}, {"runs", 0}}}));

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
  ASSERT_FALSE(doc["summary"]["sentences"].empty());
  for (const Json& sentence : doc["summary"]["sentences"])
    EXPECT_TRUE(has_hangul(sentence.get<std::string>())) << sentence;
}

// --- Google Benchmark JSON -------------------------------------------------------------------

TEST(ReportGbench, MatchesTheGoldenFile) {
  expect_golden(render_report_gbench(small_model()), "report_small.gbench.json");
}

TEST(ReportGbench, TheContextIsTheHostsAsGoogleBenchmarkDescribesIt) {
  Json context = Json::parse(render_report_gbench(small_model()))["context"];
  EXPECT_EQ(context["date"], "2025-01-02T03:04:05Z");
  EXPECT_EQ(context["host_name"], "testhost");
  EXPECT_EQ(context["num_cpus"], 2);
  EXPECT_EQ(context["mhz_per_cpu"], 2000);
  ASSERT_EQ(context["caches"].size(), 4u) << context;
  EXPECT_EQ(context["caches"][0], (Json{{"type", "Data"}, {"level", 1}, {"size", 32768}, {"num_sharing", 1}}));
  EXPECT_EQ(context["caches"][3], (Json{{"type", "Unified"}, {"level", 3}, {"size", 8388608}, {"num_sharing", 2}}));
  EXPECT_TRUE(context["library_build_type"].is_string()) << context;
}

TEST(ReportGbench, IsGoogleBenchmarkJsonFieldByFieldInMicroseconds) {
  std::string text = render_report_gbench(small_model());
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_FALSE(contains(text, bad)) << bad << "\n" << text;
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  ASSERT_TRUE(doc["benchmarks"].is_array());
  std::map<std::string, std::vector<size_t>> repetition_indexes;  // run_name -> iteration rows' indexes
  std::map<std::string, std::multiset<std::string>> aggregates;   // run_name -> aggregate names
  std::map<std::string, size_t> repetitions;
  for (const Json& row : doc["benchmarks"]) {
    for (const char* key : {"name", "run_name", "run_type", "time_unit"})
      ASSERT_TRUE(row.contains(key) && row[key].is_string()) << key << " in " << row;
    for (const char* key : {"repetitions", "real_time", "cpu_time"})
      ASSERT_TRUE(row.contains(key) && row[key].is_number()) << key << " in " << row;
    EXPECT_EQ(row["time_unit"], "us") << row;
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
      EXPECT_EQ(row["aggregate_unit"], aggregate == "cv" ? "percentage" : "time") << row;
      aggregates[run_name].insert(aggregate);
    }
  }
  EXPECT_EQ(repetitions.size(), 18u) << "3 targets that ran x 2 workloads x startup, wall and workload";
  EXPECT_EQ(repetitions.count("crun/noop/startup"), 0u) << "an unavailable target has no benchmark";
  for (const auto& [run_name, count] : repetitions) {
    std::vector<size_t> expected(count);
    for (size_t i = 0; i < count; ++i) expected[i] = i;
    EXPECT_EQ(repetition_indexes[run_name], expected) << run_name;
    EXPECT_EQ(aggregates[run_name], (std::multiset<std::string>{"mean", "median", "stddev", "cv"})) << run_name;
    EXPECT_EQ(count, 6u) << run_name << ": six successful runs, the failed one left out";
  }
}

std::map<std::string, Json> aggregates_by_name(const Json& doc) {
  std::map<std::string, Json> by_name;
  for (const Json& row : doc["benchmarks"])
    if (row["run_type"] == "aggregate") by_name[row["name"]] = row;
  return by_name;
}

TEST(ReportGbench, FiguresAreTheRunsInMicrosecondsAndCpuTimeIsTheRunsCpuTime) {
  Json doc = Json::parse(render_report_gbench(small_model()));
  std::map<std::string, Json> by_name = aggregates_by_name(doc);
  ASSERT_TRUE(by_name.count("isobench/noop/startup_median"));
  EXPECT_DOUBLE_EQ(by_name["isobench/noop/startup_median"]["real_time"].get<double>(), 4500);
  EXPECT_DOUBLE_EQ(by_name["isobench/noop/startup_median"]["cpu_time"].get<double>(), 0)
      << "startup has no CPU time of its own";
  EXPECT_DOUBLE_EQ(by_name["vm/noop/startup_mean"]["real_time"].get<double>(), 425000);
  ASSERT_TRUE(by_name.count("bare/cpu/wall_median"));
  // wall's cpu_time is the same runs' CPU time (user + system).
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/wall_median"]["cpu_time"].get<double>(), (101.25 + 0.5) * 1000);
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/wall_median"]["real_time"].get<double>(), (1.25 + 102.5 + 1.0) * 1000);
  EXPECT_DOUBLE_EQ(by_name["bare/cpu/workload_median"]["cpu_time"].get<double>(), 0);
  // cv is a fraction, not a time: the workload's 0.25 ms never varies on noop.
  EXPECT_DOUBLE_EQ(by_name["bare/noop/workload_cv"]["real_time"].get<double>(), 0);
  EXPECT_GT(by_name["vm/noop/startup_cv"]["real_time"].get<double>(), 0);
  EXPECT_LT(by_name["vm/noop/startup_cv"]["real_time"].get<double>(), 1);
  // Each wall row's cpu_time is its own run's: isobench cpu round r used 100 + 0.5 r + 2 ms.
  size_t runs = 0;
  for (const Json& row : doc["benchmarks"]) {
    if (row["run_type"] != "iteration" || row["run_name"] != "isobench/cpu/wall") continue;
    ++runs;
    EXPECT_NEAR(row["cpu_time"].get<double>(), 1000 * (100.0 + 2.0) + 500 * row["repetition_index"].get<double>(), 1e-6)
        << row;
  }
  EXPECT_EQ(runs, 6u);
}

TEST(ReportGbench, AggregatesOnlyHasTheAggregateRowsAlone) {
  Json full = Json::parse(render_report_gbench(small_model()));
  Json aggregates = Json::parse(render_report_gbench(small_model(), true));
  EXPECT_EQ(aggregates["context"], full["context"]);
  ASSERT_EQ(aggregates["benchmarks"].size(), 18u * 4) << "mean, median, stddev and cv of each benchmark";
  for (const Json& row : aggregates["benchmarks"]) {
    EXPECT_EQ(row["run_type"], "aggregate") << row;
    std::string name = row["name"];
    EXPECT_TRUE(name.ends_with("_mean") || name.ends_with("_median") || name.ends_with("_stddev") ||
                name.ends_with("_cv"))
        << name;
  }
  EXPECT_EQ(aggregates_by_name(aggregates), aggregates_by_name(full)) << "the same aggregates";
}

TEST(ReportGbench, ASingleRunStillHasNoNaN) {
  Json doc = testing::small_results_document({"noop"});
  Json runs = Json::array();
  runs.push_back(doc["runs"][0]);  // one bare noop run
  doc["runs"] = runs;
  std::string text = render_report_gbench(model_of(doc, "one.json"));
  for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_FALSE(contains(text, bad)) << bad << "\n" << text;
  Json parsed_back = Json::parse(text, nullptr, false);
  ASSERT_TRUE(parsed_back.is_object()) << text;
  EXPECT_EQ(parsed_back["benchmarks"].size(), 3u * (1 + 4)) << "startup, wall, workload: one run and 4 aggregates";
}

TEST(ReportGbench, ACellWhoseEveryRunFailedHasNoBenchmark) {
  Json doc = Json::parse(render_report_gbench(model_of(with_isobench_cpu_failing(testing::small_results_document()))));
  for (const Json& row : doc["benchmarks"])
    EXPECT_FALSE(row["run_name"].get<std::string>().starts_with("isobench/cpu/")) << row;
  EXPECT_EQ(aggregates_by_name(doc).count("isobench/noop/startup_median"), 1u);
}

TEST(ReportGbench, ACellThatDidNotMeasureInFullIsNamedWithItsErrorInTheContext) {
  // No benchmark row for it (charting tools would plot a 0), but the file does not hide it.
  Json doc = Json::parse(render_report_gbench(model_of(with_isobench_cpu_failing(testing::small_results_document()))));
  ASSERT_TRUE(doc["context"].contains("isobench_problems")) << doc["context"];
  const Json& problems = doc["context"]["isobench_problems"];
  ASSERT_EQ(problems.size(), 3u) << problems;
  EXPECT_EQ(problems[0], "isobench cpu: every run failed (7/7): crun: cannot mount proc: Operation not permitted (x9)");
  EXPECT_EQ(problems[1], "crun noop: not available here: not installed (apt-get install crun)");
}

// --- JUnit ---------------------------------------------------------------------------------

/// The <testcase ...>...</testcase> elements of a JUnit document.
std::vector<std::string> testcases(const std::string& xml) {
  std::vector<std::string> found;
  for (size_t start = xml.find("<testcase "); start != std::string::npos; start = xml.find("<testcase ", start + 1))
    found.push_back(xml.substr(start, xml.find("</testcase>", start) - start));
  return found;
}

/// The attributes of the first `<element ...>` tag, by name.
std::map<std::string, std::string> attributes(const std::string& xml, const std::string& element) {
  std::map<std::string, std::string> found;
  size_t start = xml.find("<" + element + " ");
  if (start == std::string::npos) return found;
  std::string tag = xml.substr(start, xml.find('>', start) - start);
  std::regex attribute("([a-z_]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(tag.begin(), tag.end(), attribute); it != std::sregex_iterator(); ++it)
    found[(*it)[1]] = (*it)[2];
  return found;
}

std::set<std::string> names_of(const std::map<std::string, std::string>& attributes) {
  std::set<std::string> names;
  for (const auto& [name, value] : attributes) names.insert(name);
  return names;
}

TEST(ReportJunit, MatchesTheGoldenFile) {
  expect_golden(render_report_junit(small_model()), "report_small.junit.xml");
}

// Jenkins' junit-10.xsd (the xunit plugin's): testsuites may carry name, time, tests,
// failures, errors and nothing else; testsuite requires name, tests, failures and errors;
// every time is SUREFIRE_TIME, digits with an optional fraction.
TEST(ReportJunit, IsValidAgainstJenkinsJunit10Xsd) {
  for (const std::string& xml :
       {render_report_junit(small_model()),
        render_report_junit(model_of(with_isobench_cpu_failing(testing::small_results_document())))}) {
    std::map<std::string, std::string> suites = attributes(xml, "testsuites");
    EXPECT_EQ(names_of(suites), (std::set<std::string>{"name", "tests", "failures", "errors", "time"})) << xml;
    std::map<std::string, std::string> suite = attributes(xml, "testsuite");
    for (const char* required : {"name", "tests", "failures", "errors"})
      EXPECT_EQ(suite.count(required), 1u) << required << "\n" << xml;
    std::regex surefire_time("^[0-9]+(\\.[0-9]*)?$");
    std::regex time_attribute(" time=\"([^\"]*)\"");
    size_t times = 0;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), time_attribute); it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(std::regex_match((*it)[1].str(), surefire_time)) << (*it)[0];
      ++times;
    }
    EXPECT_EQ(times, testcases(xml).size() + 2) << "every case, the suite and the suites have one";
  }
}

TEST(ReportJunit, AMemoryCaseHasNoTimeItsFigureIsNotADuration) {
  for (const std::string& testcase : testcases(render_report_junit(small_model()))) {
    if (!contains(testcase, "tree_peak_kib\"")) continue;
    std::smatch time;
    ASSERT_TRUE(std::regex_search(testcase, time, std::regex(" time=\"([^\"]*)\""))) << testcase;
    EXPECT_DOUBLE_EQ(std::stod(time[1]), 0) << testcase;
  }
}

TEST(ReportJunit, FourCasesPerCellTheCellWithAFailedRunFailsAndTheUnavailableTargetIsSkipped) {
  ReportModel model = small_model();
  std::string xml = render_report_junit(model);
  std::vector<std::string> cases = testcases(xml);
  ASSERT_EQ(cases.size(), model.cells.size() * 4) << "startup, wall, cpu and memory per cell\n" << xml;
  std::map<std::string, std::string> suites = attributes(xml, "testsuites");
  EXPECT_EQ(suites["tests"], "32");
  EXPECT_EQ(suites["failures"], "4");
  EXPECT_EQ(suites["errors"], "0");
  std::map<std::string, std::string> suite = attributes(xml, "testsuite");
  EXPECT_EQ(suite["tests"], "32");
  EXPECT_EQ(suite["failures"], "4");
  EXPECT_EQ(suite["errors"], "0");
  EXPECT_EQ(suite["skipped"], "8") << "crun: 2 cells x 4 metrics";
  std::vector<std::string> failed;
  for (const std::string& testcase : cases)
    if (contains(testcase, "<failure ")) failed.push_back(testcase.substr(0, testcase.find('>')));
  EXPECT_EQ(failed, (std::vector<std::string>{
                        "<testcase classname=\"isobench.isobench\" name=\"cpu startup_ms\" time=\"0.004500\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu wall_ms\" time=\"0.108000\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu cpu_ms\" time=\"0.103250\"",
                        "<testcase classname=\"isobench.isobench\" name=\"cpu tree_peak_kib\" time=\"0.000000\"",
                    }));
  EXPECT_EQ(occurrences(xml, "<failure message=\"1 of 7 runs failed\">timed out\n"), 4u) << xml;
  EXPECT_EQ(occurrences(xml,
                        "<skipped message=\"target not available here\">not installed (apt-get install "
                        "crun)</skipped>"),
            8u)
      << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.vm (TCG)\""), 8u) << "the emulated VM is marked\n" << xml;
}

TEST(ReportJunit, ACellWhoseEveryRunFailedFailsWithTheError) {
  std::string xml = render_report_junit(model_of(with_isobench_cpu_failing(testing::small_results_document())));
  EXPECT_EQ(attributes(xml, "testsuite")["failures"], "4");
  EXPECT_EQ(occurrences(xml,
                        "<failure message=\"7 of 7 runs failed\">crun: cannot mount proc: Operation not "
                        "permitted (x9)</failure>"),
            4u)
      << xml;
}

TEST(ReportJunit, CellsAnInterruptionLeftUnrunAreSkipped) {
  Json doc = testing::small_results_document();
  doc["interrupted"] = true;
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (run["target"] != "vm" || run["workload"] != "cpu") runs.push_back(run);
  doc["runs"] = runs;
  std::string xml = render_report_junit(model_of(doc));
  EXPECT_EQ(occurrences(xml, "<skipped message=\"not run: the benchmark was interrupted\">"), 4u) << xml;
  EXPECT_EQ(attributes(xml, "testsuite")["skipped"], "12");
}

TEST(ReportJunit, AMetricNotMeasuredIsSkippedNotFailed) {
  Json doc = testing::small_results_document();
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (!run.value("memory_round", false)) runs.push_back(run);  // no memory rounds: no tree_peak_kib
  doc["runs"] = runs;
  std::string xml = render_report_junit(model_of(doc, "no-memory.json"));
  std::map<std::string, std::string> suite = attributes(xml, "testsuite");
  EXPECT_EQ(suite["failures"], "4") << "the partly failed cell fails whatever the metric";
  EXPECT_EQ(suite["skipped"], "13") << "crun's 8 and the memory case of the 5 measured cells";
  size_t measured_cells = 0;
  for (const std::string& testcase : testcases(xml)) {
    if (!contains(testcase, "tree_peak_kib\"") || contains(testcase, "isobench.isobench\" name=\"cpu") ||
        contains(testcase, "isobench.crun"))
      continue;
    ++measured_cells;
    EXPECT_TRUE(contains(testcase, "<skipped message=\"not measured for this target or workload\">")) << testcase;
  }
  EXPECT_EQ(measured_cells, 5u);
}

TEST(ReportJunit, NamesFromTheResultsAreEscaped) {
  Json doc = testing::small_results_document({"noop", "cpu<&>"});
  doc["targets"][1]["name"] = "<script>alert(1)</script>";
  doc["targets"][2]["name"] = "a\"b'c&d";
  for (Json& run : doc["runs"]) {
    if (run["target"] == "isobench") run["target"] = "<script>alert(1)</script>";
    if (run["target"] == "vm") run["target"] = "a\"b'c&d";
  }
  std::string xml = render_report_junit(model_of(doc, "hostile.json"));
  EXPECT_FALSE(contains(xml, "<script")) << xml;
  EXPECT_FALSE(contains(xml, "a\"b")) << xml;
  EXPECT_FALSE(contains(xml, "cpu<")) << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.&lt;script&gt;alert(1)&lt;/script&gt;\""), 8u) << xml;
  EXPECT_EQ(occurrences(xml, "classname=\"isobench.a&quot;b&#39;c&amp;d (TCG)\""), 8u) << xml;
  EXPECT_EQ(occurrences(xml, "name=\"cpu&lt;&amp;&gt; startup_ms\""), 4u) << "bare, isobench, vm and crun\n" << xml;
  // No attribute value holds a raw '<', '&' that starts no entity, or an early quote.
  EXPECT_FALSE(std::regex_search(xml, std::regex("=\"[^\"]*<"))) << xml;
  EXPECT_FALSE(std::regex_search(xml, std::regex("&(?!(amp|lt|gt|quot|#39);)"))) << xml;
}

TEST(ReportModel, FilesFromDifferentHostsAreMergedWithAWarningInTheReport) {
  Json other = testing::small_results_document();
  other["environment"]["kernel"] = "6.1.0-other";
  ReportModel model = model_of({parsed(testing::small_results_document(), "a.json"), parsed(other, "b.json")});
  ASSERT_EQ(model.environment_warnings.size(), 1u);
  EXPECT_TRUE(contains(model.environment_warnings[0], "kernel differs")) << model.environment_warnings[0];
  std::string markdown = render_report_markdown(model, Language::kEnglish);
  EXPECT_TRUE(contains(markdown, "warning: files from different hosts: kernel differs")) << markdown;
  EXPECT_TRUE(contains(render_report_html(model, Language::kEnglish), "kernel differs"));
}

}  // namespace
}  // namespace isobench::reports
