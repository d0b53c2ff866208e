#include "runner/lifecycle/log_pump.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>

#include "common/system.h"
#include "runner/lifecycle/attach_protocol.h"

namespace isobench::runner::lifecycle {

namespace {

/// A line without its newline waits this long for the rest before it is written as a P
/// record (a prompt, a progress bar): `logs -f` shows it soon, a line printed in pieces stays
/// one record.
constexpr int64_t kPartialWaitNs = 500'000'000;

}  // namespace

LogPump::LogPump(UniqueFd stdout_read, UniqueFd stderr_read, std::unique_ptr<LogWriter> writer,
                 std::function<void()> later, std::unique_ptr<AttachClients> attach)
    : writer_(std::move(writer)), later_(std::move(later)), attach_(std::move(attach)) {
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

namespace {

char stream_buffer[64 * 1024];  // one pump per process: the monitor's

}  // namespace

int LogPump::poll_timeout_ms(int64_t later_at, int64_t hold_until) const {
  int timeout_ms = -1;
  auto at_most = [&](int64_t until_ns) {
    const int until = static_cast<int>(std::max<int64_t>(0, (until_ns - realtime_ns()) / 1'000'000));
    timeout_ms = timeout_ms < 0 ? until : std::min(timeout_ms, until);
  };
  for (LogStream stream : {LogStream::kStdout, LogStream::kStderr})
    if (writer_->partial_since(stream)) timeout_ms = static_cast<int>(kPartialWaitNs / 1'000'000);
  if (later_) at_most(later_at);
  if (hold_until > 0) at_most(hold_until);
  return timeout_ms;
}

void LogPump::read_stream(int index) {
  const auto stream = static_cast<LogStream>(index);
  const ssize_t got = read(streams_[index].get(), stream_buffer, sizeof stream_buffer);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) {  // a pty's master reads EIO once no slave is open: its end too
    if (!writer_->flush_partial(stream)) ++lost_writes_;
    streams_[index].reset();
    return;
  }
  const std::string_view data(stream_buffer, static_cast<size_t>(got));
  if (!writer_->write(stream, data, realtime_ns())) ++lost_writes_;
  if (attach_) attach_->broadcast(index == 0 ? kAttachStdout : kAttachStderr, data);
}

void LogPump::pump() {
  const int64_t later_at = realtime_ns() + int64_t{kLaterDelayMs} * 1'000'000;
  // Held until the first client attaches: the container's output waits in its pipes or pty.
  int64_t hold_until = attach_ && attach_->holds() ? realtime_ns() + int64_t{AttachClients::kHoldMs} * 1'000'000 : 0;
  while (streams_[0] || streams_[1]) {
    if (hold_until > 0 && (attach_->has_clients() || realtime_ns() >= hold_until)) hold_until = 0;
    std::array<pollfd, 2 + AttachClients::kMaxPollFds> fds{};
    for (int i = 0; i < 2; ++i) fds[i] = {hold_until > 0 ? -1 : streams_[i].get(), POLLIN, 0};
    size_t used = 2;
    if (attach_) attach_->add_poll_fds(fds.data(), used);
    if (poll(fds.data(), used, poll_timeout_ms(later_at, hold_until)) < 0 && errno != EINTR) return;
    if (later_ && realtime_ns() >= later_at) std::exchange(later_, nullptr)();
    if (attach_) attach_->handle(fds.data(), 2);
    for (int i = 0; i < 2; ++i)
      if (streams_[i] && fds[i].revents) read_stream(i);
    const int64_t now = realtime_ns();
    for (LogStream stream : {LogStream::kStdout, LogStream::kStderr}) {
      std::optional<int64_t> since = writer_->partial_since(stream);
      if (since && now - *since >= kPartialWaitNs && !writer_->flush_partial(stream)) ++lost_writes_;
    }
  }
  if (attach_) attach_->hang_up();
}

}  // namespace isobench::runner::lifecycle
