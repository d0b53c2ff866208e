// The HTML report's SVG charts (reports/svg_chart.h): a logarithmic axis only when the
// figures span more than two orders of magnitude, "-" and no bar for a figure not measured,
// stacked segments end to end with their total, every name escaped, the palette wrapping,
// and nothing drawn outside the viewBox (which would clip it).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/svg_chart.h"

namespace isobench::reports::svg {
namespace {

/// One element of a chart: its tag, attributes, and what it holds up to its closing tag
/// (a <text>'s words, a data <rect>'s <title>).
struct Element {
  std::string tag;
  std::map<std::string, std::string> attributes;
  std::string content;
  double number(const std::string& name) const { return std::stod(attributes.at(name)); }
};

/// The chart's drawing elements in document order. The renderer writes one element per tag
/// with double-quoted attributes, so a regular expression reads it back.
std::vector<Element> elements(const std::string& svg) {
  static const std::regex tag(R"(<(rect|text|circle|line|polyline)\b([^>]*?)(/?)>)");
  static const std::regex attribute(R"(([\w-]+)="([^"]*)\")");
  std::vector<Element> found;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag); it != std::sregex_iterator(); ++it) {
    Element element{(*it)[1], {}, {}};
    std::string attributes = (*it)[2];
    for (auto a = std::sregex_iterator(attributes.begin(), attributes.end(), attribute); a != std::sregex_iterator();
         ++a)
      element.attributes[(*a)[1]] = (*a)[2];
    if ((*it)[3] != "/") {
      size_t start = static_cast<size_t>(it->position() + it->length());
      size_t end = svg.find("</" + element.tag + ">", start);
      element.content = svg.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    found.push_back(element);
  }
  return found;
}

/// The bars and boxes that stand for figures: rects with a <title> tooltip (legend swatches
/// have none).
std::vector<Element> data_rects(const std::string& svg) {
  std::vector<Element> rects;
  for (const Element& element : elements(svg))
    if (element.tag == "rect" && element.content.find("<title>") != std::string::npos) rects.push_back(element);
  return rects;
}

/// The words of every <text>.
std::vector<std::string> texts(const std::string& svg) {
  std::vector<std::string> words;
  for (const Element& element : elements(svg))
    if (element.tag == "text") words.push_back(element.content);
  return words;
}

size_t count(const std::vector<std::string>& words, const std::string& word) {
  return static_cast<size_t>(std::count(words.begin(), words.end(), word));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The viewBox's width and height.
std::pair<double, double> view_size(const std::string& svg) {
  std::smatch match;
  static const std::regex view_box(R"(viewBox="0 0 ([0-9.]+) ([0-9.]+)\")");
  if (!std::regex_search(svg, match, view_box)) return {NAN, NAN};
  return {std::stod(match[1]), std::stod(match[2])};
}

ValueAxis axis(const std::string& label) {
  return ValueAxis{label};
}

// --- the scale ---------------------------------------------------------------------------

TEST(SvgScale, LogarithmicWhenTheFiguresSpanMoreThanAHundredfold) {
  std::string chart = bar_chart("startup", {}, {{"bare", {1}}, {"vm", {101}}}, axis("ms"));
  EXPECT_TRUE(contains(chart, ">ms — log scale</text>")) << chart;
  // Ticks at the powers of ten around the figures.
  std::vector<std::string> words = texts(chart);
  for (const char* tick : {"1", "10", "100", "1000"}) EXPECT_EQ(count(words, tick), 1u) << tick << "\n" << chart;
}

TEST(SvgScale, LinearUpToAHundredfold) {
  std::string chart = bar_chart("startup", {}, {{"bare", {1}}, {"isobench", {100}}}, axis("ms"));
  EXPECT_FALSE(contains(chart, "log scale")) << chart;
  EXPECT_TRUE(contains(chart, ">ms</text>")) << chart;
  std::vector<std::string> words = texts(chart);
  for (const char* tick : {"0", "20", "40", "60", "80"}) EXPECT_EQ(count(words, tick), 1u) << tick << "\n" << chart;
  EXPECT_EQ(count(words, "100"), 2u) << "the last tick and the bar's figure\n" << chart;
}

TEST(SvgScale, ALinearOnlyAxisStaysLinearWhateverTheSpan) {
  ValueAxis linear = axis("ms");
  linear.linear_only = true;
  std::string chart = bar_chart("startup", {}, {{"bare", {1}}, {"vm", {5000}}}, linear);
  EXPECT_FALSE(contains(chart, "log scale")) << chart;
}

TEST(SvgScale, TheReferenceLineCountsInTheSpan) {
  // 150x against a 1x reference: a linear axis would squash the 1x line onto zero.
  ValueAxis times = axis("x");
  times.reference = 1;
  EXPECT_TRUE(contains(bar_chart("cpu", {}, {{"vm", {150}}}, times), "log scale"));
  EXPECT_FALSE(contains(bar_chart("cpu", {}, {{"vm", {1.5}}}, times), "log scale"));
  // And it is drawn: a dashed line.
  EXPECT_TRUE(contains(bar_chart("cpu", {}, {{"vm", {1.5}}}, times), "stroke-dasharray"));
  EXPECT_FALSE(contains(bar_chart("cpu", {}, {{"vm", {1.5}}}, axis("x")), "stroke-dasharray"));
}

TEST(SvgScale, DistributionChartsFollowTheSameRule) {
  std::string spread = distribution_chart("startup", {{"bare", {1.0, 1.1, 1.2}}, {"vm", {400, 420, 450}}}, axis("ms"));
  EXPECT_TRUE(contains(spread, "ms — log scale")) << spread;
  std::string close = distribution_chart("startup", {{"bare", {1.0, 1.1}}, {"isobench", {4, 5}}}, axis("ms"));
  EXPECT_FALSE(contains(close, "log scale")) << close;
}

TEST(SvgScale, StackedBarsAreAlwaysLinearSoThatSegmentsAddUp) {
  std::string chart =
      stacked_bar_chart("phases", {"boot", "run"}, {{"bare", {0.5, 0.5}}, {"vm", {900, 100}}}, axis("ms"));
  EXPECT_FALSE(contains(chart, "log scale")) << chart;
}

TEST(SvgScale, LineChartsMarkALogarithmicValueAxis) {
  std::vector<Line> lines = {{"bare", {{1, 1.0}, {4, 1.5}}}, {"vm", {{1, 400}, {4, 900}}}};
  std::string chart = line_chart("concurrency", lines, axis("sandboxes"), axis("ms"));
  EXPECT_TRUE(contains(chart, ">ms — log</text>")) << chart;
  EXPECT_FALSE(contains(chart, "sandboxes — log")) << "1 to 4 sandboxes is a small span\n" << chart;
}

// --- bars --------------------------------------------------------------------------------

TEST(SvgBarChart, OneBarPerRowAndSeriesWithItsFigureWritten) {
  std::string chart = bar_chart("memory", {"own", "charged"}, {{"bare", {1.5, 2}}, {"vm", {3, 200}}}, axis("MiB"));
  std::vector<Element> bars = data_rects(chart);
  ASSERT_EQ(bars.size(), 4u) << chart;
  EXPECT_TRUE(contains(bars[0].content, "bare, own: 1.50")) << bars[0].content;
  EXPECT_TRUE(contains(bars[3].content, "vm, charged: 200")) << bars[3].content;
  std::vector<std::string> words = texts(chart);
  for (const char* figure : {"1.50", "2.00", "3.00", "200"}) EXPECT_EQ(count(words, figure), 1u) << figure;
  // A longer figure draws a longer bar.
  EXPECT_LT(bars[0].number("width"), bars[1].number("width"));
  EXPECT_LT(bars[2].number("width"), bars[3].number("width"));
}

TEST(SvgBarChart, AFigureNotMeasuredIsADashAndNoBar) {
  std::string chart = bar_chart("memory", {"own", "charged"}, {{"bare", {NAN, 2}}, {"vm", {NAN, NAN}}}, axis("MiB"));
  std::vector<Element> bars = data_rects(chart);
  ASSERT_EQ(bars.size(), 1u) << chart;
  EXPECT_TRUE(contains(bars[0].content, "bare, charged: 2.00")) << bars[0].content;
  EXPECT_EQ(count(texts(chart), "-"), 3u) << chart;
  EXPECT_FALSE(contains(chart, "nan")) << chart;
  EXPECT_FALSE(contains(chart, "NaN")) << chart;
}

TEST(SvgBarChart, OnlyNotMeasuredFiguresStillMakeAChart) {
  std::string chart = bar_chart("cpu", {}, {{"vm", {NAN}}}, axis("x"));
  EXPECT_TRUE(data_rects(chart).empty()) << chart;
  EXPECT_EQ(count(texts(chart), "-"), 1u) << chart;
  EXPECT_FALSE(contains(chart, "nan")) << chart;
  EXPECT_TRUE(chart.ends_with("</svg>"));
}

TEST(SvgStackedBarChart, SegmentsFollowEachOtherAndTheTotalIsWrittenAtTheEnd) {
  std::string chart = stacked_bar_chart("phases", {"a", "b", "c"}, {{"isobench", {1, 2, 3.5}}}, axis("ms"));
  std::vector<Element> segments = data_rects(chart);
  ASSERT_EQ(segments.size(), 3u) << chart;
  for (size_t i = 0; i + 1 < segments.size(); ++i)
    EXPECT_NEAR(segments[i].number("x") + segments[i].number("width"), segments[i + 1].number("x"), 0.15)
        << "segment " << i + 1 << " starts where segment " << i << " ends";
  // Lengths in proportion to the figures: 1 : 2 : 3.5.
  double unit = segments[0].number("width");
  EXPECT_NEAR(segments[1].number("width"), 2 * unit, 0.3);
  EXPECT_NEAR(segments[2].number("width"), 3.5 * unit, 0.3);
  EXPECT_EQ(count(texts(chart), "6.50"), 1u) << chart;
  EXPECT_TRUE(contains(segments[1].content, "isobench, b: 2.00")) << segments[1].content;
}

TEST(SvgStackedBarChart, APhaseNotMeasuredIsLeftOutOfTheBarAndTheTotal) {
  std::string chart = stacked_bar_chart("phases", {"a", "b", "c"}, {{"isobench", {1, NAN, 2}}}, axis("ms"));
  std::vector<Element> segments = data_rects(chart);
  ASSERT_EQ(segments.size(), 2u) << chart;
  EXPECT_TRUE(contains(segments[1].content, "isobench, c: 2.00")) << segments[1].content;
  EXPECT_EQ(count(texts(chart), "3.00"), 1u) << chart;
  EXPECT_FALSE(contains(chart, "nan")) << chart;
}

// --- distributions and lines -------------------------------------------------------------

TEST(SvgDistributionChart, OnePointPerSampleAndOneBoxPerRowWithSamples) {
  std::string chart = distribution_chart(
      "startup", {{"bare", {1.0, 1.1, 1.2, 1.3}}, {"isobench", {4, 4.2, 4.4}}, {"runc", {}}}, axis("ms"));
  std::vector<Element> all = elements(chart);
  size_t points = std::count_if(all.begin(), all.end(), [](const Element& e) { return e.tag == "circle"; });
  EXPECT_EQ(points, 7u) << chart;
  std::vector<Element> boxes = data_rects(chart);
  ASSERT_EQ(boxes.size(), 2u) << "no box for a row without samples\n" << chart;
  EXPECT_TRUE(contains(boxes[0].content, "bare: quartiles ")) << boxes[0].content;
  EXPECT_EQ(count(texts(chart), "runc"), 1u) << "the row is still labelled\n" << chart;
  EXPECT_EQ(count(texts(chart), "4.20"), 1u) << "the median is written\n" << chart;
}

TEST(SvgLineChart, OnePolylinePerSeriesAndOneMarkerPerPoint) {
  std::vector<Line> lines = {{"bare", {{1, 1.0}, {4, 1.5}, {16, 3}}}, {"isobench", {{1, 4}, {4, 6}, {16, 12}}}};
  std::string chart = line_chart("concurrency", lines, axis("sandboxes"), axis("ms"));
  std::vector<Element> all = elements(chart);
  std::vector<Element> polylines;
  for (const Element& e : all)
    if (e.tag == "polyline") polylines.push_back(e);
  ASSERT_EQ(polylines.size(), 2u) << chart;
  for (const Element& polyline : polylines) {
    std::string points = polyline.attributes.at("points");
    EXPECT_EQ(std::count(points.begin(), points.end(), ','), 3) << points;
  }
  EXPECT_NE(polylines[0].attributes.at("stroke"), polylines[1].attributes.at("stroke"));
  size_t markers = std::count_if(all.begin(), all.end(), [](const Element& e) { return e.tag == "circle"; });
  EXPECT_EQ(markers, 6u) << chart;
  EXPECT_EQ(count(texts(chart), "isobench"), 1u) << "two lines get a legend\n" << chart;
}

TEST(SvgLineChart, AnUpperSeriesIsDashedInItsLinesColourAndWidensTheScale) {
  std::vector<Line> lines = {{"isobench", {{1, 4}, {4, 6}}, {{1, 5}, {4, 30}}}};
  std::string chart = line_chart("concurrency", lines, axis("sandboxes"), axis("ms"));
  std::vector<Element> polylines;
  for (const Element& e : elements(chart))
    if (e.tag == "polyline") polylines.push_back(e);
  ASSERT_EQ(polylines.size(), 2u) << chart;
  EXPECT_EQ(polylines[0].attributes.at("stroke"), polylines[1].attributes.at("stroke"));
  EXPECT_EQ(polylines[0].attributes.count("stroke-dasharray"), 1u) << "the upper series is dashed";
  EXPECT_EQ(polylines[1].attributes.count("stroke-dasharray"), 0u) << "the main series is solid";
  EXPECT_EQ(count(texts(chart), "30"), 1u) << "the y axis reaches the upper series' 30 ms\n" << chart;
}

// --- names, colours and layout -----------------------------------------------------------

TEST(SvgCharts, EveryNameIsEscaped) {
  const std::string hostile = "<script>alert(1)</script> a\"b'c&d";
  const std::string escaped = "&lt;script&gt;alert(1)&lt;/script&gt; a&quot;b&#39;c&amp;d";
  ValueAxis hostile_axis = axis(hostile);
  std::vector<std::string> charts = {
      distribution_chart(hostile, {{hostile, {1, 2, 3}}}, hostile_axis),
      bar_chart(hostile, {hostile, "other"}, {{hostile, {1, 2}}}, hostile_axis),
      stacked_bar_chart(hostile, {hostile, "other"}, {{hostile, {1, 2}}}, hostile_axis),
      line_chart(hostile, {{hostile, {{1, 1}, {2, 2}}}, {"other", {{1, 2}}}}, hostile_axis, hostile_axis),
  };
  for (const std::string& chart : charts) {
    EXPECT_FALSE(contains(chart, "<script")) << chart;
    EXPECT_FALSE(contains(chart, "a\"b")) << chart;
    EXPECT_FALSE(contains(chart, "c&d")) << chart;
    size_t shown = 0;
    for (size_t at = chart.find(escaped); at != std::string::npos; at = chart.find(escaped, at + 1)) ++shown;
    EXPECT_GE(shown, 4u) << "the title (as <title> and as text), a row or series label, the axis label\n" << chart;
  }
}

TEST(SvgPalette, EightColoursSoTheEightStartupPhasesDifferThenItWrapsAround) {
  std::set<std::string> colours;
  for (size_t i = 0; i < 8; ++i) colours.insert(palette(i));
  EXPECT_EQ(colours.size(), 8u);
  EXPECT_STREQ(palette(8), palette(0));
  EXPECT_STREQ(palette(10), palette(2));
  // Eight segments, eight colours; a ninth series reuses the first colour.
  std::vector<std::string> series = {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"};
  std::vector<double> ones(series.size(), 1.0);
  std::vector<Element> segments = data_rects(stacked_bar_chart("phases", series, {{"row", ones}}, axis("ms")));
  ASSERT_EQ(segments.size(), 9u);
  std::set<std::string> phase_colours;
  for (size_t i = 0; i < 8; ++i) phase_colours.insert(segments[i].attributes.at("fill"));
  EXPECT_EQ(phase_colours.size(), 8u);
  EXPECT_EQ(segments[8].attributes.at("fill"), palette(0));
}

/// The startup phases' names, the longest legend any report draws.
const std::vector<std::string> kPhaseNames = {"runtime start", "namespaces", "rootfs",   "cgroup",
                                              "other setup",   "exec",       "workload", "teardown"};

TEST(SvgLegend, WrapsOntoANewLineRatherThanRunPastTheRightEdge) {
  std::vector<double> values(kPhaseNames.size(), 0.5);
  std::string chart = stacked_bar_chart("phases", kPhaseNames, {{"isobench · noop", values}}, axis("ms"));
  double width = view_size(chart).first;
  std::set<double> lines;
  double legend_bottom = 0;
  for (const Element& element : elements(chart)) {
    bool swatch = element.tag == "rect" && element.content.empty();
    if (swatch) {
      lines.insert(element.number("y"));
      legend_bottom = std::max(legend_bottom, element.number("y") + element.number("height"));
    }
    if (element.tag == "text" && element.attributes.at("font-size") == "17") {
      // 17 px sans-serif Latin letters are at least 0.5 em wide: the text must end inside.
      double end = element.number("x") + static_cast<double>(element.content.size()) * 17 * 0.5;
      EXPECT_LE(end, width) << element.content << " starts at " << element.number("x");
    }
  }
  EXPECT_GE(lines.size(), 2u) << "eight phases do not fit on one line of 1000 units\n" << chart;
  for (const Element& segment : data_rects(chart))
    EXPECT_GE(segment.number("y"), legend_bottom) << "the plot starts below the legend\n" << chart;
}

TEST(SvgLayout, EveryChartKeepsItsDrawingInsideTheViewBox) {
  std::vector<double> phases(kPhaseNames.size(), 2.0);
  ValueAxis times = axis("x");
  times.reference = 1;
  std::vector<std::string> charts = {
      distribution_chart("startup", {{"bare", {1, 1.2}}, {"vm (TCG emulation)", {400, 480}}}, axis("ms")),
      bar_chart("memory", {"own", "charged"}, {{"bare · noop", {1, 2}}, {"vm · cpu", {1.5, 210}}}, axis("MiB")),
      bar_chart("cpu", {}, {{"isobench · cpu", {1.02}}, {"vm · noop", {150}}}, times),
      stacked_bar_chart("phases", kPhaseNames, {{"isobench · noop", phases}, {"bare · noop", phases}}, axis("ms")),
      line_chart("concurrency", {{"bare", {{1, 1}, {16, 3}}}, {"vm", {{1, 400}, {16, 2000}}}}, axis("n"), axis("ms")),
  };
  for (const std::string& chart : charts) {
    auto [width, height] = view_size(chart);
    ASSERT_TRUE(std::isfinite(width) && std::isfinite(height)) << chart;
    for (const Element& element : elements(chart))
      for (const char* name : {"x", "x1", "x2", "cx", "y", "y1", "y2", "cy"}) {
        if (!element.attributes.count(name)) continue;
        double value = element.number(name);
        double limit = name[0] == 'x' || name[1] == 'x' ? width : height;
        EXPECT_GE(value, 0) << name << " of <" << element.tag << "> " << element.content;
        EXPECT_LE(value, limit) << name << " of <" << element.tag << "> " << element.content;
      }
  }
}

}  // namespace
}  // namespace isobench::reports::svg
