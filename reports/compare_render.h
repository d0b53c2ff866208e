// A Comparison as text: the terminal table, Markdown for a PR comment, JUnit XML for CI
// systems (one test case per compared metric; a regression is a failure). Pure.
#pragma once

#include <string>

#include "reports/comparison.h"

namespace isobench::reports {

std::string render_compare_table(const Comparison& comparison);
std::string render_compare_markdown(const Comparison& comparison);
std::string render_compare_junit(const Comparison& comparison);

}  // namespace isobench::reports
