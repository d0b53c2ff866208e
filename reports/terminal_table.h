// The terminal summary of a benchmark: one row per cell with medians, their 95% intervals
// and ratios against bare. Pure: returns text.
#pragma once

#include <string>
#include <vector>

#include "bench/harness/run_record.h"
#include "reports/cell_summary.h"

namespace isobench::reports {

std::string render_terminal_table(const bench::BenchmarkResults& results, const std::vector<CellSummary>& cells);

/// With --probes: per cell, the median startup phases from the kernel's side and the median
/// CPU, memory, syscall and KVM figures; then the notes (probes off, fallbacks). Empty when
/// no cell has probe data.
std::string render_probe_table(const std::vector<CellSummary>& cells);

}  // namespace isobench::reports
