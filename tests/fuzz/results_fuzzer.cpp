// `isobench compare` and `isobench report` on a results file: the reader, then what both
// commands compute and render from it (the file compared with itself, every report format).
// While results are read and modelled, nlohmann::json exceptions are bad input, which both
// commands turn into exit 2; once a model is made, rendering it must not throw. Any other
// escaping exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/report_formats.h"
#include "reports/results_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace isobench::reports;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<Comparison> comparison;
  std::optional<ReportModel> model;
  try {
    auto loaded = parse_results(text, "fuzz.json");
    if (!loaded) return 0;
    comparison = compare_results(*loaded, *loaded, CompareOptions{});
    auto built = build_report_model(std::vector<LoadedResults>{*loaded});
    if (built) model = std::move(*built);
  } catch (const nlohmann::json::exception&) {
    // isobench says "malformed results file" and exits 2.
    return 0;
  }
  (void)render_compare_table(*comparison);
  (void)render_compare_markdown(*comparison);
  (void)render_compare_junit(*comparison);
  if (!model) return 0;
  for (Language language : {Language::kEnglish, Language::kKorean}) {
    (void)render_report_markdown(*model, language);
    (void)render_report_json(*model, language);
    (void)render_report_html(*model, language);
  }
  (void)render_report_csv(*model);
  (void)render_report_gbench(*model);
  (void)render_report_junit(*model);
  return 0;
}
