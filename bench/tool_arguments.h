// The command line of the benchmark tools beside isobench (startup_compare, probe_overhead):
// a few options read one at a time, and --help and malformed lines answered alike by each.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.h"

namespace isobench::bench {

/// argv[1..] one at a time: `while (arguments.next())`, then `arg()`, and `value()` or
/// `number()` for an option that takes one.
class ToolArguments {
 public:
  ToolArguments(int argc, char** argv) : argc_(argc), argv_(argv) {}

  bool next() { return ++index_ < argc_; }
  std::string arg() const { return argv_[index_]; }

  /// The word after the current option, which it consumes.
  Result<std::string> value() {
    if (index_ + 1 >= argc_) return plain_error(arg() + " needs a value");
    return std::string(argv_[++index_]);
  }

  /// The options every tool takes: --isobench PATH, and -o/--output FILE for its JSON.
  /// False when the current word is neither.
  Result<bool> shared_option(std::string& isobench, std::string& output) {
    const std::string option = arg();
    if (option != "--isobench" && option != "-o" && option != "--output") return false;
    auto text = value();
    if (!text) return text.error();
    (option == "--isobench" ? isobench : output) = *text;
    return true;
  }

  /// The value as a whole number from `minimum` to a million.
  Result<int> number(int minimum) {
    std::string option = arg();
    auto text = value();
    if (!text) return text.error();
    char* end = nullptr;
    long parsed = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || parsed < minimum || parsed > 1000000)
      return plain_error(option + " must be a whole number from " + std::to_string(minimum) + ", not '" + *text + "'");
    return static_cast<int>(parsed);
  }

 private:
  int argc_;
  char** argv_;
  int index_ = 0;
};

/// The name the tool was started by, for its messages.
inline std::string program_name(int argc, char** argv, const char* fallback) {
  return std::filesystem::path(argc > 0 ? argv[0] : fallback).filename().string();
}

/// What main answers before doing any work: with --help the usage on stdout and exit status
/// 0; for a malformed command line the error and the usage's first line on stderr, status 2;
/// nullopt when the tool should run.
inline std::optional<int> usage_exit(const std::string& program, const std::string& usage, const Status& parsed,
                                     bool help) {
  if (!parsed) {
    std::fprintf(stderr, "%s: %s\n%s\n", program.c_str(), parsed.error().text().c_str(),
                 usage.substr(0, usage.find('\n')).c_str());
    return 2;
  }
  if (!help) return std::nullopt;
  std::fputs(usage.c_str(), stdout);
  return 0;
}

}  // namespace isobench::bench
