// What `bench` and `demo` share after the harness: one builder of the results document, and
// the outputs every command writes the same way (`-` is standard output; paths are checked
// before anything runs, so a bad one never costs a benchmark).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "reports/report_model.h"
#include "reports/results_document.h"

namespace isobench::cli {

/// The document of a finished (or interrupted) benchmark: the environment collected now,
/// the settings with where each came from, the runs, and the price list or why it is missing.
reports::ResultsDocument make_results_document(bench::BenchmarkResults results, reports::RunSettings settings,
                                               const std::vector<std::string>& command_line,
                                               nlohmann::ordered_json price_list = nullptr,
                                               std::string price_list_error = "");

/// The document as the report model every renderer reads (no re-parsing of its own text).
Result<reports::ReportModel> model_of(const reports::ResultsDocument& document);

/// Whether `path` can be written at the end: `-` (standard output) always; a file as
/// check_output_path says. `option` names it in the message.
Status check_output(const std::string& path, const std::string& option);

/// `text` to `path`: standard output for `-`, else the file replaced atomically.
Status write_output(const std::string& path, const std::string& text);

}  // namespace isobench::cli
