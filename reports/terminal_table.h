// The terminal summary of a benchmark: one row per cell with medians and ratios against
// bare. Pure: returns text.
#pragma once

#include <string>
#include <vector>

#include "reports/cell_summary.h"
#include "reports/report_model.h"

namespace isobench::reports {

/// Every cell, with the reason of each one that did not measure in full, the skipped
/// targets, and an "interrupted" line when the benchmark was stopped.
std::string render_terminal_table(const ReportModel& model);

/// With --probes: per cell, the median startup phases from the kernel's side and the median
/// CPU, memory, syscall and KVM figures; then the notes (probes off, fallbacks). Empty when
/// no cell has probe data.
std::string render_probe_table(const std::vector<CellSummary>& cells);

}  // namespace isobench::reports
