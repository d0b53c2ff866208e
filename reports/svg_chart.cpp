#include "reports/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/statistics.h"
#include "reports/markup_escape.h"

namespace isobench::reports::svg {
namespace {

// Okabe & Ito's eight colours; yellow (weak on white) and black (the text's colour) last, so
// that charts of up to six series never need them and the eight startup phases all differ.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#F0E442", "#000000"};

constexpr double kWidth = 1000;
constexpr double kTitleHeight = 48;
constexpr double kAxisHeight = 78;    // tick labels and the axis label under the plot
constexpr double kRightMargin = 110;  // value labels at the end of the bars

std::string fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

/// A figure as people read it: 3 significant digits, no exponent for the ranges shown here.
std::string figure(double value) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  double size = std::fabs(value);
  const char* pattern = size >= 100 ? "%.0f" : size >= 10 ? "%.1f" : size >= 1 ? "%.2f" : "%.3f";
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string tick_text(double value) {
  char text[32];
  if (std::fabs(value) >= 1e6)
    std::snprintf(text, sizeof text, "%gM", value / 1e6);
  else if (std::fabs(value) >= 1e4)
    std::snprintf(text, sizeof text, "%gk", value / 1e3);
  else
    std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

bool needs_log_scale(const std::vector<double>& values) {
  double low = INFINITY, high = 0;
  for (double value : values)
    if (std::isfinite(value) && value > 0) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  return std::isfinite(low) && high / low > 100;
}

namespace {

/// Maps figures to pixels, linearly from zero or logarithmically between powers of ten.
class Scale {
 public:
  Scale(const std::vector<double>& values, const ValueAxis& axis, double pixel_low, double pixel_high)
      : pixel_low_(pixel_low), pixel_high_(pixel_high) {
    double low = INFINITY, high = 0;
    for (double value : values)
      if (std::isfinite(value) && value > 0) {
        low = std::min(low, value);
        high = std::max(high, value);
      }
    if (std::isfinite(axis.reference) && axis.reference > 0) {
      low = std::min(low, axis.reference);
      high = std::max(high, axis.reference);
    }
    if (!std::isfinite(low)) low = high = 1;
    log_ = axis.log_always || (!axis.linear_only && high / low > 100);
    if (log_) {
      low_ = std::pow(10, std::floor(std::log10(low)));
      high_ = std::pow(10, std::ceil(std::log10(high)));
      if (high_ <= low_) high_ = low_ * 10;
    } else {
      low_ = 0;
      step_ = nice_step(high / 5);
      high_ = std::ceil(high / step_) * step_;
      if (high_ <= 0) high_ = step_;
    }
  }

  double operator()(double value) const {
    double fraction =
        log_ ? (std::log10(std::max(value, low_)) - std::log10(low_)) / (std::log10(high_) - std::log10(low_))
             : (value - low_) / (high_ - low_);
    return pixel_low_ + std::clamp(fraction, 0.0, 1.0) * (pixel_high_ - pixel_low_);
  }
  double origin() const { return pixel_low_; }
  bool log() const { return log_; }

  std::vector<double> ticks() const {
    std::vector<double> ticks;
    if (log_) {
      for (double tick = low_; tick <= high_ * 1.0001; tick *= 10) ticks.push_back(tick);
    } else {
      for (double tick = 0; tick <= high_ + step_ / 2; tick += step_) ticks.push_back(tick);
    }
    return ticks;
  }

 private:
  static double nice_step(double rough) {
    if (!(rough > 0)) return 1;
    double power = std::pow(10, std::floor(std::log10(rough)));
    for (double multiple : {1.0, 2.0, 5.0, 10.0})
      if (rough <= multiple * power) return multiple * power;
    return 10 * power;
  }

  double pixel_low_, pixel_high_;
  double low_ = 0, high_ = 1, step_ = 1;
  bool log_ = false;
};

/// The frame every chart shares: the svg element, the title, and the room for row labels.
struct Frame {
  double left;  // where the plot starts, after the row labels
  double top = kTitleHeight;
  double height;  // of the plot
  double right() const { return kWidth - kRightMargin; }
};

/// Roughly how wide `text` is drawn at `font_size`: Latin letters about 0.56 em, Hangul and
/// CJK glyphs a whole em. Counts code points, not bytes: UTF-8 spends three bytes on each
/// Hangul syllable.
double text_width(const std::string& text, double font_size) {
  double width = 0;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    width += byte >= 0xE1 ? font_size : font_size * 0.56;
  }
  return width;
}

/// Room for the row labels (18 px text, right-aligned before the plot): the longest label,
/// up to half the chart.
double label_room(const std::vector<std::string>& labels) {
  double longest = 0;
  for (const std::string& label : labels) longest = std::max(longest, text_width(label, 18));
  return std::clamp(longest + 24, 130.0, kWidth / 2);
}

std::string open_svg(const std::string& title, double height) {
  return "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " + fixed(kWidth) + " " + fixed(height) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\"><title>" + escape_markup(title) +
         "</title><text x=\"0\" y=\"28\" font-size=\"22\" font-weight=\"bold\">" + escape_markup(title) + "</text>";
}

/// Grid lines, tick labels and the axis label under a horizontal value axis.
std::string value_axis(const Scale& scale, const Frame& frame, const ValueAxis& axis) {
  std::string out;
  double bottom = frame.top + frame.height;
  for (double tick : scale.ticks()) {
    std::string x = fixed(scale(tick));
    out += "<line x1=\"" + x + "\" y1=\"" + fixed(frame.top) + "\" x2=\"" + x + "\" y2=\"" + fixed(bottom) +
           "\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>";
    out += "<text x=\"" + x + "\" y=\"" + fixed(bottom + 24) + "\" font-size=\"16\" text-anchor=\"middle\">" +
           tick_text(tick) + "</text>";
  }
  if (std::isfinite(axis.reference)) {
    std::string x = fixed(scale(axis.reference));
    out += "<line x1=\"" + x + "\" y1=\"" + fixed(frame.top - 6) + "\" x2=\"" + x + "\" y2=\"" + fixed(bottom) +
           "\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>";
  }
  out += "<line x1=\"" + fixed(frame.left) + "\" y1=\"" + fixed(bottom) + "\" x2=\"" + fixed(frame.right()) +
         "\" y2=\"" + fixed(bottom) + "\" stroke=\"#000\" stroke-width=\"1.5\"/>";
  out += "<text x=\"" + fixed((frame.left + frame.right()) / 2) + "\" y=\"" + fixed(bottom + 58) +
         "\" font-size=\"18\" text-anchor=\"middle\">" + escape_markup(axis.label) +
         (scale.log() ? escape_markup(axis.log_note) : "") + "</text>";
  return out;
}

std::string row_label(const std::string& label, double y, const Frame& frame) {
  return "<text x=\"" + fixed(frame.left - 12) + "\" y=\"" + fixed(y + 6) + "\" font-size=\"18\" text-anchor=\"end\">" +
         escape_markup(label) + "</text>";
}

std::string rect(double x, double y, double width, double height, const char* colour, const std::string& tip) {
  return "<rect x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\" width=\"" + fixed(std::max(width, 1.0)) + "\" height=\"" +
         fixed(height) + "\" fill=\"" + colour + "\"><title>" + escape_markup(tip) + "</title></rect>";
}

constexpr double kLegendLine = 34;

/// Where each legend entry starts: left to right, on a new line when the entry would pass
/// the chart's right edge (the viewBox clips whatever lies beyond it).
std::vector<std::pair<double, double>> legend_places(const std::vector<std::string>& series, double y) {
  std::vector<std::pair<double, double>> places;
  double x = 0;
  for (const std::string& name : series) {
    double width = 26 + text_width(name, 17);
    if (x > 0 && x + width > kWidth) {
      x = 0;
      y += kLegendLine;
    }
    places.emplace_back(x, y);
    x += width + 28;
  }
  return places;
}

std::string legend(const std::vector<std::string>& series, double y) {
  std::string out;
  std::vector<std::pair<double, double>> places = legend_places(series, y);
  for (size_t i = 0; i < series.size(); ++i) {
    auto [x, line] = places[i];
    out += "<rect x=\"" + fixed(x) + "\" y=\"" + fixed(line - 14) + "\" width=\"18\" height=\"18\" fill=\"" +
           palette(i) + "\"/><text x=\"" + fixed(x + 26) + "\" y=\"" + fixed(line) + "\" font-size=\"17\">" +
           escape_markup(series[i]) + "</text>";
  }
  return out;
}

double legend_height(const std::vector<std::string>& series) {
  return series.size() > 1 ? legend_places(series, 0).back().second + kLegendLine : 0;
}

}  // namespace

const char* palette(size_t index) {
  return kPalette[index % std::size(kPalette)];
}

std::string distribution_chart(const std::string& title, const std::vector<Distribution>& rows, const ValueAxis& axis) {
  constexpr double kRow = 60;
  std::vector<std::string> labels;
  std::vector<double> all;
  for (const Distribution& row : rows) {
    labels.push_back(row.label);
    all.insert(all.end(), row.samples.begin(), row.samples.end());
  }
  Frame frame{label_room(labels), kTitleHeight, kRow * static_cast<double>(rows.size())};
  Scale scale(all, axis, frame.left, frame.right());
  std::string out = open_svg(title, frame.top + frame.height + kAxisHeight) + value_axis(scale, frame, axis);
  for (size_t r = 0; r < rows.size(); ++r) {
    const Distribution& row = rows[r];
    double middle = frame.top + kRow * (static_cast<double>(r) + 0.5);
    out += row_label(row.label, middle, frame);
    if (row.samples.empty()) continue;
    const char* colour = palette(r);
    double q1 = bench::quantile(row.samples, 0.25), q3 = bench::quantile(row.samples, 0.75);
    double median = bench::median(row.samples);
    double reach = 1.5 * (q3 - q1), low = q1, high = q3;
    for (double sample : row.samples) {
      if (sample >= q1 - reach) low = std::min(low, sample);
      if (sample <= q3 + reach) high = std::max(high, sample);
    }
    std::string y = fixed(middle);
    out += "<line x1=\"" + fixed(scale(low)) + "\" y1=\"" + y + "\" x2=\"" + fixed(scale(high)) + "\" y2=\"" + y +
           "\" stroke=\"#333\" stroke-width=\"2\"/>";
    out += "<rect x=\"" + fixed(scale(q1)) + "\" y=\"" + fixed(middle - 16) + "\" width=\"" +
           fixed(std::max(scale(q3) - scale(q1), 2.0)) + "\" height=\"32\" fill=\"" + colour +
           "\" fill-opacity=\"0.25\" stroke=\"" + colour + "\" stroke-width=\"2\"><title>" +
           escape_markup(row.label + ": " + axis.quartiles_word + " " + figure(q1) + "-" + figure(q3) + ", " +
                         axis.median_word + " " + figure(median)) +
           "</title></rect>";
    out += "<line x1=\"" + fixed(scale(median)) + "\" y1=\"" + fixed(middle - 18) + "\" x2=\"" + fixed(scale(median)) +
           "\" y2=\"" + fixed(middle + 18) + "\" stroke=\"#000\" stroke-width=\"3\"/>";
    for (size_t i = 0; i < row.samples.size(); ++i) {
      // A fixed spread (golden-ratio steps) so points do not hide each other, the same every time.
      double jitter = (std::fmod(static_cast<double>(i) * 0.618034, 1.0) - 0.5) * 24;
      out += "<circle cx=\"" + fixed(scale(row.samples[i])) + "\" cy=\"" + fixed(middle + jitter) +
             "\" r=\"4\" fill=\"" + colour + "\" fill-opacity=\"0.7\"/>";
    }
    out += "<text x=\"" + fixed(frame.right() + 8) + "\" y=\"" + fixed(middle + 6) + "\" font-size=\"16\">" +
           figure(median) + "</text>";
  }
  return out + "</svg>";
}

std::string bar_chart(const std::string& title, const std::vector<std::string>& series, const std::vector<BarRow>& rows,
                      const ValueAxis& axis) {
  const double bar = 26, gap = 18;
  const double row_height = bar * static_cast<double>(std::max<size_t>(series.size(), 1)) + gap;
  std::vector<std::string> labels;
  std::vector<double> all;
  for (const BarRow& row : rows) {
    labels.push_back(row.label);
    all.insert(all.end(), row.values.begin(), row.values.end());
  }
  double top = kTitleHeight + legend_height(series);
  Frame frame{label_room(labels), top, row_height * static_cast<double>(rows.size())};
  Scale scale(all, axis, frame.left, frame.right());
  std::string out = open_svg(title, frame.top + frame.height + kAxisHeight);
  if (series.size() > 1) out += legend(series, kTitleHeight + 20);
  out += value_axis(scale, frame, axis);
  for (size_t r = 0; r < rows.size(); ++r) {
    double row_top = frame.top + row_height * static_cast<double>(r) + gap / 2;
    out += row_label(rows[r].label, row_top + (row_height - gap) / 2, frame);
    for (size_t s = 0; s < rows[r].values.size() && s < std::max<size_t>(series.size(), 1); ++s) {
      double value = rows[r].values[s];
      double y = row_top + bar * static_cast<double>(s);
      if (!std::isfinite(value)) {
        out += "<text x=\"" + fixed(frame.left + 8) + "\" y=\"" + fixed(y + bar - 7) + "\" font-size=\"16\">-</text>";
        continue;
      }
      double end = scale(value);
      std::string name = series.empty() ? rows[r].label : rows[r].label + ", " + series[s];
      out += rect(frame.left, y + 2, end - frame.left, bar - 4, palette(s), name + ": " + figure(value));
      out += "<text x=\"" + fixed(end + 6) + "\" y=\"" + fixed(y + bar - 7) + "\" font-size=\"16\">" + figure(value) +
             "</text>";
    }
  }
  return out + "</svg>";
}

std::string stacked_bar_chart(const std::string& title, const std::vector<std::string>& series,
                              const std::vector<BarRow>& rows, const ValueAxis& axis) {
  const double bar = 34, gap = 20;
  std::vector<std::string> labels;
  std::vector<double> totals;
  for (const BarRow& row : rows) {
    labels.push_back(row.label);
    double total = 0;
    for (double value : row.values) total += std::isfinite(value) ? value : 0;
    totals.push_back(total);
  }
  ValueAxis linear = axis;
  linear.linear_only = true;  // stacked lengths only add up on a linear axis
  double top = kTitleHeight + legend_height(series);
  Frame frame{label_room(labels), top, (bar + gap) * static_cast<double>(rows.size())};
  Scale scale(totals, linear, frame.left, frame.right());
  std::string out = open_svg(title, frame.top + frame.height + kAxisHeight) + legend(series, kTitleHeight + 20) +
                    value_axis(scale, frame, linear);
  for (size_t r = 0; r < rows.size(); ++r) {
    double y = frame.top + (bar + gap) * static_cast<double>(r) + gap / 2;
    out += row_label(rows[r].label, y + bar / 2, frame);
    double sum = 0;
    for (size_t s = 0; s < rows[r].values.size(); ++s) {
      double value = rows[r].values[s];
      if (!std::isfinite(value) || value <= 0) continue;
      double start = scale(sum);
      sum += value;
      std::string name = s < series.size() ? series[s] : "";
      out += rect(start, y, scale(sum) - start, bar, palette(s), rows[r].label + ", " + name + ": " + figure(value));
    }
    out += "<text x=\"" + fixed(scale(sum) + 6) + "\" y=\"" + fixed(y + bar / 2 + 6) + "\" font-size=\"16\">" +
           figure(totals[r]) + "</text>";
  }
  return out + "</svg>";
}

std::string line_chart(const std::string& title, const std::vector<Line>& lines, const ValueAxis& x_axis,
                       const ValueAxis& y_axis) {
  constexpr double kPlotHeight = 360, kLeft = 110;
  std::vector<std::string> names;
  std::vector<double> xs, ys;
  for (const Line& line : lines) {
    names.push_back(line.label);
    for (const auto* series : {&line.points, &line.upper})
      for (const auto& [x, y] : *series) {
        xs.push_back(x);
        ys.push_back(y);
      }
  }
  double top = kTitleHeight + legend_height(names) + 10;
  Frame frame{kLeft, top, kPlotHeight};
  Scale x_scale(xs, x_axis, frame.left, frame.right());
  Scale y_scale(ys, y_axis, frame.top + frame.height, frame.top);
  std::string out = open_svg(title, frame.top + frame.height + kAxisHeight);
  if (names.size() > 1) out += legend(names, kTitleHeight + 20);
  out += value_axis(x_scale, frame, x_axis);
  for (double tick : y_scale.ticks()) {
    std::string y = fixed(y_scale(tick));
    out += "<line x1=\"" + fixed(frame.left) + "\" y1=\"" + y + "\" x2=\"" + fixed(frame.right()) + "\" y2=\"" + y +
           "\" stroke=\"#e0e0e0\" stroke-width=\"1\"/><text x=\"" + fixed(frame.left - 10) + "\" y=\"" + y +
           "\" dy=\"6\" font-size=\"16\" text-anchor=\"end\">" + tick_text(tick) + "</text>";
  }
  out += "<text transform=\"translate(22 " + fixed(frame.top + frame.height / 2) +
         ") rotate(-90)\" font-size=\"18\" text-anchor=\"middle\">" + escape_markup(y_axis.label) +
         (y_scale.log() ? " — log" : "") + "</text>";
  for (size_t l = 0; l < lines.size(); ++l) {
    auto polyline = [&](const std::vector<std::pair<double, double>>& series, const char* style) {
      std::string points;
      for (const auto& [x, y] : series) points += fixed(x_scale(x)) + "," + fixed(y_scale(y)) + " ";
      return "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + palette(l) + "\" " + style + "/>";
    };
    if (!lines[l].upper.empty()) out += polyline(lines[l].upper, "stroke-width=\"2\" stroke-dasharray=\"8 6\"");
    out += polyline(lines[l].points, "stroke-width=\"3\"");
    for (const auto& [x, y] : lines[l].points)
      out += "<circle cx=\"" + fixed(x_scale(x)) + "\" cy=\"" + fixed(y_scale(y)) + "\" r=\"6\" fill=\"" + palette(l) +
             "\"><title>" + escape_markup(lines[l].label + ": " + figure(x) + " -> " + figure(y)) + "</title></circle>";
  }
  return out + "</svg>";
}

}  // namespace isobench::reports::svg
