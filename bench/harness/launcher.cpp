#include "bench/harness/launcher.h"

namespace isobench::bench {

Status ProcessLauncher::launch(const Invocation& invocation) {
  auto run = bench::launch(invocation);
  if (!run) return run.error();
  pending_.push_back(std::move(*run));
  return {};
}

std::vector<FinishedRun> ProcessLauncher::wait_for_all(double timeout_seconds, int stop_fd) {
  std::vector<LaunchedRun*> runs;
  for (LaunchedRun& run : pending_) runs.push_back(&run);
  std::vector<FinishedRun> finished = bench::wait_for_all(runs, timeout_seconds, stop_fd);
  pending_.clear();
  return finished;
}

}  // namespace isobench::bench
