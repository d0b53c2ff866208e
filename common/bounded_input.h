// Input from users, read within limits: JSON documents (scenario, results, price list) and
// the files they come in, and the output paths a command will write at its end.
//
// Every JSON document isobench reads from a user goes through parse_json_text: a size
// limit, a nesting-depth limit checked before nlohmann::json builds anything (its parser
// is iterative, but copying, dumping and comparing a value recurse once per level), and
// messages that name the document and the limit without quoting long input back.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace isobench {

/// The limits of one kind of document.
struct JsonLimits {
  const char* kind = "JSON document";  ///< "scenario file", for messages
  size_t max_bytes = 1 << 20;
  size_t max_depth = 64;  ///< arrays and objects inside each other
};

/// At most `max_chars` bytes of `text` for an error message, cut at a UTF-8 character
/// boundary, with "... (N bytes)" when it was cut.
std::string excerpt(std::string_view text, size_t max_chars = 40);

/// "1 MiB", "512 KiB", "100 bytes": a limit as messages show it.
std::string size_text(size_t bytes);

/// The offset of the first '[' or '{' that opens a level deeper than `max_depth`, or npos.
/// Brackets inside strings do not count. Exact for valid JSON; for invalid text it bounds
/// what the parser would build. Pure, no recursion.
size_t json_depth_violation(std::string_view text, size_t max_depth);

/// `text` as one JSON document called `name` in messages: refused when it is larger than
/// limits.max_bytes, nested deeper than limits.max_depth, or not JSON ("NAME: not valid
/// JSON (truncated?) at byte N"). Never throws.
Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& name, const JsonLimits& limits);
/// The same with the keys in the document's order.
Result<nlohmann::ordered_json> parse_ordered_json_text(std::string_view text, const std::string& name,
                                                       const JsonLimits& limits);

/// The contents of the regular file at `path`, at most `max_bytes`. Anything else (a FIFO,
/// a device such as /dev/zero, a directory, a socket) is refused before a byte is read; the
/// open cannot block on a FIFO. `kind` names what the file should be, for messages.
Result<std::string> read_bounded_file(const std::string& path, size_t max_bytes, const char* kind);

/// read_bounded_file, then parse_json_text with the path as the name.
Result<nlohmann::json> read_json_file(const std::string& path, const JsonLimits& limits);

/// Whether a command will be able to write `path` at its end (with replace_file): it is
/// not a directory or another non-regular file, and a file can be created beside it (so
/// /proc/version, a missing directory and a read-only one are refused). Checks by creating
/// and removing a temporary file; leaves nothing behind. `option` prefixes the message.
Status check_output_path(const std::string& path, const std::string& option);

/// Writes what check_output_path accepted: a character device or FIFO in place, anything
/// else with replace_file (readers see the old file or the whole new one).
Status write_output_file(const std::string& path, const std::string& text);

}  // namespace isobench
