// `report --format json` (isobench-report/1): the cells, facts, problems and summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/report_formats.h"
#include "tests/fakes/golden_file.h"
#include "tests/fakes/report_models.h"

namespace isobench::reports {
namespace {

using namespace test_models;
using testing::expect_golden;

TEST(ReportJson, NamesItsSchemaAndCarriesCellsFactsProblemsAndTheSummary) {
  std::string text = render_report_json(small_model(), Language::kEnglish);
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  EXPECT_EQ(doc["schema"], "isobench-report/1");
  EXPECT_EQ(doc["sources"], Json({"small.json"}));
  EXPECT_EQ(doc["interrupted"], false);
  bool cpu_fact = false;
  for (const Json& fact : doc["facts"])
    if (fact["label"] == "CPU") cpu_fact = fact["value"] == "Test CPU @ 2.00GHz, 2 cores";
  EXPECT_TRUE(cpu_fact) << doc["facts"];
  EXPECT_EQ(doc["problems"].size(), 3u) << doc["problems"];

  ASSERT_TRUE(doc["cells"].is_array());
  ASSERT_EQ(doc["cells"].size(), 8u);
  for (const Json& cell : doc["cells"]) {
    ASSERT_TRUE(cell["metrics"].is_object()) << cell;
    if (cell["status"] == "unavailable") {
      EXPECT_TRUE(cell["metrics"].empty()) << cell;
      continue;
    }
    EXPECT_TRUE(cell["metrics"]["startup_ms"]["median"].is_number()) << cell;
    EXPECT_EQ(cell["metrics"]["startup_ms"]["unit"], "ms") << cell;
    EXPECT_EQ(cell["metrics"]["tree_peak_kib"]["unit"], "KiB") << cell;
  }
  const Json& isobench_noop = doc["cells"][2];
  EXPECT_EQ(isobench_noop["target"], "isobench");
  EXPECT_EQ(isobench_noop["workload"], "noop");
  EXPECT_EQ(isobench_noop["runs"], 6);
  EXPECT_EQ(isobench_noop["metrics"]["startup_ms"]["count"], 6);
  EXPECT_DOUBLE_EQ(isobench_noop["probe_medians"]["phase.exec_ms"]["median"].get<double>(), 0.125);
  EXPECT_EQ(doc["cells"][3]["failures"], 1) << "isobench cpu";
  EXPECT_EQ(doc["cells"][3]["status"], "partly failed");
  EXPECT_EQ(doc["cells"][6]["errors"], (Json{{{"error", "not installed (apt-get install crun)"}, {"runs", 0}}}));

  const Json& summary = doc["summary"];
  EXPECT_EQ(summary["container_target"], "isobench");
  EXPECT_EQ(summary["vm_target"], "vm");
  ASSERT_TRUE(summary["sentences"].is_array());
  EXPECT_FALSE(summary["sentences"].empty());
  bool startup = false;
  for (const Json& ratio : summary["vm_vs_container"])
    if (ratio["metric"] == "startup_ms" && ratio["workload"] == "noop") {
      startup = true;
      ASSERT_TRUE(ratio["ratio"].is_number()) << ratio;
      EXPECT_GT(ratio["ratio"].get<double>(), 1) << "the VM starts slower than the container";
      ASSERT_EQ(ratio["ci95"].size(), 2u) << ratio;
    }
  EXPECT_TRUE(startup) << summary;
  ASSERT_EQ(summary["container_vs_bare"].size(), 1u);
  EXPECT_EQ(summary["container_vs_bare"][0]["workload"], "cpu");
}

TEST(ReportJson, KoreanSentencesInTheKoreanReport) {
  Json doc = Json::parse(render_report_json(small_model(), Language::kKorean));
  ASSERT_FALSE(doc["summary"]["sentences"].empty());
  for (const Json& sentence : doc["summary"]["sentences"])
    EXPECT_TRUE(has_hangul(sentence.get<std::string>())) << sentence;
}

}  // namespace
}  // namespace isobench::reports
