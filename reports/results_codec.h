// The codec of the results model: ResultsDocument to an isobench-results/1 document and back
// (docs/results-schema.md). The writer adds each cell's summary for other programs; the
// reader takes the raw runs and recomputes every summary, so a file says one thing only.
#pragma once

#include <string>
#include <vector>

#include "common/bounded_input.h"
#include "common/result.h"
#include "reports/cell_summary.h"
#include "reports/results_document.h"

namespace isobench::reports {

inline constexpr const char* kResultsSchema = "isobench-results/1";

/// What a results file may be: 128 MiB (a long bench with --probes writes tens of MiB),
/// nested at most 64 deep (isobench writes about 10).
extern const JsonLimits kResultsLimits;

/// The document as JSON text (two-space indent, invalid UTF-8 in captured output replaced),
/// with `cells` (summarize_cells of the document) as its "summaries".
std::string encode_results(const ResultsDocument& document, const std::vector<CellSummary>& cells);

/// `text` as a results document called `name` in errors: larger or deeper than
/// kResultsLimits, not JSON (or truncated), another schema, fields of the wrong type
/// (errors name them: "runs[3].startup_ms", "environment.cores"), no runs and no target at
/// all, and run figures that no measurement gives: negative, not finite, beyond any run (a
/// time over 1e9 ms, memory over 1e12 KiB), or missing or null startup_ms or wall_ms in a
/// successful run that measures them (--cmd runs have no startup). Fields it does not know are
/// ignored; "summaries" is derived data and not read. Never throws: what the results
/// fuzzer calls.
Result<ResultsDocument> decode_results(const std::string& text, const std::string& name);

/// The file at `path` (a regular file within kResultsLimits), read and decoded.
Result<ResultsDocument> load_results(const std::string& path);

}  // namespace isobench::reports
