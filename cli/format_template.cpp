#include "cli/format_template.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "cli/docker_text.h"
#include "common/text.h"

namespace isobench::cli {

namespace {

using Json = nlohmann::json;
using Operand = FormatTemplate::Operand;
using Command = FormatTemplate::Command;
using Node = FormatTemplate::Node;
/// A value during rendering; empty for Go's "no value" (a key that is not there).
using Value = std::optional<Json>;

// The functions of the subset and how many arguments each takes (a pipeline's value counts
// as the last one).
const std::map<std::string, size_t, std::less<>>& functions() {
  static const std::map<std::string, size_t, std::less<>> kFunctions = {
      {"json", 1}, {"upper", 1}, {"lower", 1}, {"title", 1}, {"join", 2}, {"split", 2}};
  return kFunctions;
}

// Go's prefix for a position: "template: :LINE:COL: ", COL counted from 0 as Go counts it.
std::string position_text(std::string_view source, size_t position) {
  const std::string_view before = source.substr(0, std::min(position, source.size()));
  const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t newline = before.rfind('\n');
  const size_t column = newline == std::string_view::npos ? before.size() : before.size() - newline - 1;
  return "template: :" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_identifier(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
  });
}

// The commands of one action, the text between `begin` and `end` of the template: words
// separated by spaces, "..." and `...` string literals, "|" between commands.
class ActionParser {
 public:
  ActionParser(std::string_view source, size_t begin, size_t end) : source_(source), at_(begin), end_(end) {}

  Result<std::vector<Command>> parse() {
    std::vector<Command> pipeline;
    while (true) {
      Command command;
      command.position = skip_spaces();
      while (skip_spaces() < end_ && source_[at_] != '|') ISOBENCH_TRY(add_word(command));
      ISOBENCH_TRY(check(command, !pipeline.empty()));
      pipeline.push_back(std::move(command));
      if (at_ >= end_) return pipeline;
      ++at_;  // the "|"
    }
  }

 private:
  size_t skip_spaces() {
    while (at_ < end_ && is_space(source_[at_])) ++at_;
    return at_;
  }

  Error error_at(size_t position, const std::string& message) const {
    return usage_error(position_text(source_, position) + message);
  }

  // The next word: a field path, a string literal, or a function's name when it comes first.
  Status add_word(Command& command) {
    if (source_[at_] == '"' || source_[at_] == '`') {
      auto literal = string_literal();
      if (!literal) return literal.error();
      command.arguments.push_back(std::move(*literal));
      return {};
    }
    const size_t start = at_;
    while (at_ < end_ && !is_space(source_[at_]) && source_[at_] != '|') ++at_;
    const std::string word(source_.substr(start, at_ - start));
    if (word[0] == '.') {
      Operand field;
      field.is_field = true;
      field.position = start;
      if (word != ".") {
        for (const std::string& key : split_list(std::string_view(word).substr(1), '.')) {
          if (!is_identifier(key)) return error_at(start, "bad field \"" + word + "\"");
          field.path.push_back(key);
        }
      }
      command.arguments.push_back(std::move(field));
      return {};
    }
    static const char* const kActions[] = {"range", "if", "else", "end", "with", "define", "template", "block", "break", "continue"};
    if (std::find(std::begin(kActions), std::end(kActions), word) != std::end(kActions)) {
      return error_at(start, "\"" + word + "\" is not supported: a template here takes fields, string literals "
                             "and the functions json, upper, lower, title, join and split");
    }
    const bool first = command.function.empty() && command.arguments.empty();
    if (!first || functions().find(word) == functions().end()) {
      const bool field_like = is_identifier(word) && !std::isdigit(static_cast<unsigned char>(word[0]));
      return error_at(start, "function \"" + word + "\" not defined" + (field_like ? " (a field is written ." + word + ")" : ""));
    }
    command.function = word;
    return {};
  }

  Result<Operand> string_literal() {
    const size_t start = at_;
    const char quote = source_[at_++];
    Operand literal;
    literal.position = start;
    while (at_ < end_ && source_[at_] != quote) {
      char c = source_[at_++];
      if (quote == '"' && c == '\\' && at_ < end_) {
        const char escaped = source_[at_++];
        c = escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped;
      }
      literal.text += c;
    }
    if (at_ >= end_) return error_at(start, quote == '"' ? "unterminated quoted string" : "unterminated raw quoted string");
    ++at_;
    return literal;
  }

  Status check(const Command& command, bool piped) const {
    if (command.function.empty()) {
      if (command.arguments.empty()) return error_at(command.position, "missing value for command");
      if (command.arguments.size() > 1) return error_at(command.arguments[1].position, "can't give argument to non-function");
      if (piped) return error_at(command.position, "non executable command in pipeline stage 2");
      return {};
    }
    const size_t wanted = functions().find(command.function)->second;
    const size_t given = command.arguments.size() + (piped ? 1 : 0);
    if (given == wanted) return {};
    return error_at(command.position, "wrong number of args for " + command.function + ": want " + std::to_string(wanted) +
                                          " got " + std::to_string(given));
  }

  std::string_view source_;
  size_t at_, end_;
};

// Where the action opened at `open` ("{{") closes: the offset of its "}}", skipping string
// literals; npos when it never closes.
size_t action_end(std::string_view source, size_t open) {
  for (size_t at = open + 2; at + 1 < source.size(); ++at) {
    if (source[at] == '"' || source[at] == '`') {
      const char quote = source[at];
      for (++at; at < source.size() && source[at] != quote; ++at) {
        if (quote == '"' && source[at] == '\\') ++at;
      }
      if (at >= source.size()) return std::string_view::npos;
    } else if (source[at] == '}' && source[at + 1] == '}') {
      return at;
    }
  }
  return std::string_view::npos;
}

void trim_trailing_space(std::string& text) {
  while (!text.empty() && is_space(text.back())) text.pop_back();
}

}  // namespace

Result<FormatTemplate> FormatTemplate::parse(std::string_view text) {
  FormatTemplate parsed;
  parsed.source_ = std::string(text);
  const std::string_view source = parsed.source_;
  bool trim_next = false;
  for (size_t at = 0; at < source.size();) {
    const size_t open = source.find("{{", at);
    std::string literal(source.substr(at, open == std::string_view::npos ? std::string_view::npos : open - at));
    if (trim_next) literal.erase(0, literal.find_first_not_of(" \t\r\n") == std::string::npos ? literal.size() : literal.find_first_not_of(" \t\r\n"));
    const bool trim_before = open != std::string_view::npos && open + 3 < source.size() && source[open + 2] == '-' && is_space(source[open + 3]);
    if (trim_before) trim_trailing_space(literal);
    if (!literal.empty()) parsed.nodes_.push_back(Node{std::move(literal), {}});
    if (open == std::string_view::npos) break;
    const size_t close = action_end(source, open);
    if (close == std::string_view::npos) return usage_error(position_text(source, open) + "unclosed action");
    const size_t body = open + (trim_before ? 3 : 2);
    trim_next = close >= body + 2 && source[close - 1] == '-' && is_space(source[close - 2]);
    auto pipeline = ActionParser(source, body, trim_next ? close - 1 : close).parse();
    if (!pipeline) return pipeline.error();
    parsed.nodes_.push_back(Node{"", std::move(*pipeline)});
    at = close + 2;
  }
  return parsed;
}

namespace {

// Go's name of the type a JSON value decodes to, for execution errors.
std::string go_type_name(const Json& value) {
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "bool";
  if (value.is_number_integer()) return "int";
  if (value.is_number()) return "float64";
  if (value.is_array()) return "[]interface {}";
  return "map[string]interface {}";
}

// Go's %v of a float64: the shortest digits that read back as the same number, in %e form
// when the exponent is below -4 or at least 6 (Go's rule for the shortest precision).
std::string go_float_text(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[64];
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*e", digits - 1, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  std::snprintf(text, sizeof text, "%.*e", digits - 1, value);
  const int exponent = std::atoi(std::strchr(text, 'e') + 1);
  if (exponent < -4 || exponent >= 6) return text;
  std::snprintf(text, sizeof text, "%.*f", std::max(0, digits - 1 - exponent), value);
  return text;
}

std::string json_text(const Value& value) {
  if (!value) return "null";
  return value->dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string title_text(std::string text) {
  bool word_start = true;
  for (char& c : text) {
    const bool letter = std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
    if (letter && word_start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    word_start = !letter;
  }
  return text;
}

std::string field_text(const Operand& field) {
  return field.path.empty() ? "." : "." + join(field.path, ".");
}

// Executes the actions of one parsed template for one object.
class Renderer {
 public:
  Renderer(std::string_view source, const Json& data) : source_(source), data_(data) {}

  Result<std::string> action(const std::vector<Command>& pipeline) const {
    Value value;
    for (size_t i = 0; i < pipeline.size(); ++i) {
      std::vector<Value> arguments;
      for (const Operand& operand : pipeline[i].arguments) {
        auto argument = evaluate(operand);
        if (!argument) return argument.error();
        arguments.push_back(std::move(*argument));
      }
      if (i > 0) arguments.push_back(std::move(value));
      if (pipeline[i].function.empty()) {
        value = std::move(arguments.front());
        continue;
      }
      auto result = call(pipeline[i], arguments);
      if (!result) return result.error();
      value = std::move(*result);
    }
    return value ? go_value_text(*value) : "<no value>";
  }

 private:
  Error failure(size_t position, const std::string& at, const std::string& message) const {
    return usage_error(position_text(source_, position) + "executing \"\" at <" + at + ">: " + message);
  }

  // A literal, or a field looked up key by key: a missing key gives "no value" (and so does
  // any key below it), as Go's templates treat a map.
  Result<Value> evaluate(const Operand& operand) const {
    if (!operand.is_field) return Value(Json(operand.text));
    const Json* current = &data_;
    for (const std::string& key : operand.path) {
      if (current->is_null()) return failure(operand.position, field_text(operand), "nil pointer evaluating interface {}." + key);
      if (!current->is_object()) {
        return failure(operand.position, field_text(operand), "can't evaluate field " + key + " in type " + go_type_name(*current));
      }
      const auto found = current->find(key);
      if (found == current->end()) return Value();
      current = &*found;
    }
    return Value(*current);
  }

  Result<Value> call(const Command& command, const std::vector<Value>& arguments) const {
    const std::string& name = command.function;
    auto text_of = [](const Value& value) { return !value ? std::string("<no value>") : value->is_string() ? value->get<std::string>() : go_value_text(*value); };
    if (name == "json") return Value(Json(json_text(arguments[0])));
    std::string text = text_of(arguments[0]);
    if (name == "upper" || name == "lower") {
      for (char& c : text) c = static_cast<char>(name == "upper" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
      return Value(Json(text));
    }
    if (name == "title") return Value(Json(title_text(text)));
    if (name == "split") {
      // Go's strings.Split: on every occurrence of the whole separator; "" splits into bytes.
      const std::string separator = text_of(arguments[1]);
      Json parts = Json::array();
      size_t start = 0;
      for (size_t found = 0; separator.empty() ? start + 1 < text.size() : (found = text.find(separator, start)) != std::string::npos;) {
        const size_t end = separator.empty() ? start + 1 : found;
        parts.push_back(text.substr(start, end - start));
        start = end + separator.size();
      }
      parts.push_back(text.substr(start));
      return Value(parts);
    }
    // join
    const Value& list = arguments[0];
    const bool strings = list && list->is_array() && std::all_of(list->begin(), list->end(), [](const Json& item) { return item.is_string(); });
    if (!strings) {
      return failure(command.position, "join", "wrong type for value; expected []string; got " + (list ? go_type_name(*list) : "<no value>"));
    }
    std::vector<std::string> items;
    for (const Json& item : *list) items.push_back(item.get<std::string>());
    return Value(Json(join(items, text_of(arguments[1]))));
  }

  std::string_view source_;
  const Json& data_;
};

}  // namespace

std::string go_value_text(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: return value.get<std::string>();
    case Json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case Json::value_t::null: return "<nil>";
    case Json::value_t::number_float: return go_float_text(value.get<double>());
    case Json::value_t::array: {
      std::vector<std::string> items;
      for (const Json& item : value) items.push_back(go_value_text(item));
      return "[" + join(items, " ") + "]";
    }
    case Json::value_t::object: {
      std::vector<std::string> items;
      for (const auto& [key, item] : value.items()) items.push_back(key + ":" + go_value_text(item));
      return "map[" + join(items, " ") + "]";
    }
    default: return value.dump();  // integers
  }
}

Result<std::string> FormatTemplate::render(const Json& data) const {
  const Renderer renderer(source_, data);
  std::string text;
  for (const Node& node : nodes_) {
    if (node.pipeline.empty()) {
      text += node.text;
      continue;
    }
    auto value = renderer.action(node.pipeline);
    if (!value) return value.error();
    text += *value;
  }
  return text;
}

std::string FormatTemplate::render_header(const Json& headers) const {
  std::string text;
  for (const Node& node : nodes_) {
    if (node.pipeline.empty()) {
      text += node.text;
      continue;
    }
    for (const Operand& operand : node.pipeline.front().arguments) {
      if (!operand.is_field || operand.path.empty()) continue;
      const std::string& key = operand.path.front();
      const auto found = headers.is_object() ? headers.find(key) : headers.end();
      if (found != headers.end() && found->is_string()) {
        text += found->get<std::string>();
      } else {
        for (char c : key) text += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      break;
    }
  }
  return text;
}

Result<ListingFormat> parse_listing_format(std::string_view format) {
  ListingFormat listing;
  // As the docker cli: any format that starts with "table" is one.
  listing.table = format.starts_with("table");
  if (listing.table) format.remove_prefix(5);
  while (!format.empty() && format.front() == ' ') format.remove_prefix(1);
  while (!format.empty() && format.back() == ' ') format.remove_suffix(1);
  std::string prepared;
  for (size_t at = 0; at < format.size(); ++at) {
    if (format[at] == '\\' && at + 1 < format.size() && (format[at + 1] == 't' || format[at + 1] == 'n')) {
      prepared += format[++at] == 't' ? '\t' : '\n';
    } else {
      prepared += format[at];
    }
  }
  auto parsed = FormatTemplate::parse(prepared);
  if (!parsed) return parsed.error();
  listing.row = std::move(*parsed);
  return listing;
}

Result<std::string> render_listing(const ListingFormat& format, const std::vector<Json>& rows, const Json& headers) {
  std::string text = format.table ? format.row.render_header(headers) + "\n" : "";
  for (const Json& row : rows) {
    auto line = format.row.render(row);
    if (!line) return line.error();
    text += *line + "\n";
  }
  if (!format.table) return text;
  std::vector<std::vector<std::string>> table;
  for (const std::string& line : split_list(std::string_view(text).substr(0, text.size() - 1), '\n')) table.push_back(split_list(line, '\t'));
  return render_columns(table);
}

}  // namespace isobench::cli
