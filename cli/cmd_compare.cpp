// `isobench compare BASELINE.json CURRENT.json [--threshold 5%] [--alpha 0.05]
// [--metrics startup,wall,cpu,memory] [--format table|md|junit] [-o FILE]`: the regression
// gate. Exit 1 when anything regressed, 0 otherwise, 2 on bad input (and no output file).
#include <iostream>

#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/results_codec.h"
#include "cli/commands.h"
#include "cli/results_output.h"

namespace isobench::cli {
namespace {

constexpr int kRegressed = 1;

struct CompareArguments {
  std::string baseline;
  std::string current;
  std::string threshold = "5%";
  double alpha = 0.05;
  std::string metrics = "startup,wall,cpu,memory";
  std::string format = "table";
  std::string output = "-";
  bool allow_missing = false;
};

Result<int> compare(const CompareArguments& arguments) {
  reports::CompareOptions options;
  ISOBENCH_TRY(reports::parse_thresholds(arguments.threshold, options));
  if (!(arguments.alpha > 0 && arguments.alpha < 1)) return plain_error("--alpha must be between 0 and 1");
  options.alpha = arguments.alpha;
  options.allow_missing = arguments.allow_missing;
  auto metrics = reports::parse_metrics(arguments.metrics);
  if (!metrics) return metrics.error();
  options.metrics = *metrics;
  ISOBENCH_TRY(check_output(arguments.output, "-o"));
  auto baseline_file = reports::load_results(arguments.baseline);
  if (!baseline_file) return baseline_file.error();
  auto current_file = reports::load_results(arguments.current);
  if (!current_file) return current_file.error();
  auto baseline = model_of(*baseline_file);
  if (!baseline) return baseline.error();
  auto current = model_of(*current_file);
  if (!current) return current.error();

  reports::Comparison comparison = reports::compare_results(*baseline, *current, options);
  if (comparison.rows.empty())
    return plain_error("nothing to compare: " + arguments.baseline + " and " + arguments.current +
                       " have no target x workload cell with the same metrics in common");
  std::string text = arguments.format == "md"      ? reports::render_compare_markdown(comparison)
                     : arguments.format == "junit" ? reports::render_compare_junit(comparison)
                                                   : reports::render_compare_table(comparison);
  ISOBENCH_TRY(write_output(arguments.output, text));
  if (size_t unjudged = comparison.too_few_runs(); unjudged > 0)
    std::cerr << "isobench: warning: " << unjudged << " rows not judged: fewer than " << options.min_samples
              << " runs on a side (bench --runs 10 and --memory-runs 5 give enough); they cannot fail the gate\n";
  // Warnings go to stderr too when stdout carries a machine format.
  if (arguments.format != "table" || arguments.output != "-")
    for (const std::string& warning : comparison.environment_warnings)
      std::cerr << "isobench: warning: " << warning << "\n";
  return comparison.any_regressed() ? kRegressed : 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<CompareArguments>();
  CLI::App* command = app.add_subcommand(
      "compare", "Compare two results files: improved, regressed, unchanged or too noisy (exit 1 on a regression)");
  command->add_option("baseline", arguments->baseline, "Results JSON of the baseline")->required();
  command->add_option("current", arguments->current, "Results JSON to judge")->required();
  command->add_option("--threshold", arguments->threshold,
                      "Change that matters, in percent (5 and 5% are the same): one for all, or per metric: "
                      "startup=10,memory=3%");
  command->add_option("--alpha", arguments->alpha, "Significance level of the Mann-Whitney U test");
  command->add_option("--metrics", arguments->metrics, "Metrics to compare: startup,wall,cpu,memory");
  command->add_option("--format", arguments->format, "table, md (a PR comment) or junit")
      ->check(CLI::IsMember({"table", "md", "junit"}));
  command->add_option("-o,--output", arguments->output, "Write here; - is stdout");
  command->add_flag("--allow-missing", arguments->allow_missing,
                    "A cell of the baseline missing from the current results (a target or workload dropped or "
                    "renamed on purpose) is listed as not compared instead of failing the gate");
  command->callback(
      [arguments, &action] { action = exit_two_on_bad_input([arguments] { return compare(*arguments); }); });
}

}  // namespace isobench::cli
