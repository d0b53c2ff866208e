// `isobench compare` and `isobench report` on a results file: the codec's reader, then what
// both commands compute and render from the typed document: the file compared with a fixed
// baseline both ways and with itself, the report of the file alone and merged with itself,
// every format and language, the terminal tables, and the file written back and read again.
// decode_results promises never to throw, and the model, the comparison and the renderers
// take typed data only: any exception escaping here, a document that does not survive its
// own round trip, or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/demo_summary.h"
#include "reports/report_formats.h"
#include "reports/results_codec.h"
#include "reports/terminal_table.h"

namespace {

using namespace isobench::reports;

/// A small valid file of another machine, so that comparisons meet unmatched cells, a target
/// that cannot run, and environment warnings.
const ReportModel& baseline() {
  static const ReportModel model = [] {
    auto decoded = decode_results(
        R"({"schema":"isobench-results/1","environment":{"kernel":"6.1.0","cores":4,"cgroup_mode":"v1"},)"
        R"("settings":{"runs":5,"concurrency":[1],"workloads":["noop"]},)"
        R"("targets":[{"name":"bare","kind":"process","available":true,"version":"host"},)"
        R"({"name":"crun","kind":"container","available":false,"skipped_because":"not installed"}],"runs":[)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1.1,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":0.9,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1.2,"wall_ms":2,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"startup_ms":1,"wall_ms":2.1,"cpu_user_ms":0.1},)"
        R"({"target":"bare","workload":"noop","ok":true,"memory_round":true,"tree_peak_kib":2048,)"
        R"("workload_peak_kib":1024}]})",
        "baseline.json");
    if (!decoded) std::abort();
    decoded->name = "baseline.json";
    auto built = build_report_model({*decoded});
    if (!built) std::abort();
    return std::move(*built);
  }();
  return model;
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
  (void)render_report_gbench(model, true);
  (void)render_report_junit(model);
  (void)render_terminal_table(model);
  (void)render_probe_table(model.cells);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = decode_results(text, "fuzz.json");
  if (!loaded) return 0;  // isobench says why and exits 2

  // What bench would write of this document reads back as the same document.
  const std::string written = encode_results(*loaded, summarize_cells(loaded->results));
  auto reread = decode_results(written, "fuzz.json");
  if (!reread || encode_results(*reread, summarize_cells(reread->results)) != written) std::abort();

  std::vector<ReportModel> models;
  for (const std::vector<ResultsDocument>& files : {std::vector{*loaded}, std::vector{*loaded, *loaded}})
    if (auto model = build_report_model(files)) models.push_back(std::move(*model));
  std::vector<Comparison> comparisons;
  const CompareOptions options;
  if (!models.empty()) {
    const ReportModel& model = models.front();
    comparisons.push_back(compare_results(model, model, options));
    comparisons.push_back(compare_results(baseline(), model, options));
    comparisons.push_back(compare_results(model, baseline(), options));
  }
  for (const Comparison& comparison : comparisons) render(comparison);
  for (const ReportModel& model : models) render(model);
  return 0;
}
