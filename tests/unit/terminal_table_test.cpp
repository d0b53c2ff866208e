// The terminal table of a benchmark, from the small fixed results (tests/fakes/report_models.h):
// a row per cell that ran, in MiB, the others with their reason, and an interrupted run said so.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/terminal_table.h"
#include "tests/fakes/golden_file.h"
#include "tests/fakes/report_models.h"

namespace isobench::reports {
namespace {

using namespace test_models;
using testing::expect_golden;

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

}  // namespace
}  // namespace isobench::reports
