#include "cli/docker_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace isobench::cli {

namespace {

// go-units' CustomSize: divide by `base` while the size reaches it, then print with Go's %.Ng
// (which, for these magnitudes, prints as C's %.Ng does).
std::string custom_size(int64_t bytes, double base, int precision, const char* const* units, size_t unit_count) {
  double size = static_cast<double>(bytes);
  size_t unit = 0;
  while (size >= base && unit + 1 < unit_count) {
    size /= base;
    ++unit;
  }
  char text[48];
  std::snprintf(text, sizeof text, "%.*g%s", precision, size, units[unit]);
  return text;
}

// The length of the UTF-8 sequence starting with `lead`, 0 when it cannot start one.
size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0 && lead >= 0xC2) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// The length of the well-formed UTF-8 character at `text[at]`, 0 when it is not one.
size_t utf8_character_at(std::string_view text, size_t at) {
  const size_t length = utf8_sequence_length(static_cast<unsigned char>(text[at]));
  if (length == 0 || at + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string docker_size_text(int64_t bytes) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  return custom_size(bytes, 1000.0, 3, kUnits, std::size(kUnits));
}

std::string docker_binary_size_text(int64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  return custom_size(bytes, 1024.0, 4, kUnits, std::size(kUnits));
}

std::string docker_duration_text(int64_t seconds) {
  auto plural = [](int64_t count, const char* unit) { return std::to_string(count) + " " + unit + (count == 1 ? "" : "s"); };
  if (seconds < 1) return "Less than a second";
  if (seconds < 60) return plural(seconds, "second");
  const int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return plural(minutes, "minute");
  // go-units rounds to the nearest hour here, but not for years below.
  const int64_t hours = static_cast<int64_t>(static_cast<double>(seconds) / 3600.0 + 0.5);
  if (hours == 1) return "About an hour";
  if (hours < 48) return plural(hours, "hour");
  if (hours < 24 * 7 * 2) return plural(hours / 24, "day");
  if (hours < 24 * 30 * 2) return plural(hours / 24 / 7, "week");
  if (hours < 24 * 365 * 2) return plural(hours / 24 / 30, "month");
  return plural(seconds / 3600 / 24 / 365, "year");
}

std::string docker_age_text(int64_t seconds) {
  return docker_duration_text(seconds) + " ago";
}

std::optional<int64_t> parse_rfc3339_nanos(const std::string& text) {
  std::tm parts{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon, &parts.tm_mday, &parts.tm_hour,
                  &parts.tm_min, &parts.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  const int64_t seconds = timegm(&parts);
  int64_t nanos = 0;
  size_t rest = static_cast<size_t>(consumed);
  if (rest < text.size() && text[rest] == '.') {
    int64_t scale = 100000000;
    for (++rest; rest < text.size() && text[rest] >= '0' && text[rest] <= '9'; ++rest, scale /= 10) {
      nanos += (text[rest] - '0') * scale;
    }
  }
  if (rest >= text.size()) return std::nullopt;
  int64_t offset = 0;
  if (text[rest] != 'Z' && text[rest] != 'z') {
    int offset_hours = 0, offset_minutes = 0;
    if (text[rest] != '+' && text[rest] != '-') return std::nullopt;
    if (std::sscanf(text.c_str() + rest + 1, "%2d:%2d", &offset_hours, &offset_minutes) != 2) return std::nullopt;
    offset = (offset_hours * 3600 + offset_minutes * 60) * (text[rest] == '+' ? 1 : -1);
  }
  return (seconds - offset) * 1000000000 + nanos;
}

int64_t parse_rfc3339(const std::string& text) {
  const std::optional<int64_t> nanos = parse_rfc3339_nanos(text);
  if (!nanos) return -1;
  // Floor, so that a time just before the epoch is not mistaken for it.
  return *nanos >= 0 ? *nanos / 1000000000 : -((-*nanos + 999999999) / 1000000000);
}

std::string go_time_text_utc(int64_t seconds) {
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S +0000 UTC", &parts);
  return text;
}

std::string go_quote(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (size_t at = 0; at < text.size();) {
    const unsigned char byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x80) {
      const size_t length = utf8_character_at(text, at);
      if (length > 0) {
        quoted.append(text.substr(at, length));
        at += length;
        continue;
      }
    }
    switch (byte) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\a': quoted += "\\a"; break;
      case '\b': quoted += "\\b"; break;
      case '\f': quoted += "\\f"; break;
      case '\n': quoted += "\\n"; break;
      case '\r': quoted += "\\r"; break;
      case '\t': quoted += "\\t"; break;
      case '\v': quoted += "\\v"; break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          quoted += "\\x";
          quoted += kHex[byte >> 4];
          quoted += kHex[byte & 0xf];
        } else {
          quoted += static_cast<char>(byte);
        }
    }
    ++at;
  }
  return quoted + "\"";
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t at = 0; at < text.size(); ++width) at += std::max<size_t>(1, utf8_character_at(text, at));
  return width;
}

std::string ellipsis(std::string_view text, size_t max_chars) {
  if (display_width(text) <= max_chars) return std::string(text);
  if (max_chars == 0) return "";
  size_t at = 0;
  for (size_t kept = 0; kept + 1 < max_chars; ++kept) at += std::max<size_t>(1, utf8_character_at(text, at));
  return std::string(text.substr(0, at)) + "…";
}

std::string short_id(std::string_view id) {
  if (id.starts_with("sha256:")) id.remove_prefix(7);
  return std::string(id.substr(0, 12));
}

std::string render_columns(const std::vector<std::vector<std::string>>& rows) {
  constexpr size_t kMinWidth = 10, kPadding = 3;
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (row.size() > widths.size() + 1) widths.resize(row.size() - 1, 0);
    for (size_t i = 0; i + 1 < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]) + kPadding);
  }
  std::string text;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) text.append(std::max(widths[i], kMinWidth) - display_width(row[i]), ' ');
    }
    text += "\n";
  }
  return text;
}

}  // namespace isobench::cli
