// Time unit conversions, written once: timestamps are int64 nanoseconds (monotonic_ns),
// figures in reports are double milliseconds, a few interfaces want seconds or microseconds.
#pragma once

#include <sys/time.h>
#include <time.h>

#include <concepts>
#include <cstdint>
#include <type_traits>

namespace isobench {

template <typename Number>
concept Arithmetic = std::is_arithmetic_v<Number>;

constexpr double ns_to_us(Arithmetic auto ns) {
  return static_cast<double>(ns) / 1e3;
}
constexpr double ns_to_ms(Arithmetic auto ns) {
  return static_cast<double>(ns) / 1e6;
}
constexpr double ns_to_s(Arithmetic auto ns) {
  return static_cast<double>(ns) / 1e9;
}
constexpr double us_to_ms(Arithmetic auto us) {
  return static_cast<double>(us) / 1e3;
}
constexpr double ms_to_us(Arithmetic auto ms) {
  return static_cast<double>(ms) * 1e3;
}
constexpr double ms_to_s(Arithmetic auto ms) {
  return static_cast<double>(ms) / 1e3;
}
constexpr double s_to_ms(Arithmetic auto s) {
  return static_cast<double>(s) * 1e3;
}
constexpr double s_to_us(Arithmetic auto s) {
  return static_cast<double>(s) * 1e6;
}

/// Milliseconds from one nanosecond timestamp to a later one (negative if `to_ns` is earlier).
constexpr double ms_between(int64_t from_ns, int64_t to_ns) {
  return ns_to_ms(to_ns - from_ns);
}

/// Whole milliseconds, truncated toward zero: for poll(2) timeouts.
constexpr int64_t ns_to_whole_ms(int64_t ns) {
  return ns / 1'000'000;
}

/// Whole seconds, truncated toward zero: for messages that count seconds.
constexpr int64_t ns_to_whole_s(int64_t ns) {
  return ns / 1'000'000'000;
}

/// Nanoseconds in `seconds`, truncated: for deadlines on the monotonic clock.
constexpr int64_t s_to_ns(double seconds) {
  return static_cast<int64_t>(seconds * 1e9);
}

/// Nanoseconds in a whole number of milliseconds, in the caller's integer type (exact).
template <std::integral Integer>
constexpr Integer whole_ms_to_ns(Integer ms) {
  return ms * 1'000'000;
}

/// Nanoseconds in a whole number of microseconds, in the caller's integer type (exact).
template <std::integral Integer>
constexpr Integer whole_us_to_ns(Integer us) {
  return us * 1'000;
}

/// A clock_gettime reading in nanoseconds.
constexpr int64_t timespec_to_ns(const timespec& ts) {
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// A rusage time (seconds and microseconds) in milliseconds.
constexpr double timeval_to_ms(const timeval& tv) {
  return s_to_ms(tv.tv_sec) + us_to_ms(tv.tv_usec);
}

/// A rusage time (seconds and microseconds) in microseconds.
constexpr double timeval_to_us(const timeval& tv) {
  return s_to_us(tv.tv_sec) + static_cast<double>(tv.tv_usec);
}

/// A rusage time (seconds and microseconds) in whole nanoseconds (exact).
constexpr uint64_t timeval_to_ns(const timeval& tv) {
  return static_cast<uint64_t>(tv.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(tv.tv_usec) * 1'000;
}

}  // namespace isobench
