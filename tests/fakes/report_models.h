// The small fixed results (tests/fakes/small_results.h) as the report tests use them: decoded,
// modelled, and varied (a target left out, KVM working, a failing cell); and the text checks
// the report tests share. Header-only, for every report test file.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/report_model.h"
#include "reports/results_codec.h"
#include "tests/fakes/small_results.h"

namespace isobench::reports::test_models {

using Json = nlohmann::json;

inline ResultsDocument parsed(const Json& doc, const std::string& name) {
  auto document = decode_results(doc.dump(), name);
  EXPECT_TRUE(document.ok()) << (document ? "" : document.error().text());
  return document ? *document : ResultsDocument{};
}

inline ReportModel model_of(const std::vector<ResultsDocument>& files) {
  auto model = build_report_model(files);
  EXPECT_TRUE(model.ok()) << (model ? "" : model.error().text());
  return model ? *model : ReportModel{};
}

inline ReportModel model_of(const Json& doc, const std::string& name = "small.json") {
  return model_of({parsed(doc, name)});
}

inline ReportModel small_model() {
  return model_of(testing::small_results_document());
}

/// The small document without `target`: not requested, no runs.
inline Json without_target(Json doc, const std::string& target) {
  Json targets = Json::array(), runs = Json::array();
  for (const Json& entry : doc["targets"])
    if (entry["name"] != target) targets.push_back(entry);
  for (const Json& run : doc["runs"])
    if (run["target"] != target) runs.push_back(run);
  doc["targets"] = targets;
  doc["runs"] = runs;
  return doc;
}

/// The small document with a VM that booted under KVM.
inline Json with_working_kvm(Json doc) {
  doc["environment"]["kvm"] = "usable (booted in 0.4 s)";
  for (Json& target : doc["targets"])
    if (target["kind"] == "vm") target["kvm"] = "usable (booted in 0.4 s)";
  return doc;
}

/// The small document where every run of isobench on cpu failed, its memory rounds too.
inline Json with_isobench_cpu_failing(Json doc) {
  for (Json& run : doc["runs"])
    if (run["target"] == "isobench" && run["workload"] == "cpu") {
      run["ok"] = false;
      run["exit_code"] = 1;
      run["timed_out"] = false;
      run["error"] = "crun: starting\ncrun: cannot mount proc: Operation not permitted\n";
    }
  return doc;
}

inline const CellSummary* cell_of(const ReportModel& model, const std::string& target, const std::string& workload) {
  return find_cell(model, target, workload, 1);
}

inline const SummaryRatio* ratio_of(const std::vector<SummaryRatio>& ratios, const std::string& metric,
                             const std::string& workload) {
  for (const SummaryRatio& ratio : ratios)
    if (ratio.metric == metric && ratio.workload == workload) return &ratio;
  return nullptr;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline size_t occurrences(const std::string& text, const std::string& part) {
  size_t found = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++found;
  return found;
}

inline std::string joined(const std::vector<std::string>& sentences) {
  std::string text;
  for (const std::string& sentence : sentences) text += sentence + "\n";
  return text;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

/// True when the UTF-8 `text` holds a Hangul syllable (U+AC00..U+D7A3).
inline bool has_hangul(const std::string& text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    if ((byte(i) & 0xF0) != 0xE0 || (byte(i + 1) & 0xC0) != 0x80 || (byte(i + 2) & 0xC0) != 0x80) continue;
    unsigned code = (byte(i) & 0x0Fu) << 12 | (byte(i + 1) & 0x3Fu) << 6 | (byte(i + 2) & 0x3Fu);
    if (code >= 0xAC00 && code <= 0xD7A3) return true;
  }
  return false;
}

}  // namespace isobench::reports::test_models
