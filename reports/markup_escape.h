// Text inside HTML, SVG and XML (the HTML report, its charts, JUnit): the five characters
// that could end an element or an attribute, escaped. Target and workload names come from
// results files, which anyone can write.
#pragma once

#include <string>

namespace isobench::reports {

inline std::string escape_markup(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace isobench::reports
