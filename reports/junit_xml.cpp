#include "reports/junit_xml.h"

#include <cmath>

#include "reports/markup_escape.h"
#include "reports/number_text.h"

namespace isobench::reports {

std::string render_junit(const std::string& suite, const std::vector<JunitCase>& cases) {
  std::string body;
  int failures = 0, skipped = 0;
  double total = 0;
  for (const JunitCase& test : cases) {
    // xsd SUREFIRE_TIME: digits with an optional fraction; never negative, NaN or an exponent.
    double seconds = std::isfinite(test.seconds) && test.seconds > 0 ? test.seconds : 0;
    total += seconds;
    body += "    <testcase classname=\"" + escape_markup(test.classname) + "\" name=\"" + escape_markup(test.name) +
            "\" time=\"" + number_text("%.6f", seconds) + "\">\n";
    switch (test.outcome) {
      case JunitCase::Outcome::kFailed:
        ++failures;
        body += "      <failure message=\"" + escape_markup(test.message) + "\">" + escape_markup(test.detail) +
                "</failure>\n";
        break;
      case JunitCase::Outcome::kSkipped:
        ++skipped;
        body += "      <skipped message=\"" + escape_markup(test.message) + "\">" + escape_markup(test.detail) +
                "</skipped>\n";
        break;
      case JunitCase::Outcome::kPassed:
        if (!test.detail.empty()) body += "      <system-out>" + escape_markup(test.detail) + "</system-out>\n";
    }
    body += "    </testcase>\n";
  }
  std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
                       "\" errors=\"0\" time=\"" + number_text("%.6f", total) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" + escape_markup(suite) + "\"" + counts +
         ">\n  <testsuite name=\"" + escape_markup(suite) + "\"" + counts + " skipped=\"" + std::to_string(skipped) +
         "\">\n" + body + "  </testsuite>\n</testsuites>\n";
}

}  // namespace isobench::reports
