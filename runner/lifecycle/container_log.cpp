// The log's times: the strict timestamp every record starts with, and the looser forms that
// `logs --since/--until` accept. Civil dates by Howard Hinnant's days_from_civil algorithm,
// so that no time zone database or libc state is involved.
#include "runner/lifecycle/container_log.h"

#include <time.h>

#include <cstring>

namespace isobench::runner::lifecycle {

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

CivilDate civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  return {static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2), month, day};
}

bool is_leap(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

unsigned days_in_month(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

void put_digits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}

/// Reads `width` digits at `text[at]`, advancing `at`; false when they are not all digits.
bool take_digits(std::string_view text, size_t& at, size_t width, int64_t& value) {
  if (at + width > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < width; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  at += width;
  return true;
}

bool take_char(std::string_view text, size_t& at, char expected) {
  if (at >= text.size() || text[at] != expected) return false;
  ++at;
  return true;
}

/// Digits after a '.', as nanoseconds (1 to 9 digits; more is not a time this log knows).
bool take_fraction(std::string_view text, size_t& at, int64_t& nanos) {
  size_t digits = 0;
  nanos = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 9) {
    nanos = nanos * 10 + (text[at++] - '0');
    ++digits;
  }
  for (size_t i = digits; i < 9; ++i) nanos *= 10;
  return digits > 0 && (at == text.size() || text[at] < '0' || text[at] > '9');
}

bool valid_time_of_day(int64_t hour, int64_t minute, int64_t second) {
  return hour < 24 && minute < 60 && second < 60;
}

/// A date-time as `docker logs --since` takes it (see parse_since); nullopt when it is not one.
std::optional<int64_t> parse_loose_rfc3339(std::string_view text, int64_t now_ns) {
  size_t at = 0;
  int64_t year, month, day, hour = 0, minute = 0, second = 0, nanos = 0;
  if (!take_digits(text, at, 4, year) || !take_char(text, at, '-') || !take_digits(text, at, 2, month) ||
      !take_char(text, at, '-') || !take_digits(text, at, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, static_cast<unsigned>(month)))
    return std::nullopt;
  if (take_char(text, at, 'T') || take_char(text, at, 't')) {
    if (!take_digits(text, at, 2, hour)) return std::nullopt;
    if (take_char(text, at, ':')) {
      if (!take_digits(text, at, 2, minute)) return std::nullopt;
      if (take_char(text, at, ':')) {
        if (!take_digits(text, at, 2, second)) return std::nullopt;
        if (take_char(text, at, '.') && !take_fraction(text, at, nanos)) return std::nullopt;
      }
    }
    if (!valid_time_of_day(hour, minute, second)) return std::nullopt;
  }
  int64_t offset_seconds;
  if (take_char(text, at, 'Z') || take_char(text, at, 'z')) {
    offset_seconds = 0;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int64_t sign = text[at++] == '-' ? -1 : 1;
    int64_t offset_hours, offset_minutes;
    if (!take_digits(text, at, 2, offset_hours) || !take_char(text, at, ':') ||
        !take_digits(text, at, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59)
      return std::nullopt;
    offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
  } else {
    // No zone: the local zone as it is now, as Docker's client reads it.
    const time_t now = static_cast<time_t>(now_ns / kNanosPerSecond);
    struct tm local {};
    offset_seconds = localtime_r(&now, &local) ? local.tm_gmtoff : 0;
  }
  if (at != text.size()) return std::nullopt;
  const int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kSecondsPerDay + hour * 3600 +
      minute * 60 + second - offset_seconds;
  return seconds * kNanosPerSecond + nanos;
}

/// "1700000000" or "1700000000.5": seconds since the epoch.
std::optional<int64_t> parse_unix_time(std::string_view text) {
  size_t at = 0;
  int64_t seconds = 0, nanos = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
    if (at == 10) return std::nullopt;  // past year 2286: not a time this log holds
    seconds = seconds * 10 + (text[at++] - '0');
  }
  if (at == 0) return std::nullopt;
  if (take_char(text, at, '.') && !take_fraction(text, at, nanos)) return std::nullopt;
  if (at != text.size()) return std::nullopt;
  return seconds * kNanosPerSecond + nanos;
}

/// Go's time.ParseDuration, which Docker uses: [sign] (number [fraction] unit)+ with units
/// ns, us (µs, μs), ms, s, m, h. Nanoseconds; nullopt when it is not a duration.
std::optional<int64_t> parse_duration(std::string_view text) {
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"ns", 1},         {"us", 1'000},          {"\xC2\xB5s", 1'000},        {"\xCE\xBCs", 1'000},
      {"ms", 1'000'000}, {"s", kNanosPerSecond}, {"m", 60 * kNanosPerSecond}, {"h", 3600 * kNanosPerSecond}};
  size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++at;
  if (at == text.size()) return std::nullopt;
  __int128 total = 0;
  while (at < text.size()) {
    __int128 whole = 0;
    long double fraction = 0, scale = 1;
    const size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      whole = whole * 10 + (text[at++] - '0');
      if (whole > INT64_MAX) return std::nullopt;
    }
    if (at < text.size() && text[at] == '.') {
      for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
        fraction += (text[at] - '0') * (scale /= 10);
    }
    if (at == start || (at == start + 1 && text[start] == '.')) return std::nullopt;
    int64_t unit = 0;
    for (const auto& [name, nanos] : kUnits) {
      // Longest first where it matters: "ms" is listed before "m" and "s".
      if (text.substr(at, name.size()) == name) {
        unit = nanos;
        at += name.size();
        break;
      }
    }
    if (unit == 0) return std::nullopt;
    total += whole * unit + static_cast<__int128>(fraction * static_cast<long double>(unit));
    if (total > INT64_MAX) return std::nullopt;
  }
  return static_cast<int64_t>(negative ? -total : total);
}

}  // namespace

void format_log_time(int64_t time_ns, char* out) {
  int64_t seconds = time_ns / kNanosPerSecond;
  int64_t nanos = time_ns % kNanosPerSecond;
  if (nanos < 0) nanos += kNanosPerSecond, --seconds;
  int64_t days = seconds / kSecondsPerDay;
  int64_t in_day = seconds % kSecondsPerDay;
  if (in_day < 0) in_day += kSecondsPerDay, --days;
  const CivilDate date = civil_from_days(days);
  std::memcpy(out, "0000-00-00T00:00:00.000000000Z", kLogTimeLength);
  put_digits(out, date.year, 4);
  put_digits(out + 5, date.month, 2);
  put_digits(out + 8, date.day, 2);
  put_digits(out + 11, in_day / 3600, 2);
  put_digits(out + 14, in_day / 60 % 60, 2);
  put_digits(out + 17, in_day % 60, 2);
  put_digits(out + 20, nanos, 9);
}

std::string format_log_time(int64_t time_ns) {
  std::string text(kLogTimeLength, '\0');
  format_log_time(time_ns, text.data());
  return text;
}

Result<int64_t> parse_log_time(std::string_view text) {
  size_t at = 0;
  int64_t year, month, day, hour, minute, second, nanos;
  const bool shaped = text.size() == kLogTimeLength && take_digits(text, at, 4, year) && take_char(text, at, '-') &&
                      take_digits(text, at, 2, month) && take_char(text, at, '-') && take_digits(text, at, 2, day) &&
                      take_char(text, at, 'T') && take_digits(text, at, 2, hour) && take_char(text, at, ':') &&
                      take_digits(text, at, 2, minute) && take_char(text, at, ':') &&
                      take_digits(text, at, 2, second) && take_char(text, at, '.') && take_digits(text, at, 9, nanos) &&
                      take_char(text, at, 'Z');
  // Years the nanosecond clock can hold (to 2262) from the epoch on: the log holds no others.
  if (!shaped || year < 1970 || year > 2261 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, static_cast<unsigned>(month)) || !valid_time_of_day(hour, minute, second)) {
    return plain_error("bad timestamp \"" + std::string(text.substr(0, 40)) + "\"");
  }
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return (days * kSecondsPerDay + hour * 3600 + minute * 60 + second) * kNanosPerSecond + nanos;
}

Result<int64_t> parse_since(std::string_view text, int64_t now_ns) {
  // Docker's order: "0" is the Unix epoch, not a duration; a date-time is told by its dashes.
  if (text != "0") {
    if (auto duration = parse_duration(text)) return now_ns - *duration;
  }
  if (auto time = parse_loose_rfc3339(text, now_ns)) return *time;
  if (auto time = parse_unix_time(text)) return *time;
  return usage_error("cannot read \"" + std::string(text) +
                     "\" as a time: give an RFC 3339 time (2026-12-02T18:00:00Z, 2026-12-02T18:00:00.5+09:00), "
                     "a Unix time (1700000000.5) or a duration before now (42s, 10m, 1h30m)");
}

}  // namespace isobench::runner::lifecycle
