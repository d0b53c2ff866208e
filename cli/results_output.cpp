#include "cli/results_output.h"

#include <iostream>

#include "bench/environment.h"
#include "common/bounded_input.h"
#include "common/file_io.h"
#include "common/version.h"

namespace isobench::cli {

reports::ResultsDocument make_results_document(bench::BenchmarkResults results, reports::RunSettings settings,
                                               const std::vector<std::string>& command_line,
                                               nlohmann::ordered_json price_list, std::string price_list_error) {
  reports::ResultsDocument document;
  document.environment = bench::collect_environment(command_line, kVersion, results.targets);
  document.settings = std::move(settings);
  document.results = std::move(results);
  document.price_list = std::move(price_list);
  document.price_list_error = std::move(price_list_error);
  return document;
}

Result<reports::ReportModel> model_of(const reports::ResultsDocument& document) {
  return reports::build_report_model({document});
}

Status check_output(const std::string& path, const std::string& option) {
  if (path == "-") return {};
  return check_output_path(path, option);
}

Status write_output(const std::string& path, const std::string& text) {
  if (path != "-") return replace_file(path, text);
  std::cout << text << std::flush;
  if (!std::cout) return plain_error("standard output: write failed");
  return {};
}

}  // namespace isobench::cli
