#include "runner/image/config_change.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace isobench::runner::image {

namespace {

std::string shown(std::string_view change) { return "--change '" + std::string(change.substr(0, 200)) + "'"; }

std::string_view trim_view(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

/// Words as a shell would split them for ENV and LABEL: whitespace separates, quotes group,
/// a backslash escapes the next character (not inside single quotes).
Result<std::vector<std::string>> split_words(std::string_view text, std::string_view change) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
      word += text[++i];
    } else if ((c == '"' || c == '\'') && (quote == 0 || quote == c)) {
      quote = quote == 0 ? c : 0;
    } else {
      word += c;
    }
  }
  if (quote != 0) return usage_error(shown(change) + ": unterminated quote");
  if (in_word) words.push_back(std::move(word));
  return words;
}

/// "K=V" pairs (or the old "K V..." form when the first word has no '=').
Result<std::vector<std::pair<std::string, std::string>>> key_values(std::string_view arguments, std::string_view change) {
  auto words = split_words(arguments, change);
  if (!words) return words.error();
  if (words->empty()) return usage_error(shown(change) + ": needs KEY=VALUE");
  std::vector<std::pair<std::string, std::string>> pairs;
  if (words->front().find('=') == std::string::npos) {
    const std::string_view rest = trim_view(trim_view(arguments).substr(words->front().size()));
    pairs.emplace_back(words->front(), std::string(rest));
    return pairs;
  }
  for (const std::string& word : *words) {
    const size_t equals = word.find('=');
    if (equals == std::string::npos || equals == 0) return usage_error(shown(change) + ": '" + word + "' is not KEY=VALUE");
    pairs.emplace_back(word.substr(0, equals), word.substr(equals + 1));
  }
  return pairs;
}

/// The exec form (a JSON array of strings) or the shell form.
std::vector<std::string> command_of(std::string_view arguments) {
  const nlohmann::json parsed = nlohmann::json::parse(arguments, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_array() && std::all_of(parsed.begin(), parsed.end(), [](const nlohmann::json& item) { return item.is_string(); })) {
    std::vector<std::string> argv;
    for (const nlohmann::json& item : parsed) argv.push_back(item.get<std::string>());
    return argv;
  }
  return {"/bin/sh", "-c", std::string(arguments)};
}

void set_env(ImageConfig& config, const std::string& key, const std::string& value) {
  auto same_key = [&](const std::string& entry) { return entry.starts_with(key + "="); };
  config.env.erase(std::remove_if(config.env.begin(), config.env.end(), same_key), config.env.end());
  config.env.push_back(key + "=" + value);
}

Status apply_key_values(const std::string& keyword, std::string_view arguments, std::string_view change, ImageConfig& config) {
  auto pairs = key_values(arguments, change);
  if (!pairs) return pairs.error();
  for (const auto& [key, value] : *pairs) {
    if (keyword == "ENV") set_env(config, key, value);
    else config.labels[key] = value;
  }
  return {};
}

std::string working_dir_of(std::string_view arguments, const std::string& current) {
  if (arguments.starts_with("/")) return std::string(arguments);
  const std::string base = current.empty() ? "/" : current;
  return base + (base.ends_with("/") ? "" : "/") + std::string(arguments);
}

}  // namespace

Status apply_config_change(std::string_view change, ImageConfig& config) {
  const std::string_view line = trim_view(change);
  const size_t space = std::min(line.size(), line.find_first_of(" \t"));
  std::string keyword(line.substr(0, space));
  std::transform(keyword.begin(), keyword.end(), keyword.begin(), [](unsigned char c) { return std::toupper(c); });
  const std::string_view arguments = trim_view(line.substr(space));
  if (keyword.empty()) return usage_error("--change is empty (expected e.g. 'CMD /bin/sh' or 'ENV KEY=VALUE')");
  if (arguments.empty()) return usage_error(shown(change) + ": " + keyword + " needs an argument");
  if (keyword == "CMD") {
    config.cmd = command_of(arguments);
  } else if (keyword == "ENTRYPOINT") {
    config.entrypoint = command_of(arguments);
  } else if (keyword == "ENV" || keyword == "LABEL") {
    return apply_key_values(keyword, arguments, change, config);
  } else if (keyword == "WORKDIR") {
    config.working_dir = working_dir_of(arguments, config.working_dir);
  } else if (keyword == "USER") {
    config.user = std::string(arguments);
  } else if (keyword == "STOPSIGNAL") {
    config.stop_signal = std::string(arguments);
  } else {
    return usage_error(shown(change) + ": " + keyword +
                       " is not supported (import takes CMD, ENTRYPOINT, ENV, LABEL, STOPSIGNAL, USER, WORKDIR)");
  }
  return {};
}

}  // namespace isobench::runner::image
