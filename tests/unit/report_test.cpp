// isobench report's model on a small fixed results document (tests/fakes/small_results.h) and
// variants of it: merging files of one scenario (and of different hosts, with a warning),
// refusing two scenarios, choosing the container and VM columns by kind, the
// containers-versus-VMs ratios and sentences in English and Korean, the figures as tables show
// them, and what every report says about how and where it was measured and about the cells
// without full results. Each renderer has its own test file (report_*_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/report_formats.h"
#include "reports/report_model.h"
#include "tests/fakes/report_models.h"

namespace isobench::reports {
namespace {

using namespace test_models;

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
