// `isobench report --format html` on the small fixed results document and variants of it: a
// self-contained page (nothing fetched, no scripts, no stray Markdown) checked against a golden
// file, with every section, a chart per question, every name from the results escaped, the
// Korean page in Korean throughout, emulated VMs labelled, the cells without full results
// listed with why, the settings and where they came from, and the price list, the
// concurrency chart and the log scale when the data calls for them.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/golden_file.h"
#include "reports/report_formats.h"
#include "reports/report_model.h"
#include "reports/results_codec.h"
#include "tests/fakes/report_models.h"
#include "tests/fakes/small_results.h"

namespace isobench::reports {
namespace {

using namespace test_models;

std::string html_of(const Json& doc, Language language = Language::kEnglish) {
  return render_report_html(model_of(doc), language);
}

std::string small_html(Language language = Language::kEnglish) {
  return html_of(testing::small_results_document(), language);
}

/// The <section id="ID"> element, or "" when the page has none.
std::string section(const std::string& html, const std::string& id) {
  size_t start = html.find("<section id=\"" + id + "\">");
  if (start == std::string::npos) return "";
  size_t end = html.find("</section>", start);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// Every chart (<svg class="chart" ...>...</svg>) in `html`.
std::vector<std::string> charts(const std::string& html) {
  std::vector<std::string> found;
  for (size_t start = html.find("<svg class=\"chart\""); start != std::string::npos;
       start = html.find("<svg class=\"chart\"", start + 1)) {
    size_t end = html.find("</svg>", start);
    found.push_back(html.substr(start, end == std::string::npos ? std::string::npos : end + 6 - start));
  }
  return found;
}

using testing::expect_golden;

/// The sections in the order a reader meets them.
constexpr const char* kSectionIds[] = {"summary", "problems",    "startup",    "memory",  "cpu",
                                       "phases",  "concurrency", "price-list", "figures", "environment"};

/// The English and Korean headings of the sections.
struct Heading {
  const char* english;
  const char* korean;
};
constexpr Heading kHeadings[] = {
    {"Containers versus VMs", "컨테이너와 VM"},
    {"Cells without full results", "결과가 온전하지 않은 셀"},
    {"Startup latency", "시작 지연"},
    {"Memory", "메모리"},
    {"CPU overhead", "CPU 오버헤드"},
    {"Where the startup time goes", "시작 시간은 어디에 쓰이나"},
    {"Latency versus concurrency", "동시 실행과 지연"},
    {"The price of each mechanism", "격리 메커니즘별 비용"},
    {"The figures", "수치"},
    {"Settings and environment", "설정과 환경"},
};

/// The small document at concurrency 1 and 4: every run repeated at 4 with a slower start.
Json with_two_concurrency_levels() {
  Json doc = testing::small_results_document();
  doc["settings"]["concurrency"] = {1, 4};
  Json runs = doc["runs"];
  for (Json run : runs) {
    run["concurrency"] = 4;
    if (run["startup_ms"].is_number()) run["startup_ms"] = run["startup_ms"].get<double>() * 2;
    doc["runs"].push_back(run);
  }
  return doc;
}

/// mechanism_bench's output with one mechanism that could not be measured.
Json price_list_document() {
  return Json::parse(R"json({
    "context": {"date": "2026-11-29T01:50:10+00:00", "num_cpus": 2},
    "benchmarks": [
      {"name": "BM_Clone/none/real_time", "run_type": "iteration", "real_time": 707.4, "time_unit": "us",
       "child_cpu_us": 351.6},
      {"name": "BM_Clone/net/real_time", "run_type": "iteration", "real_time": 2151.3, "time_unit": "us",
       "child_cpu_us": 485.8},
      {"name": "BM_CgroupV1/procs_attach_spaced/iterations:40/real_time", "run_type": "iteration",
       "real_time": 12000.5, "time_unit": "us"},
      {"name": "BM_CgroupV2/memory/real_time", "run_type": "iteration", "error_occurred": true,
       "error_message": "no memory controller <v2> & no way to add one", "real_time": 0, "time_unit": "us"}
    ]})json");
}

// --- structure ---------------------------------------------------------------------------

TEST(ReportHtml, MatchesTheGoldenFile) {
  expect_golden(small_html(), "report_small.html");
}

TEST(ReportHtml, IsOnePageWithEverySection) {
  std::string html = small_html();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u) << html.substr(0, 200);
  EXPECT_TRUE(html.ends_with("</html>\n"));
  size_t previous = 0;
  for (const char* id : kSectionIds) {
    std::string tag = "<section id=\"" + std::string(id) + "\">";
    EXPECT_EQ(occurrences(html, tag), 1u) << id;
    EXPECT_GT(html.find(tag), previous) << id << " is out of order";
    previous = html.find(tag);
  }
  EXPECT_EQ(occurrences(html, "<section"), std::size(kSectionIds));
  EXPECT_EQ(occurrences(html, "</section>"), std::size(kSectionIds));
}

TEST(ReportHtml, DrawsAStartupChartPerWorkloadAndTheMemoryCpuAndPhasesCharts) {
  std::string html = small_html();
  EXPECT_EQ(charts(section(html, "startup")).size(), 2u) << "noop and cpu";
  EXPECT_EQ(charts(section(html, "memory")).size(), 1u);
  EXPECT_EQ(charts(section(html, "cpu")).size(), 1u);
  EXPECT_EQ(charts(section(html, "phases")).size(), 1u) << "probe medians exist for isobench noop (no VM chart)";
  EXPECT_EQ(charts(section(html, "concurrency")).size(), 0u) << "one concurrency level";
  EXPECT_EQ(charts(section(html, "price-list")).size(), 0u) << "no price list";
  EXPECT_EQ(charts(html).size(), 5u);
  EXPECT_EQ(occurrences(html, "<svg"), 5u) << "every svg is a chart";
  EXPECT_TRUE(contains(section(html, "startup"), "Startup latency: noop")) << section(html, "startup");
  EXPECT_TRUE(contains(section(html, "startup"), "Startup latency: cpu")) << section(html, "startup");
}

TEST(ReportHtml, EveryChartDrawsShapes) {
  for (const std::string& chart : charts(small_html())) {
    EXPECT_TRUE(chart.ends_with("</svg>")) << chart;
    EXPECT_TRUE(contains(chart, "xmlns=\"http://www.w3.org/2000/svg\"")) << chart;
    EXPECT_TRUE(contains(chart, "viewBox=\"0 0 ")) << chart;
    EXPECT_GT(occurrences(chart, "<rect") + occurrences(chart, "<circle") + occurrences(chart, "<polyline"), 0u) << chart;
  }
  // Each startup chart has a point per successful run: 3 targets x 6 runs.
  for (const std::string& chart : charts(section(small_html(), "startup"))) EXPECT_EQ(occurrences(chart, "<circle"), 18u);
}

TEST(ReportHtml, WithoutProbeDataThePhasesSectionSaysHowToGetIt) {
  Json doc = testing::small_results_document();
  for (Json& run : doc["runs"]) run.erase("probes");
  std::string phases = section(html_of(doc), "phases");
  EXPECT_TRUE(charts(phases).empty()) << phases;
  EXPECT_TRUE(contains(phases, "isobench bench --probes lifecycle")) << phases;
}

TEST(ReportHtml, VmProbeDataGetsAChartOfItsOwn) {
  // A VM's seconds of booting on the containers' chart would flatten their milliseconds.
  Json doc = testing::small_results_document();
  for (Json& run : doc["runs"])
    if (run["target"] == "vm" && run["workload"] == "noop" && !run.contains("memory_round"))
      run["probes"] = testing::small_probe_report();
  std::string phases = section(html_of(doc), "phases");
  ASSERT_EQ(charts(phases).size(), 2u) << phases;
  EXPECT_TRUE(contains(charts(phases)[0], "isobench · noop")) << charts(phases)[0];
  EXPECT_FALSE(contains(charts(phases)[0], "vm")) << charts(phases)[0];
  EXPECT_TRUE(contains(charts(phases)[1], "Startup phases: virtual machines")) << charts(phases)[1];
}

// --- self-contained and safe ---------------------------------------------------------------

TEST(ReportHtml, FetchesNothingAndRunsNothing) {
  std::string html = small_html();
  std::string lower = html;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* forbidden : {"<script", "src=", "<link", "url(", "@import", "<iframe", "<object", "<embed"})
    EXPECT_FALSE(contains(lower, forbidden)) << forbidden;
  EXPECT_FALSE(std::regex_search(lower, std::regex(" on[a-z]+=\"?"))) << "no event handlers (onload= and friends)";
  // The only address on the page is the SVG namespace, which is a name, not a fetch.
  std::string without_namespace = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
  EXPECT_FALSE(contains(without_namespace, "http://")) << without_namespace;
  EXPECT_FALSE(contains(without_namespace, "https://")) << without_namespace;
  EXPECT_FALSE(contains(without_namespace, "//")) << "no protocol-relative address either";
}

TEST(ReportHtml, NamesFromTheResultsAreEscapedEverywhere) {
  // Results files are written by anyone: a target called <script> must stay text.
  const std::string script = "<script>alert(1)</script>";
  const std::string quotes = "a\"b'c&d";
  const std::string image = "<img src=x onerror=alert(2)>";
  Json doc = testing::small_results_document({"noop", image});
  doc["targets"][1]["name"] = script;
  doc["targets"][2]["name"] = quotes;
  for (Json& run : doc["runs"]) {
    if (run["target"] == "isobench") run["target"] = script;
    if (run["target"] == "vm") run["target"] = quotes;
    if (run["workload"] == "cpu") run["workload"] = image;
  }
  doc["price_list"] = price_list_document();
  doc["price_list"]["benchmarks"][0]["name"] = "BM_Clone/" + script;
  doc["environment"]["kernel"] = script;
  for (Language language : {Language::kEnglish, Language::kKorean}) {
    std::string html = render_report_html(model_of(doc, "<b>results</b>.json"), language);
    EXPECT_FALSE(contains(html, "<script")) << html;
    EXPECT_FALSE(contains(html, "<img")) << html;
    EXPECT_FALSE(contains(html, "<b>")) << html;
    EXPECT_FALSE(contains(html, quotes)) << html;
    EXPECT_FALSE(contains(html, "no memory controller <v2>")) << html;
    // Shown, escaped, in the charts and in the tables.
    const std::string escaped_script = "&lt;script&gt;alert(1)&lt;/script&gt;";
    const std::string escaped_quotes = "a&quot;b&#39;c&amp;d";
    const std::string escaped_image = "&lt;img src=x onerror=alert(2)&gt;";
    for (const char* id : {"startup", "memory", "cpu", "phases", "figures"})
      EXPECT_TRUE(contains(section(html, id), escaped_script)) << id;
    for (const char* id : {"startup", "memory", "cpu", "figures"}) {
      EXPECT_TRUE(contains(section(html, id), escaped_quotes)) << id;
      EXPECT_TRUE(contains(section(html, id), escaped_image)) << id;
    }
    EXPECT_TRUE(contains(section(html, "summary"), escaped_image)) << "the sentences name the workload";
    EXPECT_TRUE(contains(section(html, "price-list"), "BM_Clone/" + escaped_script));
    EXPECT_TRUE(contains(section(html, "price-list"), "no memory controller &lt;v2&gt; &amp; no way"));
    EXPECT_TRUE(contains(section(html, "environment"), escaped_script));
    EXPECT_TRUE(contains(section(html, "environment"), "&lt;b&gt;results&lt;/b&gt;.json"));
  }
}

// --- languages -----------------------------------------------------------------------------

TEST(ReportHtml, EnglishPageHasTheEnglishHeadings) {
  std::string html = small_html(Language::kEnglish);
  EXPECT_TRUE(contains(html, "<html lang=\"en\">"));
  for (const Heading& heading : kHeadings) {
    EXPECT_TRUE(contains(html, "<h2>" + std::string(heading.english) + "</h2>")) << heading.english;
    EXPECT_FALSE(contains(html, "<h2>" + std::string(heading.korean) + "</h2>")) << heading.korean;
  }
}

TEST(ReportHtml, KoreanPageIsInKorean) {
  std::string html = small_html(Language::kKorean);
  EXPECT_TRUE(contains(html, "<html lang=\"ko\">")) << html.substr(0, 200);
  EXPECT_FALSE(contains(html, "lang=\"en\""));
  EXPECT_TRUE(contains(html, "<h1>isobench 보고서</h1>"));
  for (const Heading& heading : kHeadings) {
    EXPECT_TRUE(contains(html, "<h2>" + std::string(heading.korean) + "</h2>")) << heading.korean;
    EXPECT_FALSE(contains(html, heading.english)) << heading.english << " in the Korean page";
  }
  EXPECT_TRUE(contains(html, "(TCG 에뮬레이션)"));
  EXPECT_FALSE(contains(html, "(TCG emulation)"));
  EXPECT_TRUE(contains(html, "시작 지연: noop")) << "chart titles are Korean too";
  EXPECT_TRUE(contains(html, "<th>중앙값</th>")) << "and the table columns";
}

// --- what the page says about the data -----------------------------------------------------

TEST(ReportHtml, AnEmulatedVmIsLabelledOnEveryChartItAppearsIn) {
  std::string html = small_html();  // the fixture's KVM is "present but unusable"
  for (const char* id : {"startup", "memory", "cpu"})
    EXPECT_TRUE(contains(section(html, id), "vm (TCG emulation)")) << id;
  EXPECT_TRUE(contains(html, "class=\"emulation\"")) << "and a banner says so";
  EXPECT_FALSE(contains(html, "bare (TCG emulation)"));
  EXPECT_FALSE(contains(html, "isobench (TCG emulation)"));
}

TEST(ReportHtml, NoEmulationLabelWhenKvmWorks) {
  Json doc = testing::small_results_document();
  doc["environment"]["kvm"] = "usable (booted in 0.4 s)";
  doc["targets"][2]["kvm"] = "usable (booted in 0.4 s)";
  std::string html = html_of(doc);
  EXPECT_FALSE(contains(html, "TCG")) << html;
  EXPECT_FALSE(contains(html, "class=\"emulation\""));
  EXPECT_TRUE(contains(section(html, "startup"), ">vm</text>")) << "the VM row is still there, unlabelled";
}

TEST(ReportHtml, NoEmulationLabelWithoutAVm) {
  std::string html = html_of(without_target(testing::small_results_document(), "vm"));  // no VM ran
  EXPECT_FALSE(contains(html, "TCG emulation"));
  EXPECT_FALSE(contains(html, "(TCG)"));
  EXPECT_FALSE(contains(html, "class=\"emulation\""));
}

TEST(ReportHtml, ThePriceListShowsEveryEntryAndWhyOneWasNotMeasured) {
  Json doc = testing::small_results_document();
  doc["price_list"] = price_list_document();
  std::string prices = section(html_of(doc), "price-list");
  EXPECT_TRUE(contains(prices, "<td>BM_Clone/none</td>")) << prices;
  EXPECT_TRUE(contains(prices, "<td>BM_Clone/net</td>")) << prices;
  EXPECT_TRUE(contains(prices, "<td>BM_CgroupV1/procs_attach_spaced</td>")) << prices;
  EXPECT_TRUE(contains(prices, "not measured: no memory controller &lt;v2&gt; &amp; no way to add one")) << prices;
  // BM_Clone/net over BM_Clone/none: 2151.3 - 707.4.
  EXPECT_TRUE(contains(prices, "<td>BM_Clone/none</td><td class=\"number\">+1443.9</td>")) << prices;
  EXPECT_TRUE(contains(prices, "Source: small.json")) << prices;
  ASSERT_EQ(charts(prices).size(), 1u) << prices;
  EXPECT_EQ(occurrences(charts(prices)[0], "<title>BM_"), 3u) << "a bar per measured entry, none for the error";
  EXPECT_FALSE(contains(prices, "No price list")) << prices;
}

TEST(ReportHtml, WithoutAPriceListTheSectionSaysHowToMakeOne) {
  std::string prices = section(small_html(), "price-list");
  EXPECT_TRUE(contains(prices, "No price list in these results")) << prices;
  EXPECT_TRUE(contains(prices, "mechanism_bench --benchmark_out=price-list.json")) << prices;
  EXPECT_TRUE(contains(prices, "--price-list price-list.json")) << prices;
  EXPECT_FALSE(contains(prices, "<table")) << prices;
}

TEST(ReportHtml, APriceListThatCouldNotBeMadeSaysWhy) {
  Json doc = testing::small_results_document();
  doc["price_list_error"] = "mechanism_bench is not built <next to isobench>";
  std::string prices = section(html_of(doc), "price-list");
  EXPECT_TRUE(contains(prices, "Not measured: mechanism_bench is not built &lt;next to isobench&gt;")) << prices;
  EXPECT_FALSE(contains(prices, "No price list in these results")) << prices;
}

TEST(ReportHtml, TwoConcurrencyLevelsDrawALinePerTargetAndWorkload) {
  std::string concurrency = section(html_of(with_two_concurrency_levels()), "concurrency");
  std::vector<std::string> found = charts(concurrency);
  ASSERT_EQ(found.size(), 2u) << "one per workload\n" << concurrency;
  for (const std::string& chart : found) {
    EXPECT_EQ(occurrences(chart, "<polyline"), 6u) << "bare, isobench and vm: median and p90 each\n" << chart;
    EXPECT_EQ(occurrences(chart, "stroke-dasharray=\"8 6\""), 3u) << "the p90 lines are dashed\n" << chart;
    std::smatch points;
    ASSERT_TRUE(std::regex_search(chart, points, std::regex("<polyline points=\"([^\"]*)\""))) << chart;
    EXPECT_EQ(occurrences(points[1], ","), 2u) << "one point per level: " << points[1];
  }
  EXPECT_FALSE(contains(concurrency, "One concurrency level only")) << concurrency;
}

TEST(ReportHtml, OneConcurrencyLevelGetsAHintInsteadOfAChart) {
  std::string concurrency = section(small_html(), "concurrency");
  EXPECT_TRUE(charts(concurrency).empty()) << concurrency;
  EXPECT_TRUE(contains(concurrency, "One concurrency level only")) << concurrency;
  EXPECT_TRUE(contains(concurrency, "isobench bench --concurrency 1,4,16")) << concurrency;
}

TEST(ReportHtml, RunsAtOnlyOneOfTheLevelsGetTheHintNotAChartOfLonePoints) {
  // Asked for 1 and 4, but only level 1 has runs (every run at 4 failed, say).
  Json doc = testing::small_results_document();
  doc["settings"]["concurrency"] = {1, 4};
  std::string concurrency = section(html_of(doc), "concurrency");
  EXPECT_TRUE(charts(concurrency).empty()) << concurrency;
  EXPECT_TRUE(contains(concurrency, "isobench bench --concurrency 1,4,16")) << concurrency;
}

TEST(ReportHtml, TheStartupChartIsLogarithmicWhenAVmStandsNextToProcesses) {
  // The VM's ~400 ms beside bare's ~1 ms: on a linear axis bare would be a dot at zero.
  std::string startup = section(small_html(), "startup");
  EXPECT_EQ(occurrences(startup, " — log scale</text>"), 2u) << startup;

  // Without the VM: 1 ms against 4 ms, linear.
  EXPECT_FALSE(
      contains(section(html_of(without_target(testing::small_results_document(), "vm")), "startup"), "log scale"));
}

// --- no Markdown, no English in the Korean page ------------------------------------------

/// The variants of the small document that make the page say "run `this`" somewhere.
std::vector<Json> documents_with_hints() {
  Json without_probes = testing::small_results_document();
  for (Json& run : without_probes["runs"]) run.erase("probes");
  return {testing::small_results_document(), without_probes, without_target(testing::small_results_document(), "vm"),
          with_two_concurrency_levels()};
}

TEST(ReportHtml, NoBacktickReachesThePageInEitherLanguage) {
  for (const Json& doc : documents_with_hints())
    for (Language language : {Language::kEnglish, Language::kKorean}) {
      std::string html = html_of(doc, language);
      size_t tick = html.find('`');
      EXPECT_EQ(tick, std::string::npos) << html.substr(tick < 100 ? 0 : tick - 100, 200);
      EXPECT_GT(occurrences(html, "<code>"), 0u) << "the commands are set as code instead";
      EXPECT_EQ(occurrences(html, "<code>"), occurrences(html, "</code>"));
    }
}

TEST(ReportHtml, TheKoreanPageSaysLogScaleAndQuartilesInKorean) {
  std::string html = small_html(Language::kKorean);
  EXPECT_FALSE(contains(html, " — log scale")) << section(html, "startup");
  EXPECT_FALSE(contains(html, "log scale"));
  EXPECT_FALSE(contains(html, "quartiles"));
  EXPECT_FALSE(contains(html, "median")) << "the tooltips too";
  EXPECT_EQ(occurrences(section(html, "startup"), " — 로그 눈금</text>"), 2u) << section(html, "startup");
  EXPECT_TRUE(contains(html, "사분위")) << "the distribution's tooltips";
  EXPECT_TRUE(contains(small_html(Language::kEnglish), "quartiles"));
}

// --- what the page says about the runs -------------------------------------------------------

TEST(ReportHtml, TheFiguresTablesMarkTheVmThatRanUnderTcg) {
  std::string figures = section(small_html(), "figures");
  EXPECT_TRUE(contains(figures, "<tr><td>vm (TCG)</td><td>noop</td>")) << figures;
  EXPECT_FALSE(contains(figures, "<td>vm</td>")) << figures;
  EXPECT_FALSE(contains(figures, "bare (TCG)")) << figures;
  EXPECT_TRUE(contains(figures, "<h3>Whole target&#39;s peak memory, the workload included (memory runs) (MiB)</h3>"))
      << figures;
  std::string with_kvm = [] {
    Json doc = testing::small_results_document();
    doc["targets"][2]["kvm"] = "usable (booted in 0.4 s)";
    return section(html_of(doc), "figures");
  }();
  EXPECT_TRUE(contains(with_kvm, "<tr><td>vm</td><td>noop</td>")) << with_kvm;
}

TEST(ReportHtml, TheSettingsSectionShowsRunsWarmupTheCommandAndWhereEachCameFrom) {
  std::string environment = section(small_html(), "environment");
  EXPECT_TRUE(contains(environment, "<tr><th>measured runs per cell</th><td>6 (command line)</td></tr>"))
      << environment;
  EXPECT_TRUE(contains(environment, "<tr><th>warmup runs</th><td>1 (default)</td></tr>")) << environment;
  EXPECT_TRUE(contains(environment, "<tr><th>memory runs</th><td>2 (command line)</td></tr>")) << environment;
  EXPECT_TRUE(
      contains(environment,
               "<tr><th>command</th><td>isobench bench --targets bare,isobench,vm,crun --runs 6 --memory-runs 2 "
               "--probes lifecycle --allow-unavailable --json small.json</td></tr>"))
      << environment;
  EXPECT_TRUE(
      contains(environment, "<tr><th>target crun</th><td>not run: not installed (apt-get install crun)</td></tr>"))
      << environment;
  std::string korean = section(small_html(Language::kKorean), "environment");
  EXPECT_TRUE(contains(korean, "<tr><th>셀당 측정 실행 수</th><td>6 (명령줄)</td></tr>")) << korean;
  EXPECT_TRUE(contains(korean, "<tr><th>워밍업 실행 수</th><td>1 (기본값)</td></tr>")) << korean;
}

TEST(ReportHtml, TheUnavailableTargetAndThePartlyFailedCellAreListedWithWhy) {
  std::string problems = section(small_html(), "problems");
  EXPECT_TRUE(contains(problems, "<h2>Cells without full results</h2>")) << problems;
  EXPECT_TRUE(contains(problems, "<li>crun noop: not available here: not installed (apt-get install crun)</li>"))
      << problems;
  EXPECT_TRUE(contains(problems, "<li>crun cpu: not available here: not installed (apt-get install crun)</li>"))
      << problems;
  EXPECT_TRUE(contains(problems, "<li>isobench cpu: 1/7 runs failed: timed out</li>")) << problems;
}

TEST(ReportHtml, ACellWhoseEveryRunFailedIsListedWithTheError) {
  Json doc = testing::small_results_document();
  for (Json& run : doc["runs"])
    if (run["target"] == "isobench" && run["workload"] == "cpu") {
      run["ok"] = false;
      run["error"] = "crun: cannot mount proc <proc> & sys";
    }
  std::string html = html_of(doc);
  EXPECT_TRUE(
      contains(section(html, "problems"),
               "<li>isobench cpu: every run failed (7/7): crun: cannot mount proc &lt;proc&gt; &amp; sys (x9)</li>"))
      << section(html, "problems");
  EXPECT_FALSE(contains(section(html, "figures"), "<tr><td>isobench</td><td>cpu</td>")) << "no figures to show";
}

TEST(ReportHtml, ACleanRunHasNoProblemsSection) {
  Json doc = without_target(testing::small_results_document(), "crun");
  Json runs = Json::array();
  for (const Json& run : doc["runs"])
    if (run["ok"] == true) runs.push_back(run);
  doc["runs"] = runs;
  std::string html = html_of(doc);
  EXPECT_EQ(section(html, "problems"), "");
  EXPECT_FALSE(contains(html, "Cells without full results"));
}

TEST(ReportHtml, AnInterruptedBenchmarkSaysItsResultsArePartial) {
  Json doc = testing::small_results_document();
  doc["interrupted"] = true;
  EXPECT_TRUE(contains(html_of(doc), "Interrupted: these results are partial"));
  EXPECT_FALSE(contains(small_html(), "Interrupted"));
}

}  // namespace
}  // namespace isobench::reports
