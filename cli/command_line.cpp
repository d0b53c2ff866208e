#include "cli/command_line.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace isobench::cli {

std::vector<std::string> split_container_command(const CLI::App& app, std::vector<std::string>& args,
                                                 const std::vector<std::string>& command_taking) {
  const CLI::App* current = &app;
  bool takes_command = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (takes_command && token == "--") {
      std::vector<std::string> command(args.begin() + static_cast<long>(i) + 1, args.end());
      args.resize(i);
      return command;
    }
    if (token.size() > 1 && token[0] == '-') {
      std::string name = token.substr(0, token.find('='));
      const CLI::Option* option = current->get_option_no_throw(name);
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

Action exit_two_on_bad_input(std::function<Result<int>()> body) {
  return [body = std::move(body)]() -> Result<int> {
    Result<int> code = 0;
    try {
      code = body();
    } catch (const nlohmann::json::exception& error) {
      code = plain_error("malformed results file: " + std::string(error.what()));
    }
    if (code) return code;
    std::cerr << "isobench: error: " << code.error().text() << "\n";
    return 2;
  };
}

}  // namespace isobench::cli
