#include "cli/pull_progress.h"

#include <unistd.h>

#include "cli/image_listing.h"

namespace isobench::cli {

using LayerState = runner::image::PullObserver::LayerState;

PullProgress::Mode PullProgress::mode_for(std::FILE* out, bool quiet) {
  if (quiet) return Mode::kQuiet;
  return ::isatty(::fileno(out)) ? Mode::kTerminal : Mode::kLines;
}

const char* PullProgress::state_text(LayerState state) {
  switch (state) {
    case LayerState::kWaiting: return "Pulling fs layer";
    case LayerState::kAlreadyExists: return "Already exists";
    case LayerState::kDownloading: return "Downloading";
    case LayerState::kVerifying: return "Verifying Checksum";
    case LayerState::kExtracting: return "Extracting";
    case LayerState::kComplete: return "Pull complete";
  }
  return "";
}

void PullProgress::layers(const std::vector<runner::image::Descriptor>& layers) {
  std::lock_guard lock(mutex_);
  lines_.clear();
  for (const auto& layer : layers) lines_.push_back({layer.digest.short_id(), LayerState::kWaiting, 0, static_cast<uint64_t>(layer.size)});
}

std::string PullProgress::line_text(const Line& line) const {
  std::string text = line.id + ": " + state_text(line.state);
  if (line.state == LayerState::kDownloading && line.total > 0) {
    constexpr int kBarWidth = 30;
    const int filled = static_cast<int>(kBarWidth * line.done / line.total);
    text += "  [" + std::string(filled, '=') + (filled < kBarWidth ? ">" : "") + std::string(std::max(kBarWidth - filled - 1, 0), ' ') +
            "]  " + docker_size_text(static_cast<int64_t>(line.done)) + "/" + docker_size_text(static_cast<int64_t>(line.total));
  }
  return text;
}

void PullProgress::redraw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  if (drawn_) std::fprintf(out_, "\033[%zuA", lines_.size());
  for (const Line& line : lines_) std::fprintf(out_, "\033[2K%s\n", line_text(line).c_str());
  drawn_ = true;
  std::fflush(out_);
}

void PullProgress::layer(size_t index, LayerState state, uint64_t done, uint64_t total) {
  if (mode_ == Mode::kQuiet) return;
  std::lock_guard lock(mutex_);
  if (index >= lines_.size()) return;
  Line& line = lines_[index];
  const bool changed = line.state != state;
  line.state = state;
  if (state == LayerState::kDownloading) {
    line.done = done;
    line.total = total;
  }
  if (mode_ == Mode::kTerminal) {
    redraw(changed);
  } else if (changed) {
    std::fprintf(out_, "%s: %s\n", line.id.c_str(), state_text(state));
    std::fflush(out_);
  }
}

}  // namespace isobench::cli
