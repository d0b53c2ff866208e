#include "cli/command_line.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <charconv>

#include "cli/commands.h"
#include "common/bounded_input.h"

namespace isobench::cli {

std::vector<std::string> split_container_command(const CLI::App& app, std::vector<std::string>& args,
                                                 const std::vector<std::string>& command_taking, bool* after_separator) {
  if (after_separator) *after_separator = false;
  const CLI::App* current = &app;
  bool takes_command = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (takes_command && token == "--") {
      if (after_separator) *after_separator = true;
      std::vector<std::string> command(args.begin() + static_cast<long>(i) + 1, args.end());
      args.resize(i);
      return command;
    }
    if (token.size() > 1 && token[0] == '-') {
      std::string name = token.substr(0, token.find('='));
      // A verb's own option, or a global one given after the verb (--log-level).
      const CLI::Option* option = current->get_option_no_throw(name);
      if (!option) option = app.get_option_no_throw(name);
      bool inline_value = token.find('=') != std::string::npos;
      if (option && !inline_value && option->get_expected_min() > 0) ++i;  // skip its value
      continue;
    }
    if (current == &app) {
      auto named = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(token); });
      if (named.empty()) return {};
      const CLI::App* sub = named.front();
      current = sub;
      takes_command = std::find(command_taking.begin(), command_taking.end(), token) != command_taking.end();
      if (!takes_command) return {};
      continue;
    }
    if (takes_command) {
      std::vector<std::string> command(args.begin() + static_cast<long>(i), args.end());
      args.resize(i);
      return command;
    }
  }
  return {};
}

std::string unknown_command(const CLI::App& app, const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") return {};
    if (token.size() > 1 && token[0] == '-') {
      const CLI::Option* option = app.get_option_no_throw(token.substr(0, token.find('=')));
      if (option && token.find('=') == std::string::npos && option->get_expected_min() > 0) ++i;  // its value
      continue;
    }
    auto named = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(token); });
    return named.empty() ? token : std::string();
  }
  return {};
}

std::string command_names(const CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}

void add_global_options(CLI::App& app, std::string& log_level, const std::string& version) {
  app.set_version_flag("--version", version);
  app.require_subcommand(1);
  // Subcommands inherit these when they are added: defaults in --help, and the root's
  // options (--log-level) accepted after the verb too.
  app.option_defaults()->always_capture_default();
  app.fallthrough();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
}

namespace {

/// "isobench bench" when the error is in a verb's options, else "isobench".
std::string where(const CLI::App& app) {
  auto chosen = app.get_subcommands();
  return chosen.empty() ? app.get_name() : app.get_name() + " " + chosen.front()->get_name();
}

}  // namespace

Result<bool> parse_arguments(CLI::App& app, std::vector<std::string> args) {
  if (std::string unknown = unknown_command(app, args); !unknown.empty())
    return usage_error("unknown command '" + excerpt(unknown) + "' (commands: " + command_names(app) +
                       "; isobench --help says more)");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  try {
    app.parse(args);
  } catch (const CLI::Success& asked) {  // --help, --help-all, --version
    app.exit(asked);
    return false;
  } catch (const CLI::ParseError& error) {
    return usage_error(std::string(error.what()) + " (see '" + where(app) + " --help')");
  }
  return true;
}

CLI::Validator at_least(long long minimum) {
  return CLI::Validator(
      [minimum](std::string& text) {
        long long value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end != text.data() + text.size()) return "'" + text + "' is not a whole number";
        if (value < minimum) return "must be at least " + std::to_string(minimum) + ", not " + text;
        return std::string();
      },
      ">=" + std::to_string(minimum), "");
}

Action exit_two_on_bad_input(std::function<Result<int>()> body) {
  return [body = std::move(body)]() -> Result<int> {
    Result<int> code = body();
    if (code) return code;
    return with_exit_code(code.error(), exit_codes::kUsage);
  };
}

int end_with(const Error& error) {
  std::cerr << "isobench: error: " << error.text() << "\n";
  return error.exit_code;
}

void install_logger() {
  auto logger = spdlog::stderr_color_st("isobench");
  logger->set_pattern("isobench: %^%l%$: %v");
  spdlog::set_default_logger(logger);
}

int run_and_exit_status(CLI::App& app, std::vector<std::string> args, const Action& action, const std::string& log_level) {
  if (Result<bool> go_on = parse_arguments(app, std::move(args)); !go_on) {
    return end_with(go_on.error());
  } else if (!*go_on) {
    return 0;  // --help or --version was printed
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  try {
    auto result = action();
    return result ? *result : end_with(result.error());
  } catch (const std::exception& error) {
    return end_with(plain_error("internal error: " + std::string(error.what())));
  }
}

}  // namespace isobench::cli
