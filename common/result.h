// Errors as values. A Result<T> holds either a T or an Error (errno, message, and the exit
// status it ends isobench with); the executable's main is the one place that turns an Error
// into text on stderr and an exit status.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace isobench {

/// How isobench ends (README, "Exit codes"). A run's own exit code passes through `run`.
namespace exit_codes {
inline constexpr int kRegressed = 1;        ///< compare: a regression was found
inline constexpr int kUsage = 2;            ///< the command line does not parse; nothing ran
inline constexpr int kTimedOut = 124;       ///< --timeout killed the workload
inline constexpr int kFailed = 125;         ///< isobench itself failed while working
inline constexpr int kNotExecutable = 126;  ///< the command exists but cannot be run
inline constexpr int kNotFound = 127;       ///< the command does not exist
}  // namespace exit_codes

struct Error {
  int errno_value = 0;  ///< 0 when the failure is not a system call's
  std::string message;
  /// The exit status the executable ends with when this error reaches main.
  int exit_code = exit_codes::kFailed;

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
/// The command line does not parse, or (compare, report) their input is bad: exit 2.
inline Error usage_error(std::string message) {
  return Error{0, std::move(message), exit_codes::kUsage};
}
/// The same error, ending the executable with `exit_code`.
inline Error with_exit_code(Error error, int exit_code) {
  error.exit_code = exit_code;
  return error;
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
