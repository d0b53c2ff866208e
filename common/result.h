// Errors as values. A Result<T> holds either a T or an Error (errno + message); the
// executable is the one place that turns an Error into text on stderr.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace isobench {

struct Error {
  int errno_value = 0;  ///< 0 when the failure is not a system call's
  std::string message;

  /// "message: strerror(errno)" when there is an errno, else the message alone.
  std::string text() const {
    if (errno_value == 0) return message;
    return message + ": " + std::strerror(errno_value);
  }
};

/// An error carrying the current errno, for the line right after a failed system call.
inline Error errno_error(std::string message) {
  return Error{errno, std::move(message)};
}
inline Error plain_error(std::string message) {
  return Error{0, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Result of an operation with nothing to return but success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace isobench

/// Propagate an Error from an expression returning Result<...> (a statement, not an expression).
#define ISOBENCH_TRY(expr)                                                                              \
  do {                                                                                                  \
    if (auto isobench_try_result_ = (expr); !isobench_try_result_) return isobench_try_result_.error(); \
  } while (0)
