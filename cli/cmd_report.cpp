// `isobench report RESULTS.json... [--format md|html|csv|json|gbench|junit] [--lang en|ko] [-o FILE]`:
// results into something people (md, html), spreadsheets (csv), programs (json), Google
// Benchmark's tools (gbench) and CI systems (junit) read. Bad input exits 2 and leaves no output file.
#include <iostream>

#include "reports/report_formats.h"
#include "reports/results_codec.h"
#include "cli/commands.h"
#include "cli/results_output.h"

namespace isobench::cli {
namespace {

struct ReportArguments {
  std::vector<std::string> files;
  std::string format = "md";
  std::string language = "en";
  std::string output = "-";
  bool aggregates_only = false;
};

Result<int> report(const ReportArguments& arguments) {
  ISOBENCH_TRY(check_output(arguments.output, "-o"));
  if (arguments.aggregates_only && arguments.format != "gbench")
    return plain_error("--aggregates-only is for --format gbench");
  std::vector<reports::ResultsDocument> files;
  for (const std::string& path : arguments.files) {
    auto loaded = reports::load_results(path);
    if (!loaded) return loaded.error();
    files.push_back(std::move(*loaded));
  }
  auto model = reports::build_report_model(files);
  if (!model) return model.error();
  reports::Language language = arguments.language == "ko" ? reports::Language::kKorean : reports::Language::kEnglish;
  std::string text = arguments.format == "csv"      ? reports::render_report_csv(*model)
                     : arguments.format == "json"   ? reports::render_report_json(*model, language)
                     : arguments.format == "gbench" ? reports::render_report_gbench(*model, arguments.aggregates_only)
                     : arguments.format == "html"   ? reports::render_report_html(*model, language)
                     : arguments.format == "junit"  ? reports::render_report_junit(*model)
                                                    : reports::render_report_markdown(*model, language);
  ISOBENCH_TRY(write_output(arguments.output, text));
  if (arguments.output != "-") std::cerr << "isobench: report written to " << arguments.output << "\n";
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<ReportArguments>();
  CLI::App* command = app.add_subcommand(
      "report", "Turn results JSON into Markdown, HTML, CSV, JSON, Google Benchmark JSON or JUnit XML");
  command->add_option("results", arguments->files, "Results files (isobench-results/1) of one scenario")->required();
  command->add_option("--format", arguments->format, "md, html, csv, json, gbench or junit")
      ->check(CLI::IsMember({"md", "html", "csv", "json", "gbench", "junit"}));
  command->add_option("--lang", arguments->language, "Language of the fixed text: en or ko")
      ->check(CLI::IsMember({"en", "ko"}));
  command->add_option("-o,--output", arguments->output, "Write here; - is stdout");
  command->add_flag("--aggregates-only", arguments->aggregates_only,
                    "gbench: only the mean, median, stddev and cv of each benchmark, as Google Benchmark's "
                    "--benchmark_report_aggregates_only (one median per benchmark for charting tools)");
  command->callback(
      [arguments, &action] { action = exit_two_on_bad_input([arguments] { return report(*arguments); }); });
}

}  // namespace isobench::cli
