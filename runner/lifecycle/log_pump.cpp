#include "runner/lifecycle/log_pump.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "common/system.h"

namespace isobench::runner::lifecycle {

namespace {

/// A line without its newline waits this long for the rest before it is written as a P
/// record (a prompt, a progress bar): `logs -f` shows it soon, a line printed in pieces stays
/// one record.
constexpr int64_t kPartialWaitNs = 500'000'000;

}  // namespace

LogPump::LogPump(UniqueFd stdout_read, UniqueFd stderr_read, std::unique_ptr<LogWriter> writer,
                 std::function<void()> later)
    : writer_(std::move(writer)), later_(std::move(later)) {
  streams_[0] = std::move(stdout_read);
  streams_[1] = std::move(stderr_read);
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  thread_ = std::thread([this] { pump(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

LogPump::~LogPump() { finish(); }

void LogPump::finish() {
  if (thread_.joinable()) thread_.join();
}

void LogPump::pump() {
  static char buffer[64 * 1024];  // one pump per process: the monitor's
  const int64_t later_at = realtime_ns() + int64_t{kLaterDelayMs} * 1'000'000;
  while (streams_[0] || streams_[1]) {
    pollfd fds[2] = {{streams_[0].get(), POLLIN, 0}, {streams_[1].get(), POLLIN, 0}};
    int timeout_ms = -1;
    for (LogStream stream : {LogStream::kStdout, LogStream::kStderr})
      if (writer_->partial_since(stream)) timeout_ms = static_cast<int>(kPartialWaitNs / 1'000'000);
    if (later_) {
      const int until_later = static_cast<int>(std::max<int64_t>(0, (later_at - realtime_ns()) / 1'000'000));
      timeout_ms = timeout_ms < 0 ? until_later : std::min(timeout_ms, until_later);
    }
    if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR) return;
    if (later_ && realtime_ns() >= later_at) std::exchange(later_, nullptr)();
    for (int i = 0; i < 2; ++i) {
      const auto stream = static_cast<LogStream>(i);
      if (!streams_[i] || fds[i].revents == 0) continue;
      const ssize_t got = read(streams_[i].get(), buffer, sizeof buffer);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        if (!writer_->flush_partial(stream)) ++lost_writes_;
        streams_[i].reset();
        continue;
      }
      if (!writer_->write(stream, std::string_view(buffer, static_cast<size_t>(got)), realtime_ns())) ++lost_writes_;
    }
    const int64_t now = realtime_ns();
    for (LogStream stream : {LogStream::kStdout, LogStream::kStderr}) {
      std::optional<int64_t> since = writer_->partial_since(stream);
      if (since && now - *since >= kPartialWaitNs && !writer_->flush_partial(stream)) ++lost_writes_;
    }
  }
}

}  // namespace isobench::runner::lifecycle
