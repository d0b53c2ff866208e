// The terminal summary of a benchmark: one row per cell with medians, their 95% intervals
// and ratios against bare. Pure: returns text.
#pragma once

#include <string>
#include <vector>

#include "bench/harness/run_record.h"
#include "reports/cell_summary.h"

namespace isobench::reports {

std::string render_terminal_table(const bench::BenchmarkResults& results, const std::vector<CellSummary>& cells);

}  // namespace isobench::reports
