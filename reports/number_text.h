// One way to print a figure in every text renderer: printf-style, "-" when not measured.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace isobench::reports {

inline std::string number_text(const char* pattern, double value) {
  if (!std::isfinite(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

}  // namespace isobench::reports
