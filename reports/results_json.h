// The results document (schema "isobench-results/1", documented in docs/results-schema.md):
// every raw run, per-cell statistics and the environment. Pure: data in, JSON out.
#pragma once

#include <nlohmann/json.hpp>

#include "bench/harness/run_record.h"
#include "reports/cell_summary.h"

namespace isobench::reports {

inline constexpr const char* kResultsSchema = "isobench-results/1";

nlohmann::ordered_json results_to_json(const bench::BenchmarkResults& results, const std::vector<CellSummary>& cells,
                                       const nlohmann::json& environment);

}  // namespace isobench::reports
