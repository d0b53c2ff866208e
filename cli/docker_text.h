// The small pieces of text every Docker-compatible verb prints the same way: sizes, ages,
// quoted commands, short ids, times, and tab-aligned columns. They follow Docker's own
// helpers (go-units' duration.go and size.go, the cli's formatter and its tabwriter settings)
// so that `isobench images`, `ps` and `stats` read exactly as `docker` does. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isobench::cli {

/// go-units' HumanSizeWithPrecision(bytes, 3): 1000-based, "B", "kB", "MB", "GB", "TB", three
/// significant digits ("4.26MB", "0B"); what `docker images` and the I/O columns of `docker
/// stats` print.
std::string docker_size_text(int64_t bytes);
/// go-units' BytesSize: 1024-based, "B", "KiB", "MiB", "GiB", "TiB", four significant digits
/// ("1.465MiB", "7.632GiB"); what the memory column of `docker stats` prints.
std::string docker_binary_size_text(int64_t bytes);

/// go-units' HumanDuration: "Less than a second", "1 second", "5 seconds", "About a minute",
/// "5 minutes", "About an hour", "3 hours", "2 days", "3 weeks", "4 months", "2 years". A
/// negative duration (a clock that went back) is "Less than a second".
std::string docker_duration_text(int64_t seconds);
/// docker_duration_text + " ago": the CREATED column of `docker images` and `docker ps`.
std::string docker_age_text(int64_t seconds);

/// Nanoseconds since the epoch of an RFC 3339 time ("2026-01-02T03:04:05.123456789Z",
/// "+01:00" offsets); empty when it does not parse (an empty string included).
std::optional<int64_t> parse_rfc3339_nanos(const std::string& text);
/// Seconds since the epoch of an RFC 3339 time; -1 when it does not parse.
int64_t parse_rfc3339(const std::string& text);
/// Go's time.Time.String() of a Unix time in UTC: "2026-01-02 03:04:05 +0000 UTC", which
/// `docker ps` prints as CreatedAt (Docker uses the local zone; isobench prints UTC).
std::string go_time_text_utc(int64_t seconds);

/// Go's strconv.Quote: the text in double quotes with `"` and `\` escaped, control bytes as
/// \n, \t, \x01..., printable UTF-8 (such as "…") kept as it is.
std::string go_quote(std::string_view text);
/// The docker cli's Ellipsis: `text` when it has at most `max_chars` characters (UTF-8 code
/// points), else its first max_chars - 1 characters and "…".
std::string ellipsis(std::string_view text, size_t max_chars);
/// Docker's TruncateID: the first 12 characters of an id, after any "sha256:" prefix.
std::string short_id(std::string_view id);

/// The number of characters (UTF-8 code points) of `text`: the width a terminal gives it.
size_t display_width(std::string_view text);

/// Docker's table layout (text/tabwriter with minwidth 10, padding 3): every cell but the last
/// of its row is padded to the width of its column, the widest such cell plus three spaces and
/// at least 10 characters; the last cell of a row is not padded, so no line ends in spaces.
std::string render_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace isobench::cli
