// The caller's side of a container's pseudo-terminal (`run -t`, `exec -t`), as docker's CLI
// attaches one: the caller's terminal in raw mode while -i forwards keys (so Ctrl-C is a byte
// that the container's line discipline turns into its own SIGINT), what the container prints
// copied to stdout, and the window size followed on SIGWINCH.
#pragma once

#include <signal.h>
#include <termios.h>

#include <optional>
#include <string>
#include <thread>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/spec.h"

namespace isobench::cli {

/// The size of the caller's terminal (stdin's, else stdout's); 0 × 0 when neither is one.
runner::TerminalSize caller_terminal_size();

/// -t and -i as docker checks them: -i -t needs a terminal on stdin ("the input device is
/// not a TTY").
Status check_terminal_options(bool tty, bool interactive);

/// The terminal on `fd` in raw mode until destroyed, which restores what it was; nothing
/// when `fd` is not a terminal.
class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  ~RawTerminal();

 private:
  int fd_ = -1;
  std::optional<termios> saved_;
};

/// SIGWINCH as a readable descriptor, while it lives (one at a time per process): the handler
/// writes a byte to a pipe, and the previous disposition comes back at the end.
class WindowSizeWatch {
 public:
  WindowSizeWatch();
  WindowSizeWatch(const WindowSizeWatch&) = delete;
  WindowSizeWatch& operator=(const WindowSizeWatch&) = delete;
  ~WindowSizeWatch();
  /// Readable after a SIGWINCH; -1 when the pipe could not be made.
  int fd() const { return read_end_.get(); }
  /// Empties the pipe once its readiness was seen.
  void drain() const;

 private:
  UniqueFd read_end_, write_end_;
  struct sigaction previous_ {};
};

/// Copies between a pty master and the caller's stdio on a thread of its own.
class TerminalRelay {
 public:
  /// Starts relaying `master`'s output to stdout and, with `forward_input`, stdin to it.
  TerminalRelay(UniqueFd master, bool forward_input);
  TerminalRelay(const TerminalRelay&) = delete;
  TerminalRelay& operator=(const TerminalRelay&) = delete;
  ~TerminalRelay();

  /// The workload has ended: what it printed is copied until the pty hangs up (every slave
  /// closed), stays quiet for kDrainQuietMs or kDrainLimitMs have passed, then the thread is
  /// joined.
  void finish();
  static constexpr int kDrainQuietMs = 200;
  static constexpr int kDrainLimitMs = 1000;

 private:
  void relay();
  bool copy_output();
  void copy_input(bool& input_open);
  void flush_input();
  void follow_window_size();

  UniqueFd master_;
  bool forward_input_;
  UniqueFd wake_read_, wake_write_;  ///< finish() writes a byte here
  std::optional<WindowSizeWatch> resize_;
  std::string pending_input_;  ///< keys the pty could not take yet (its input queue full)
  std::thread thread_;
};

/// The caller's side of a container's terminal once its master exists (`run -t`, `exec -t`):
/// the caller's terminal raw when keys are forwarded, and the relay; finish() ends the relay
/// before the terminal is restored.
class CallerTerminal {
 public:
  void start(UniqueFd master, bool forward_input);
  void finish();

 private:
  std::optional<RawTerminal> raw_;  // declared first: destroyed after the relay
  std::optional<TerminalRelay> relay_;
};

}  // namespace isobench::cli
