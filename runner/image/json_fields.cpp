#include "runner/image/json_fields.h"

#include "common/bounded_input.h"

namespace isobench::runner::image {

Result<nlohmann::json> parse_json_object(std::string_view text, std::string_view what) {
  const std::string name(what);
  auto document = parse_json_text(text, name, JsonLimits{.kind = name.c_str(), .max_bytes = kMaxDocumentBytes, .max_depth = 64});
  if (!document) return document.error();
  if (!document->is_object()) return plain_error(name + " is not a JSON object");
  return document;
}

void JsonFields::fail(const std::string& message) {
  if (error_.empty()) error_ = what_ + ": " + message;
}

void JsonFields::wrong_type(const char* key, const char* expected) {
  fail(std::string("field '") + key + "' is not " + expected);
}

const nlohmann::json* JsonFields::member(const char* key, bool required) {
  const auto found = object_.find(key);
  if (found == object_.end() || found->is_null()) {
    if (required) fail(std::string("field '") + key + "' is missing");
    return nullptr;
  }
  return &*found;
}

std::string JsonFields::string(const char* key, bool required) {
  const nlohmann::json* value = member(key, required);
  if (!value) return {};
  if (!value->is_string()) {
    wrong_type(key, "a string");
    return {};
  }
  return value->get<std::string>();
}

int64_t JsonFields::integer(const char* key, bool required) {
  const nlohmann::json* value = member(key, required);
  if (!value) return 0;
  if (!value->is_number_integer()) {
    wrong_type(key, "an integer");
    return 0;
  }
  return value->get<int64_t>();
}

std::vector<std::string> JsonFields::strings(const char* key) {
  std::vector<std::string> items;
  const nlohmann::json* value = member(key, false);
  if (!value) return items;
  if (!value->is_array()) {
    wrong_type(key, "an array of strings");
    return items;
  }
  for (const nlohmann::json& item : *value) {
    if (!item.is_string()) {
      wrong_type(key, "an array of strings");
      return {};
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

std::map<std::string, std::string> JsonFields::string_map(const char* key) {
  std::map<std::string, std::string> items;
  const nlohmann::json* value = member(key, false);
  if (!value) return items;
  if (!value->is_object()) {
    wrong_type(key, "an object of strings");
    return items;
  }
  for (const auto& [name, item] : value->items()) {
    if (!item.is_string()) {
      wrong_type(key, "an object of strings");
      return {};
    }
    items.emplace(name, item.get<std::string>());
  }
  return items;
}

const nlohmann::json* JsonFields::object(const char* key, bool required) {
  const nlohmann::json* value = member(key, required);
  if (value && !value->is_object()) {
    wrong_type(key, "an object");
    return nullptr;
  }
  return value;
}

const nlohmann::json* JsonFields::array(const char* key, bool required) {
  const nlohmann::json* value = member(key, required);
  if (value && !value->is_array()) {
    wrong_type(key, "an array");
    return nullptr;
  }
  return value;
}

}  // namespace isobench::runner::image
