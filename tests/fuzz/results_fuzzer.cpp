// `isobench compare` and `isobench report` on a results file: the reader, then what both
// commands compute and render from it (the file compared with itself, every report format).
// nlohmann::json exceptions are bad input, which both commands turn into exit 2; any other
// escaping exception or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/report_formats.h"
#include "reports/results_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace isobench::reports;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto loaded = parse_results(text, "fuzz.json");
    if (!loaded) return 0;
    Comparison comparison = compare_results(*loaded, *loaded, CompareOptions{});
    (void)render_compare_table(comparison);
    (void)render_compare_markdown(comparison);
    (void)render_compare_junit(comparison);

    auto model = build_report_model(std::vector<LoadedResults>{*loaded});
    if (!model) return 0;
    for (Language language : {Language::kEnglish, Language::kKorean}) {
      (void)render_report_markdown(*model, language);
      (void)render_report_json(*model, language);
      (void)render_report_html(*model, language);
    }
    (void)render_report_csv(*model);
    (void)render_report_gbench(*model);
    (void)render_report_junit(*model);
  } catch (const nlohmann::json::exception&) {
    // isobench says "malformed results file" and exits 2.
  }
  return 0;
}
