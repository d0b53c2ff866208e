#include "runner/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace isobench::runner {
namespace {

// std::from_chars for double is available in GCC 12's libstdc++.
bool parse_decimal(std::string_view digits, double& out) {
  if (digits.empty()) return false;
  for (char c : digits)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc{} && end == digits.data() + digits.size();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<uint64_t> parse_bytes(std::string_view text) {
  auto bad = [&] {
    return plain_error("invalid size '" + std::string(text) +
                       "': expected a number with an optional unit b, k, m, g or t (e.g. 64m)");
  };
  size_t split = 0;
  while (split < text.size() && (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.')) ++split;
  double number = 0;
  if (!parse_decimal(text.substr(0, split), number)) return bad();

  std::string unit = lower(text.substr(split));
  uint64_t multiplier = 0;
  if (unit.empty() || unit == "b")
    multiplier = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    multiplier = 1ULL << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    multiplier = 1ULL << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    multiplier = 1ULL << 30;
  else if (unit == "t" || unit == "tb" || unit == "tib")
    multiplier = 1ULL << 40;
  else
    return bad();

  double bytes = number * static_cast<double>(multiplier);
  if (bytes < 1 || bytes > 9.0e18) return plain_error("size '" + std::string(text) + "' is out of range");
  return static_cast<uint64_t>(std::llround(bytes));
}

Result<double> parse_cpus(std::string_view text) {
  double cpus = 0;
  if (!parse_decimal(text, cpus))
    return plain_error("invalid CPU count '" + std::string(text) + "': expected a positive number such as 0.5 or 2");
  if (cpus <= 0 || cpus > 1024)
    return plain_error("CPU count '" + std::string(text) + "' is out of range: it must be above 0 and at most 1024");
  return cpus;
}

Result<std::string> parse_cpuset(std::string_view text) {
  auto bad = [&] {
    return plain_error("invalid cpuset '" + std::string(text) + "': expected a list such as 0 or 0-1 or 0,2-3");
  };
  if (text.empty()) return bad();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    size_t dash = item.find('-');
    unsigned first = 0, last = 0;
    auto number = [](std::string_view s, unsigned& out) {
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
    };
    if (dash == std::string_view::npos) {
      if (!number(item, first)) return bad();
    } else if (!number(item.substr(0, dash), first) || !number(item.substr(dash + 1), last) || last < first) {
      return bad();
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return std::string(text);
}

}  // namespace isobench::runner
