// The monitor's reader of a detached container's stdout and stderr: two pipes in, records of
// the container log (container_log.h) out, on a thread of its own so that the launcher's
// wait for the workload is not disturbed. A slow or full disk never blocks the workload for
// long: what cannot be written is dropped (and counted), the pipes are always drained.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "common/unique_fd.h"
#include "runner/lifecycle/attach_clients.h"
#include "runner/lifecycle/container_log.h"

namespace isobench::runner::lifecycle {

class LogPump {
 public:
  /// Starts pumping `stdout_read` and `stderr_read` (read ends, owned from now on) into
  /// `writer` until both report end of file, i.e. until every process holding a write end
  /// has closed it or died. The thread runs with every signal blocked, so that signals meant
  /// for the monitor reach the thread that waits for them.
  /// `later`, if set, runs once on the pump's thread about kLaterDelayMs after the start (the
  /// monitor's main thread is busy waiting for the container then).
  /// `attach`, if set, gets what the streams carry too, and is served on the same thread.
  LogPump(UniqueFd stdout_read, UniqueFd stderr_read, std::unique_ptr<LogWriter> writer,
          std::function<void()> later = {}, std::unique_ptr<AttachClients> attach = nullptr);
  static constexpr int kLaterDelayMs = 1000;
  LogPump(const LogPump&) = delete;
  LogPump& operator=(const LogPump&) = delete;
  /// Joins the thread: returns once both streams ended.
  ~LogPump();

  /// Waits until both streams ended and the last unfinished lines are written.
  void finish();
  /// Records lost to write errors (a full disk); valid after finish().
  uint64_t lost_writes() const { return lost_writes_; }

 private:
  void pump();
  int poll_timeout_ms(int64_t later_at, int64_t hold_until) const;
  void read_stream(int index);

  UniqueFd streams_[2];
  std::unique_ptr<LogWriter> writer_;
  uint64_t lost_writes_ = 0;
  std::function<void()> later_;
  std::unique_ptr<AttachClients> attach_;
  std::thread thread_;
};

}  // namespace isobench::runner::lifecycle
