// Charts as inline SVG for the HTML report: pure functions from figures to SVG text, no
// scripts, no external resources. Drawn for a projector: large type, the Okabe-Ito palette
// (told apart with every common colour-vision deficiency), every axis labelled with its unit,
// and a logarithmic axis when the figures span more than two orders of magnitude (a VM's
// seconds next to a process's milliseconds).
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace isobench::reports::svg {

/// The i-th colour of the palette (wraps around).
const char* palette(size_t index);

/// A value axis: its label names the unit ("startup latency (ms)").
struct ValueAxis {
  std::string label;
  /// Force a linear axis even when the figures span orders of magnitude (stacked bars).
  bool linear_only = false;
  /// A reference line (1.0 for "times bare"), NaN for none.
  double reference = NAN;
  /// Logarithmic whatever these figures span: charts of one report that are read side by
  /// side (one per workload) follow one scale rule (needs_log_scale over all of them).
  bool log_always = false;
  /// Written after the label on a logarithmic axis, in the report's language.
  std::string log_note = " — log scale";
  /// The words of a distribution's tooltip, in the report's language.
  std::string quartiles_word = "quartiles";
  std::string median_word = "median";
};

/// Whether figures spanning `values` get a logarithmic axis: more than two orders of magnitude.
bool needs_log_scale(const std::vector<double>& values);

/// One row of a distribution chart: a box (quartiles, median, whiskers at the furthest
/// sample within 1.5 IQR) with every raw sample drawn as a point over it.
struct Distribution {
  std::string label;
  std::vector<double> samples;
};
std::string distribution_chart(const std::string& title, const std::vector<Distribution>& rows, const ValueAxis& axis);

/// Horizontal grouped bars: per row one bar per series, its value written at its end. NaN
/// values are left out (with "-" written where the bar would be).
struct BarRow {
  std::string label;
  std::vector<double> values;  ///< one per series
};
std::string bar_chart(const std::string& title, const std::vector<std::string>& series, const std::vector<BarRow>& rows,
                      const ValueAxis& axis);

/// Horizontal stacked bars: per row the segments in series order, the total at the end.
std::string stacked_bar_chart(const std::string& title, const std::vector<std::string>& series,
                              const std::vector<BarRow>& rows, const ValueAxis& axis);

/// Lines through (x, y) points, one per series, with a marker at each point; `upper`, when
/// given, is drawn dashed in the same colour (a p90 beside a median).
struct Line {
  std::string label;
  std::vector<std::pair<double, double>> points;
  std::vector<std::pair<double, double>> upper;
};
std::string line_chart(const std::string& title, const std::vector<Line>& lines, const ValueAxis& x_axis,
                       const ValueAxis& y_axis);

}  // namespace isobench::reports::svg
