// `pull`'s display, in Docker's words: on a terminal one line per layer, redrawn in place
// ("a1b2c3d4e5f6: Downloading  12.3MB/40.1MB"); in a pipe one line per change of state, no
// byte counts; with -q nothing (the caller prints the reference at the end).
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "runner/image/pull.h"

namespace isobench::cli {

class PullProgress final : public runner::image::PullObserver {
 public:
  enum class Mode { kTerminal, kLines, kQuiet };
  PullProgress(Mode mode, std::FILE* out) : mode_(mode), out_(out) {}
  /// kTerminal when `out` is a terminal, else kLines; kQuiet when `quiet`.
  static Mode mode_for(std::FILE* out, bool quiet);

  void layers(const std::vector<runner::image::Descriptor>& layers) override;
  void layer(size_t index, LayerState state, uint64_t done, uint64_t total) override;

  /// The status word of a state ("Pull complete"), for tests and the line mode.
  static const char* state_text(LayerState state);

 private:
  struct Line {
    std::string id;
    LayerState state = LayerState::kWaiting;
    uint64_t done = 0, total = 0;
  };
  std::string line_text(const Line& line) const;
  void redraw(bool force);

  Mode mode_;
  std::FILE* out_;
  std::mutex mutex_;
  std::vector<Line> lines_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace isobench::cli
