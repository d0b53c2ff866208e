// The --format templates of `isobench ps`, `inspect` and `stats`: the part of Go's
// text/template (with the docker cli's functions) that people write on a Docker command line.
//
//   literal text                    copied as it is
//   {{.Field.Sub}}  {{.}}           a path into the object; a missing key prints "<no value>",
//                                   null "<nil>", as Go prints them
//   {{json .Field}}                 compact JSON (no HTML escaping, as the docker cli's json)
//   {{upper .X}} {{lower .X}} {{title .X}} {{join .List ", "}} {{split .X ","}}
//   {{.X | upper}}                  pipelines: the value becomes the last argument
//   {{- .X -}}                      trim the white space before / after the action
//
// Values print as Go's fmt prints them: strings raw, booleans "true"/"false", integers without
// ".0", floats in Go's shortest form ("0.5", "1e+06"), arrays "[a b c]", objects
// "map[key:value ...]" with sorted keys (Go prints a struct as "{value ...}"; the keys are kept
// here because a JSON object does not know its struct's order). range, if, with, and the other
// actions are not part of this subset: a template using them is rejected when it is parsed.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::cli {

/// A template parsed once and rendered for each object.
class FormatTemplate {
 public:
  /// Parses `text` literally (as `docker inspect --format` does: "\t" stays two characters).
  /// Errors name the position as Go does, with the column too: "template: :1:7: unclosed
  /// action", "template: :1:3: function \"foo\" not defined", "template: :1:3: missing value
  /// for command". Such errors are usage errors (exit 2).
  static Result<FormatTemplate> parse(std::string_view text);

  /// The template's text for `data`. Fails as Go's execution fails, naming the action: a field
  /// of a string, number, boolean or array ("can't evaluate field X in type string"), of null,
  /// or join of something that is not a list of strings.
  Result<std::string> render(const nlohmann::json& data) const;

  /// The header row of a `table` template, as the docker cli renders it: every action prints
  /// the header of its first field's top-level key (`headers[key]` when it is a string, else
  /// the key in upper case), whatever function it applies; literal text stays.
  std::string render_header(const nlohmann::json& headers) const;

  struct Operand {
    bool is_field = false;
    std::vector<std::string> path;  ///< a field's keys; empty for "."
    std::string text;               ///< a string literal's value
    size_t position = 0;            ///< byte offset in the template, for errors
  };
  struct Command {
    std::string function;  ///< empty: the command is its one operand
    std::vector<Operand> arguments;
    size_t position = 0;
  };
  struct Node {
    std::string text;               ///< literal text, when pipeline is empty
    std::vector<Command> pipeline;  ///< an action's commands, joined by "|"
  };

 private:
  std::string source_;
  std::vector<Node> nodes_;
};

/// A listing verb's --format after the docker cli's preparation: a leading "table" makes a
/// table (header row, tab-separated cells aligned in columns), spaces around the format are
/// trimmed, and the two-character sequences "\t" and "\n" become a tab and a newline.
struct ListingFormat {
  bool table = false;
  FormatTemplate row;
};
/// Prepares and parses `format` as `docker ps --format` and `docker stats --format` do; the
/// caller turns "", "table" and "json" into its own default first.
Result<ListingFormat> parse_listing_format(std::string_view format);

/// The rows of a listing: for a table, the header row (FormatTemplate::render_header) then
/// one line per row, in Docker's columns (render_columns); otherwise each row's text and a
/// newline. A table has its header even with no rows, as Docker prints it.
Result<std::string> render_listing(const ListingFormat& format, const std::vector<nlohmann::json>& rows, const nlohmann::json& headers);

/// Go's fmt %v of a JSON value (see the file comment), for values a template prints.
std::string go_value_text(const nlohmann::json& value);

}  // namespace isobench::cli
