// Type-checked reads of the JSON documents registries and builders write. A wrong type is an
// error naming the field and the document; a missing optional field is its default. nlohmann's
// own accessors throw on a wrong type, and a registry's answer is untrusted input.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::runner::image {

/// Manifests, indexes and configs are far smaller; the store index may hold thousands of images.
inline constexpr size_t kMaxDocumentBytes = 64 << 20;

/// Parses `text` as one JSON object (size and depth limited, never throws); `what` names the document in the error.
Result<nlohmann::json> parse_json_object(std::string_view text, std::string_view what);

/// Readers of one object's fields, collecting the first error.
class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string what) : object_(object), what_(std::move(what)) {}

  std::string string(const char* key, bool required = false);
  int64_t integer(const char* key, bool required = false);
  std::vector<std::string> strings(const char* key);
  std::map<std::string, std::string> string_map(const char* key);
  /// The member `key` when it is an object (else null, and an error if present and not one).
  const nlohmann::json* object(const char* key, bool required = false);
  /// The member `key` when it is an array (else null, and an error if present and not one).
  const nlohmann::json* array(const char* key, bool required = false);

  bool ok() const { return error_.empty(); }
  Error error() const { return plain_error(error_); }
  void fail(const std::string& message);
  const std::string& what() const { return what_; }

 private:
  const nlohmann::json* member(const char* key, bool required);
  void wrong_type(const char* key, const char* expected);

  const nlohmann::json& object_;
  std::string what_;
  std::string error_;
};

}  // namespace isobench::runner::image
