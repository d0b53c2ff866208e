// The command line of the benchmark tools beside isobench (startup_compare, probe_overhead):
// CLI11, as isobench's own, with the options every tool shares, and --help and malformed
// lines answered alike by each.
#pragma once

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace isobench::bench {

/// CLI11's help with the tool's own usage line ("usage: PROGRAM [--runs N] ...") first,
/// where scripts and people look for it, then the description and the options.
class ToolHelpFormatter : public CLI::Formatter {
 public:
  explicit ToolHelpFormatter(std::string usage) : usage_(std::move(usage)) {}
  std::string make_usage(const CLI::App*, std::string) const override { return usage_ + "\n"; }
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    return make_usage(app, name) + make_description(app) + make_groups(app, mode);
  }

 private:
  std::string usage_;
};

/// A CLI11 check: the value is a whole number from `minimum` to `maximum`.
inline CLI::Validator whole_number(long minimum, long maximum = 1000000) {
  return CLI::Validator(
      [minimum, maximum](std::string& text) {
        long value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end != text.data() + text.size() || value < minimum || value > maximum)
          return "must be a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum) +
                 ", not '" + text + "'";
        return std::string();
      },
      "", "whole number");
}

/// One tool's command line: declare its options on app(), then parse().
class ToolCommandLine {
 public:
  /// `synopsis` follows the program's name (how it was started) in the usage line.
  ToolCommandLine(int argc, char** argv, const char* fallback_name, const std::string& synopsis,
                  const std::string& description)
      : argc_(argc),
        argv_(argv),
        program_(std::filesystem::path(argc > 0 ? argv[0] : fallback_name).filename().string()),
        usage_("usage: " + program_ + " " + synopsis),
        app_(description, program_) {
    app_.formatter(std::make_shared<ToolHelpFormatter>(usage_));
    app_.get_formatter()->column_width(24);
  }

  const std::string& program() const { return program_; }
  CLI::App& app() { return app_; }

  /// The options every tool takes: --isobench PATH, and -o/--output FILE for its JSON,
  /// described by `output_what`.
  void add_shared_options(std::string& isobench, std::string& output, const std::string& output_what) {
    app_.add_option("--isobench", isobench, "the isobench executable (default: the one next to " + program_ + ")")
        ->type_name("PATH");
    app_.add_option("-o,--output", output, "also write " + output_what)->type_name("FILE");
  }

  /// nullopt when the tool should run. Else the exit status main returns: 0 after --help
  /// printed the help on stdout; 2 after a malformed line's error and the usage line on stderr.
  std::optional<int> parse() {
    try {
      app_.parse(argc_, argv_);
    } catch (const CLI::Success&) {  // --help
      std::fputs(app_.help().c_str(), stdout);
      return 0;
    } catch (const CLI::ParseError& error) {
      std::fprintf(stderr, "%s: %s\n%s\n", program_.c_str(), error.what(), usage_.c_str());
      return 2;
    }
    return std::nullopt;
  }

 private:
  int argc_;
  char** argv_;
  std::string program_;
  std::string usage_;
  CLI::App app_;
};

}  // namespace isobench::bench
