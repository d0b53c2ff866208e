// `isobench compare` and `isobench report` on a results file: the reader, then what both
// commands compute and render from it: the file compared with a fixed baseline both ways and
// with itself, the report of the file alone and merged with itself, every format and language.
// While results are read and modelled, nlohmann::json exceptions are bad input, which both
// commands turn into exit 2; once a model is made, rendering it must not throw. Any other
// escaping exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/demo_summary.h"
#include "reports/report_formats.h"
#include "reports/results_reader.h"

namespace {

using namespace isobench::reports;

/// A small valid file of another machine, so that comparisons meet unmatched cells and
/// environment warnings.
const LoadedResults& baseline() {
  static const LoadedResults loaded = [] {
    auto parsed = parse_results(
        R"({"schema":"isobench-results/1","environment":{"kernel":"6.1.0","cores":4},"settings":{"runs":5,)"
        R"("concurrency":[1],"workloads":["noop"]},"runs":[)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1.1,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":0.9,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1.2,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1,"wall_ms":2.1,"cpu_user_ms":0.1}]})",
        "baseline.json");
    if (!parsed) std::abort();
    return std::move(*parsed);
  }();
  return loaded;
}

void render(const Comparison& comparison) {
  (void)render_compare_table(comparison);
  (void)render_compare_markdown(comparison);
  (void)render_compare_junit(comparison);
}

void render(const ReportModel& model) {
  for (Language language : {Language::kEnglish, Language::kKorean}) {
    (void)render_report_markdown(model, language);
    (void)render_report_json(model, language);
    (void)render_report_html(model, language);
    (void)render_demo_summary(model, language);
  }
  (void)render_report_csv(model);
  (void)render_report_gbench(model);
  (void)render_report_junit(model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<Comparison> comparisons;
  std::vector<ReportModel> models;
  try {
    auto loaded = parse_results(text, "fuzz.json");
    if (!loaded) return 0;
    const CompareOptions options;
    comparisons.push_back(compare_results(*loaded, *loaded, options));
    comparisons.push_back(compare_results(baseline(), *loaded, options));
    comparisons.push_back(compare_results(*loaded, baseline(), options));
    for (const std::vector<LoadedResults>& files : {std::vector{*loaded}, std::vector{*loaded, *loaded}})
      if (auto model = build_report_model(files)) models.push_back(std::move(*model));
  } catch (const nlohmann::json::exception&) {
    // isobench says "malformed results file" and exits 2.
    return 0;
  }
  for (const Comparison& comparison : comparisons) render(comparison);
  for (const ReportModel& model : models) render(model);
  return 0;
}
