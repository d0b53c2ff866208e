// `isobench report --format html` opened in a real browser (headless Chromium), in English
// and in Korean: the page lays out every chart at a size above zero with its drawing inside
// its viewBox (whatever lies outside is clipped), and logs nothing to the console (a blocked
// fetch or a script error would). A control page with a console error, an empty chart and a
// chart drawn past its edge shows that the same checks do catch those.
//
// A wrapper page loads the report in an iframe and writes what it measured into a <pre>,
// which --dump-dom prints; Chromium logs every console message to stderr with its source.
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/small_results.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

/// Chromium (Debian's `chromium` package): first on PATH, else where Debian installs it.
std::string find_chromium() {
  const char* path = std::getenv("PATH");
  std::istringstream directories(path ? path : "");
  for (std::string directory; std::getline(directories, directory, ':');)
    for (const char* name : {"chromium", "chromium-browser"}) {
      std::string candidate = directory + "/" + name;
      if (!directory.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  return access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : "";
}

/// What the wrapper measured of one chart of the report.
struct ChartLayout {
  double box_x = 0, box_y = 0, box_width = 0, box_height = 0;  ///< getBBox(): the drawing, in viewBox units
  double view_width = 0, view_height = 0;                      ///< the viewBox
  double client_width = 0, client_height = 0;                  ///< getBoundingClientRect(): CSS pixels
  int shapes = 0;                                              ///< rect, circle, line, polyline, text
};

/// What Chromium made of the report.
struct BrowserView {
  ProcessResult chromium;
  bool measured = false;  ///< the wrapper's script ran to its end
  std::string lang;       ///< <html lang>
  std::vector<std::string> section_ids;
  std::vector<ChartLayout> charts;
  std::vector<std::string> console;  ///< console messages whose source is the report
};

/// Measures every svg.chart of the iframe's page once it has loaded.
constexpr const char* kWrapper = R"html(<!doctype html>
<html><body><pre id="out">pending</pre><iframe id="f" src="REPORT" width="1280" height="900"></iframe>
<script>
const frame = document.getElementById('f');
frame.addEventListener('load', () => {
  const doc = frame.contentDocument;
  const lines = ['lang ' + doc.documentElement.lang,
                 'sections ' + Array.from(doc.querySelectorAll('section')).map(s => s.id).join(' ')];
  for (const svg of doc.querySelectorAll('svg.chart')) {
    const box = svg.getBBox(), client = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
    lines.push(['chart', box.x, box.y, box.width, box.height, view.width, view.height, client.width, client.height,
                svg.querySelectorAll('rect,circle,line,polyline,text').length].join(' '));
  }
  lines.push('done');
  document.getElementById('out').textContent = lines.join('\n');
});
</script></body></html>
)html";

/// Chromium's helper processes outlive its main process by a moment. The fixture makes the
/// test their reaper (adopt_orphans), so wait for them to end here rather than have the
/// leftover check catch them on their way out; one still running after `deadline` is left
/// to that check, which then rightly fails the test.
void wait_for_adopted_children(std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    pid_t pid = waitpid(-1, nullptr, WNOHANG);
    if (pid > 0) continue;                                              // reaped one; look again
    if (pid < 0 || std::chrono::steady_clock::now() > give_up) return;  // none left, or out of time
    std::this_thread::sleep_for(20ms);
  }
}

/// Opens DIR/REPORT (through a wrapper page written next to it) in headless Chromium.
BrowserView open_in_chromium(const std::string& chromium, const std::string& dir, const std::string& report) {
  std::string wrapper = std::string(kWrapper);
  wrapper.replace(wrapper.find("REPORT"), 6, report);
  std::ofstream(dir + "/wrapper.html") << wrapper;
  // A home and a profile of its own: Chromium writes both, and must not touch the real ones.
  std::filesystem::create_directories(dir + "/home");
  std::filesystem::create_directories(dir + "/profile");

  BrowserView view;
  view.chromium =
      run_process({"/usr/bin/env", "HOME=" + dir + "/home", "timeout", "120", chromium, "--headless", "--no-sandbox",
                   "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run",
                   "--allow-file-access-from-files", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                   "--user-data-dir=" + dir + "/profile", "--dump-dom", "file://" + dir + "/wrapper.html"},
                  std::chrono::seconds(150));
  wait_for_adopted_children(10s);

  const std::string& dom = view.chromium.out;
  size_t start = dom.find("<pre id=\"out\">"), end = dom.find("</pre>");
  std::istringstream lines(
      start == std::string::npos || end == std::string::npos ? "" : dom.substr(start + 14, end - start - 14));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "lang") fields >> view.lang;
    if (kind == "sections")
      for (std::string id; fields >> id;) view.section_ids.push_back(id);
    if (kind == "chart") {
      ChartLayout chart;
      fields >> chart.box_x >> chart.box_y >> chart.box_width >> chart.box_height >> chart.view_width >>
          chart.view_height >> chart.client_width >> chart.client_height >> chart.shapes;
      view.charts.push_back(chart);
    }
    if (kind == "done") view.measured = true;
  }

  // [...:INFO:CONSOLE:2] "Uncaught ReferenceError: f is not defined", source: file:///.../report.html (2)
  std::istringstream log(view.chromium.err);
  for (std::string line; std::getline(log, line);)
    if (line.find(":CONSOLE") != std::string::npos &&
        line.find("source: file://" + dir + "/" + report) != std::string::npos)
      view.console.push_back(line);
  return view;
}

/// Every way a chart failed to lay out, one line each; empty when all is well.
std::vector<std::string> layout_problems(const BrowserView& view) {
  std::vector<std::string> problems;
  constexpr double kSlack = 1;  // viewBox units: anti-aliasing and rounding, not a visible clip
  for (size_t i = 0; i < view.charts.size(); ++i) {
    const ChartLayout& chart = view.charts[i];
    std::string name = "chart " + std::to_string(i + 1) + ": ";
    if (chart.shapes == 0) problems.push_back(name + "draws nothing");
    if (!(chart.box_width > 0 && chart.box_height > 0)) problems.push_back(name + "its drawing has no size");
    if (!(chart.client_width > 0 && chart.client_height > 0)) problems.push_back(name + "takes no room on the page");
    if (chart.box_x < -kSlack || chart.box_x + chart.box_width > chart.view_width + kSlack || chart.box_y < -kSlack ||
        chart.box_y + chart.box_height > chart.view_height + kSlack)
      problems.push_back(name + "draws outside its viewBox (clipped): drawing " + std::to_string(chart.box_x) + "," +
                         std::to_string(chart.box_y) + " " + std::to_string(chart.box_width) + "x" +
                         std::to_string(chart.box_height) + " in 0,0 " + std::to_string(chart.view_width) + "x" +
                         std::to_string(chart.view_height));
  }
  return problems;
}

std::string lines_of(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

class ReportInABrowser : public IsobenchTest {
 protected:
  void SetUp() override {
    IsobenchTest::SetUp();
    if (IsSkipped()) return;
    chromium_ = find_chromium();
    if (chromium_.empty())
      GTEST_SKIP() << "chromium not installed: run scripts/setup.sh test (or apt-get install chromium) to check the "
                      "HTML report in a browser";
  }

  /// `isobench report small.json --format html ARGS -o NAME` in the test's directory.
  void write_report(const std::string& name, const std::vector<std::string>& args) {
    std::string results = dir_.path() + "/small.json";
    std::ofstream(results) << testing::small_results_document().dump(2);
    std::vector<std::string> argv = {"report", results, "--format", "html", "-o", dir_.path() + "/" + name};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult report = run_isobench(argv);
    ASSERT_EQ(report.exit_code, 0) << report;
  }

  void expect_a_clean_page(const BrowserView& view, const std::string& lang) {
    ASSERT_EQ(view.chromium.exit_code, 0) << view.chromium;
    ASSERT_TRUE(view.measured) << "the wrapper page did not finish measuring\n" << view.chromium;
    EXPECT_EQ(view.lang, lang);
    EXPECT_EQ(view.section_ids, (std::vector<std::string>{"summary", "problems", "startup", "memory", "cpu", "phases",
                                                          "concurrency", "price-list", "figures", "environment"}));
    // Startup for noop and cpu, memory, CPU, and the probed phases of isobench noop.
    EXPECT_EQ(view.charts.size(), 5u) << view.chromium;
    EXPECT_EQ(layout_problems(view), std::vector<std::string>{}) << lines_of(layout_problems(view));
    EXPECT_TRUE(view.console.empty()) << "the report logged to the console:\n" << lines_of(view.console);
  }

  TemporaryDirectory dir_;
  std::string chromium_;
};

TEST_F(ReportInABrowser, EnglishChartsLayOutInsideTheirViewBoxesAndTheConsoleStaysQuiet) {
  write_report("report.html", {});
  if (HasFatalFailure()) return;
  expect_a_clean_page(open_in_chromium(chromium_, dir_.path(), "report.html"), "en");
}

TEST_F(ReportInABrowser, KoreanChartsLayOutInsideTheirViewBoxesAndTheConsoleStaysQuiet) {
  write_report("report.ko.html", {"--lang", "ko"});
  if (HasFatalFailure()) return;
  expect_a_clean_page(open_in_chromium(chromium_, dir_.path(), "report.ko.html"), "ko");
}

TEST_F(ReportInABrowser, TheChecksCatchAConsoleErrorAnEmptyChartAndAClippedOne) {
  // The control: if these pass on a broken page, the checks above prove nothing.
  std::ofstream(dir_.path() + "/broken.html") << R"html(<!doctype html><html lang="en"><body>
<svg class="chart" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg"><rect x="10" y="10" width="50" height="20"/></svg>
<svg class="chart" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg"></svg>
<svg class="chart" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg"><rect x="60" y="10" width="80" height="20"/></svg>
<script>console.error("boom");</script>
</body></html>
)html";
  BrowserView view = open_in_chromium(chromium_, dir_.path(), "broken.html");
  ASSERT_TRUE(view.measured) << view.chromium;
  ASSERT_EQ(view.charts.size(), 3u) << view.chromium;
  ASSERT_EQ(view.console.size(), 1u) << view.chromium;
  EXPECT_NE(view.console[0].find("\"boom\""), std::string::npos) << view.console[0];
  std::vector<std::string> problems = layout_problems(view);
  ASSERT_EQ(problems.size(), 3u) << lines_of(problems);
  EXPECT_EQ(problems[0], "chart 2: draws nothing");
  EXPECT_EQ(problems[1], "chart 2: its drawing has no size");
  EXPECT_EQ(problems[2].rfind("chart 3: draws outside its viewBox", 0), 0u) << problems[2];
}

}  // namespace
}  // namespace isobench::integration
