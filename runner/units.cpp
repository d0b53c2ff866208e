#include "runner/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "common/text.h"

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

Result<std::vector<CpuRange>> parse_cpu_ranges(std::string_view text) {
  auto bad = [&] {
    return plain_error("invalid cpuset '" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "..." : "") +
                       "': expected a list such as 0 or 0-1 or 0,2-3");
  };
  if (text.empty()) return bad();
  std::vector<CpuRange> ranges;
  auto number = [](std::string_view s, unsigned& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
  };
  for (const std::string& list_item : split_list(text, ',')) {
    std::string_view item = list_item;
    size_t dash = item.find('-');
    CpuRange range;
    if (dash == std::string_view::npos) {
      if (!number(item, range.first)) return bad();
      range.last = range.first;
    } else if (!number(item.substr(0, dash), range.first) || !number(item.substr(dash + 1), range.last) ||
               range.last < range.first) {
      return bad();
    }
    ranges.push_back(range);
  }
  return ranges;
}

Result<std::string> parse_cpuset(std::string_view text) {
  auto ranges = parse_cpu_ranges(text);
  if (!ranges) return ranges.error();
  return std::string(text);
}

Status check_cpuset_within(std::string_view requested, std::string_view available) {
  auto wanted = parse_cpu_ranges(requested);
  if (!wanted) return wanted.error();
  auto present = parse_cpu_ranges(available);
  if (!present) return plain_error("cannot tell which CPUs this host has (" + present.error().message + ")");
  // Walk each wanted range over the available ones; the lists are short, the ranges may not be.
  for (const CpuRange& range : *wanted) {
    uint64_t next = range.first;
    bool progressed = true;
    while (next <= range.last && progressed) {
      progressed = false;
      for (const CpuRange& have : *present)
        if (have.first <= next && next <= have.last) {
          next = static_cast<uint64_t>(have.last) + 1;
          progressed = true;
        }
    }
    if (next <= range.last)
      return plain_error("CPU " + std::to_string(next) + " does not exist here: this host has CPUs " +
                         std::string(available));
  }
  return {};
}

Status check_seconds(double seconds, bool zero_allowed) {
  char shown[32];
  std::snprintf(shown, sizeof shown, "%g", seconds);
  if (std::isfinite(seconds) && (zero_allowed ? seconds >= 0 : seconds > 0) && seconds <= kMaxSeconds) return {};
  char limit[32];
  std::snprintf(limit, sizeof limit, "%.0f", kMaxSeconds);
  return plain_error("'" + std::string(shown) + "' is out of range: give seconds " +
                     (zero_allowed ? "from 0" : "above 0") + " up to " + limit + " (about 11 days)");
}

}  // namespace isobench::runner
