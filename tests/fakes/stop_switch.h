// What the CLI's InterruptGuard hands the harness, without the signals: an eventfd that
// becomes readable when stop() is called, for HarnessOptions::stop_fd and the waits.
#pragma once

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "common/unique_fd.h"

namespace isobench::bench {

class StopSwitch {
 public:
  StopSwitch() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  int fd() const { return fd_.get(); }
  void stop() const {
    const uint64_t one = 1;
    EXPECT_EQ(write(fd_.get(), &one, sizeof one), static_cast<ssize_t>(sizeof one));
  }
  /// Stops from another thread after `delay`, as a signal would in the middle of a wait.
  std::jthread stop_after(std::chrono::milliseconds delay) const {
    return std::jthread([this, delay] {
      std::this_thread::sleep_for(delay);
      stop();
    });
  }

 private:
  UniqueFd fd_;
};

}  // namespace isobench::bench
