// JUnit XML as the ecosystem's readers take it: valid against the Jenkins xunit plugin's
// junit-10.xsd (testsuites carries only name, time, tests, failures, errors; testsuite
// requires name, tests, failures, errors; time is seconds, digits and a point only). One
// writer for `report --format junit` and `compare --format junit`. Pure.
#pragma once

#include <string>
#include <vector>

namespace isobench::reports {

struct JunitCase {
  enum class Outcome { kPassed, kFailed, kSkipped };
  std::string classname;
  std::string name;
  double seconds = 0;  ///< a duration only: 0 for cases whose figure is not a time
  Outcome outcome = Outcome::kPassed;
  std::string message;  ///< of the failure or skip
  std::string detail;   ///< the figures, as the element's text (system-out when passed)
};

/// One <testsuites> holding one <testsuite name=`suite`> with `cases`; names escaped.
std::string render_junit(const std::string& suite, const std::vector<JunitCase>& cases);

}  // namespace isobench::reports
