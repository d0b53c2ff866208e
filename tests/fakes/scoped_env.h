// An environment variable set (or unset) for one test's scope and restored afterwards, so a
// test that points isobench at scratch files leaves the process's environment as it was.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

namespace isobench::testing {

class ScopedEnv {
 public:
  /// Sets `name` to `value`, or unsets it when `value` is nullopt.
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace isobench::testing
