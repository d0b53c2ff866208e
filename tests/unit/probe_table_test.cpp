// The probes in the terminal's "From the kernel's side" table and in each cell summary's
// `probes` (successful runs only).
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

// --- render_probe_table ----------------------------------------------------------------------

CellSummary cell(const std::string& target, const std::string& workload, std::optional<ProbeAggregate> probes) {
  CellSummary summary;
  summary.target = target;
  summary.workload = workload;
  summary.runs = probes ? probes->runs : 1;
  summary.probes = std::move(probes);
  return summary;
}

Strings lines_of(const std::string& text) {
  Strings lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

Strings words_of(const std::string& line) {
  Strings words;
  std::istringstream stream(line);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

/// The line of `text` that starts with `target` (after leading blanks), or "".
std::string row_of(const std::string& text, const std::string& target) {
  for (const std::string& line : lines_of(text)) {
    Strings words = words_of(line);
    if (!words.empty() && words[0] == target) return line;
  }
  return "";
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

// Row columns: target workload conc, eight phases, "|", on-CPU, vol/inv, faults, wl calls, kvm.
constexpr size_t kRowWords = 17;

TEST(RenderProbeTable, IsEmptyWithoutCells) {
  EXPECT_EQ(render_probe_table({}), "");
}

TEST(RenderProbeTable, IsEmptyWhenNoCellHasProbes) {
  EXPECT_EQ(render_probe_table({cell("bare", "noop", std::nullopt), cell("isobench", "noop", std::nullopt)}), "");
}

TEST(RenderProbeTable, HasAHeaderAndOneRowPerCellWithProbes) {
  std::string text =
      render_probe_table({cell("bare", "noop", aggregate({sample_report(1)})), cell("runc", "noop", std::nullopt),
                          cell("isobench", "noop", aggregate({sample_report(2)}))});
  EXPECT_EQ(occurrences(text, "From the kernel's side"), 1u) << text;
  EXPECT_NE(row_of(text, "bare"), "") << text;
  EXPECT_NE(row_of(text, "isobench"), "") << text;
  EXPECT_EQ(row_of(text, "runc"), "") << text;
  EXPECT_LT(text.find("From the kernel's side"), text.find(row_of(text, "bare"))) << text;
  EXPECT_LT(text.find(row_of(text, "bare")), text.find(row_of(text, "isobench"))) << text;
}

TEST(RenderProbeTable, ARowShowsTheMedians) {
  std::string row = row_of(render_probe_table({cell("isobench", "noop", aggregate({sample_report(2)}))}), "isobench");
  Strings words = words_of(row);
  ASSERT_EQ(words.size(), kRowWords) << row;
  EXPECT_EQ(words[1], "noop");
  EXPECT_EQ(words[2], "1");
  EXPECT_EQ(words[3], "2.100");   // runtime_start
  EXPECT_EQ(words[4], "2.200");   // namespaces
  EXPECT_EQ(words[10], "2.800");  // teardown
  EXPECT_EQ(words[11], "|");
  EXPECT_EQ(words[12], "2.000");  // on-CPU ms
  EXPECT_EQ(words[13], "6/2");    // voluntary/involuntary switches
  EXPECT_EQ(words[14], "200");    // minor faults
  EXPECT_EQ(words[15], "20");     // workload syscalls
  EXPECT_EQ(words[16], "6");      // kvm exits
}

TEST(RenderProbeTable, AMissingMedianIsADash) {
  // The wall clock fallback and rusage cpu only: no phase but the total, no faults, calls or exits.
  std::vector<ProbeReport> reports(1);
  reports[0].lifecycle = wall_clock_lifecycle(12);
  reports[0].cpu = rusage_cpu(3'000'000);
  std::string row = row_of(render_probe_table({cell("bwrap", "noop", aggregate(reports))}), "bwrap");
  Strings words = words_of(row);
  ASSERT_EQ(words.size(), kRowWords) << row;
  for (size_t i = 3; i <= 10; ++i) EXPECT_EQ(words[i], "-") << "column " << i << " of " << row;
  EXPECT_EQ(words[12], "3.000") << row;
  EXPECT_EQ(words[13], "0/0") << row;
  EXPECT_EQ(words[14], "-") << row;
  EXPECT_EQ(words[15], "-") << row;
  EXPECT_EQ(words[16], "-") << row;
}

TEST(RenderProbeTable, MissingSwitchCountsAreDashes) {
  std::vector<ProbeReport> reports(1);
  reports[0].lifecycle = bpf_lifecycle(1);
  Strings words = words_of(row_of(render_probe_table({cell("bare", "noop", aggregate(reports))}), "bare"));
  ASSERT_EQ(words.size(), kRowWords);
  EXPECT_EQ(words[13], "-/-");
}

TEST(RenderProbeTable, EachDistinctNoteAppearsOnce) {
  ProbeAggregate first = aggregate({sample_report(1)});
  first.notes = {"kvm probe off: no KVM", "syscalls: fallback"};
  ProbeAggregate second = aggregate({sample_report(1)});
  second.notes = {"syscalls: fallback", "cpu: partial"};
  std::string text = render_probe_table({cell("bare", "noop", first), cell("isobench", "noop", second)});
  EXPECT_EQ(occurrences(text, "note: kvm probe off: no KVM\n"), 1u) << text;
  EXPECT_EQ(occurrences(text, "note: syscalls: fallback\n"), 1u) << text;
  EXPECT_EQ(occurrences(text, "note: cpu: partial\n"), 1u) << text;
  EXPECT_EQ(occurrences(text, "note: "), 3u) << text;
}

TEST(RenderProbeTable, WritesNoNoteLinesWhenTheRunsHadNoNotes) {
  std::string text = render_probe_table({cell("bare", "noop", aggregate({sample_report(1)}))});
  EXPECT_EQ(occurrences(text, "note: "), 0u) << text;
}

// --- summarize_cells: probes -------------------------------------------------------------------

bench::RunRecord record(const std::string& target, bool ok, std::optional<ProbeReport> probes) {
  bench::RunRecord run;
  run.target = target;
  run.workload = "noop";
  run.ok = ok;
  run.startup_ms = 1;
  run.wall_ms = 2;
  run.probes = std::move(probes);
  return run;
}

bench::BenchmarkResults results_of(std::vector<bench::RunRecord> records) {
  bench::BenchmarkResults results;
  results.targets = {{"bare", "process", true, "host kernel", {}, ""}, {"isobench", "container", true, "1.0", {}, ""}};
  results.workloads = {"noop"};
  results.concurrency = {1};
  results.records = std::move(records);
  return results;
}

const CellSummary* find_cell(const std::vector<CellSummary>& cells, const std::string& target) {
  for (const CellSummary& summary : cells)
    if (summary.target == target) return &summary;
  return nullptr;
}

TEST(SummarizeCellsProbes, AggregatesTheSuccessfulRunsReports) {
  std::vector<CellSummary> cells = summarize_cells(
      results_of({record("isobench", true, sample_report(1)), record("isobench", true, sample_report(3)),
                  record("isobench", true, sample_report(2))}));
  const CellSummary* isobench = find_cell(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  ASSERT_TRUE(isobench->probes.has_value());
  EXPECT_EQ(isobench->probes->runs, 3);
  EXPECT_DOUBLE_EQ(isobench->probes->median("phase.namespaces_ms"), 2.2);
}

TEST(SummarizeCellsProbes, LeavesOutFailedRuns) {
  std::vector<CellSummary> cells = summarize_cells(
      results_of({record("isobench", true, sample_report(1)), record("isobench", false, sample_report(900)),
                  record("isobench", false, sample_report(800))}));
  const CellSummary* isobench = find_cell(cells, "isobench");
  ASSERT_NE(isobench, nullptr);
  EXPECT_EQ(isobench->failures, 2);
  ASSERT_TRUE(isobench->probes.has_value());
  EXPECT_EQ(isobench->probes->runs, 1);
  EXPECT_DOUBLE_EQ(isobench->probes->median("phase.namespaces_ms"), 1.2);
}

TEST(SummarizeCellsProbes, LeavesProbesEmptyWhenNoRunHasThem) {
  std::vector<CellSummary> cells =
      summarize_cells(results_of({record("bare", true, std::nullopt), record("bare", true, std::nullopt)}));
  const CellSummary* bare = find_cell(cells, "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(bare->runs, 2);
  EXPECT_FALSE(bare->probes.has_value());
}

TEST(SummarizeCellsProbes, LeavesProbesEmptyWhenOnlyFailedRunsHaveThem) {
  std::vector<CellSummary> cells =
      summarize_cells(results_of({record("bare", true, std::nullopt), record("bare", false, sample_report(1))}));
  const CellSummary* bare = find_cell(cells, "bare");
  ASSERT_NE(bare, nullptr);
  EXPECT_FALSE(bare->probes.has_value());
}

TEST(SummarizeCellsProbes, CountsOnlyTheRunsThatCarryAReport) {
  std::vector<CellSummary> cells =
      summarize_cells(results_of({record("bare", true, sample_report(4)), record("bare", true, std::nullopt),
                                  record("bare", true, std::nullopt)}));
  const CellSummary* bare = find_cell(cells, "bare");
  ASSERT_NE(bare, nullptr);
  ASSERT_TRUE(bare->probes.has_value());
  EXPECT_EQ(bare->probes->runs, 1);
  EXPECT_DOUBLE_EQ(bare->probes->median("cpu.on_cpu_ms"), 4);
}

TEST(SummarizeCellsProbes, EachCellAggregatesOnlyItsOwnRuns) {
  std::vector<CellSummary> cells =
      summarize_cells(results_of({record("bare", true, sample_report(1)), record("isobench", true, sample_report(5)),
                                  record("bare", true, sample_report(3))}));
  const CellSummary* bare = find_cell(cells, "bare");
  const CellSummary* isobench = find_cell(cells, "isobench");
  ASSERT_NE(bare, nullptr);
  ASSERT_NE(isobench, nullptr);
  ASSERT_TRUE(bare->probes.has_value());
  ASSERT_TRUE(isobench->probes.has_value());
  EXPECT_EQ(bare->probes->runs, 2);
  EXPECT_DOUBLE_EQ(bare->probes->median("cpu.on_cpu_ms"), 2);
  EXPECT_EQ(isobench->probes->runs, 1);
  EXPECT_DOUBLE_EQ(isobench->probes->median("cpu.on_cpu_ms"), 5);
}

}  // namespace
}  // namespace isobench::reports
