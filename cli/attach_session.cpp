#include "cli/attach_session.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>

#include "cli/terminal_relay.h"
#include "common/file_io.h"
#include "common/unique_fd.h"
#include "runner/lifecycle/attach_protocol.h"
#include "runner/lifecycle/container_control.h"
#include "runner/signal_block.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

/// One packet from the monitor to stdout or stderr; false once the monitor hung up.
bool copy_from_monitor(int socket) {
  static char packet[64 * 1024 + 1];
  const ssize_t got = ::recv(socket, packet, sizeof packet, 0);
  if (got < 0) return errno == EINTR || errno == EAGAIN;
  if (got == 0) return false;
  const std::string_view data(packet + 1, static_cast<size_t>(got) - 1);
  const int target = packet[0] == lifecycle::kAttachStderr ? STDERR_FILENO : STDOUT_FILENO;
  (void)write_fully(target, data, target == STDOUT_FILENO ? "stdout" : "stderr");
  return true;
}

void send_size(int socket) {
  // Best effort: a resize that cannot go now is sent again with the next SIGWINCH.
  const runner::TerminalSize size = caller_terminal_size();
  if (size.rows > 0)
    (void)lifecycle::send_attach_packet(socket, lifecycle::kAttachResize, lifecycle::resize_payload(size), MSG_DONTWAIT);
}

/// Our stdin's packets to the monitor, never blocking: a container that reads no input makes
/// its monitor stop reading ours, and we must still copy its output and forward signals.
class InputSender {
 public:
  InputSender(int socket, const AttachOptions& options) : socket_(socket), options_(options) {}
  bool waiting() const { return !pending_.empty(); }
  /// Reads stdin once into a packet; at its end, the container's stdin closed when asked for.
  void read_stdin(bool& input_open) {
    char buffer[lifecycle::kAttachClientPacketMax - 1];
    const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (got <= 0) {
      input_open = false;
      if (options_.close_stdin_at_eof) pending_ = std::string(1, lifecycle::kAttachCloseStdin);
    } else {
      pending_ = lifecycle::kAttachInput + std::string(buffer, static_cast<size_t>(got));
    }
    flush();
  }
  void flush() {
    if (pending_.empty()) return;
    if (lifecycle::send_attach_packet(socket_, pending_[0], std::string_view(pending_).substr(1), MSG_DONTWAIT) ||
        errno != EAGAIN)
      pending_.clear();
  }

 private:
  int socket_;
  const AttachOptions& options_;
  std::string pending_;  ///< one packet the socket could not take yet
};

}  // namespace

Status attach_stdio(int socket, const lifecycle::ContainerStore& store, const std::string& id,
                    const AttachOptions& options) {
  // Held only to be proxied: without it, Ctrl-C and SIGTERM end the client.
  std::optional<runner::SignalBlock> signals;
  UniqueFd signal_fd;
  if (options.proxy_signals) {
    signals.emplace();
    signal_fd.reset(::signalfd(-1, &signals->blocked(), SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signal_fd) return errno_error("signalfd");
  }
  // Destroyed in reverse: the caller's terminal is restored last.
  std::optional<RawTerminal> raw;
  if (options.tty && options.forward_input) raw.emplace(STDIN_FILENO);
  std::optional<WindowSizeWatch> resize;
  if (options.tty) {
    resize.emplace();
    send_size(socket);
  }
  InputSender input(socket, options);
  bool input_open = options.forward_input;
  for (;;) {
    pollfd fds[] = {{socket, static_cast<short>(POLLIN | (input.waiting() ? POLLOUT : 0)), 0},
                    {input_open && !input.waiting() ? STDIN_FILENO : -1, POLLIN, 0},
                    {resize ? resize->fd() : -1, POLLIN, 0},
                    {signal_fd.get(), POLLIN, 0}};
    if (::poll(fds, std::size(fds), -1) < 0) {
      if (errno == EINTR) continue;
      return errno_error("poll");
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !copy_from_monitor(socket)) return {};
    if (fds[0].revents & POLLOUT) input.flush();
    if (fds[1].revents) input.read_stdin(input_open);
    if (fds[2].revents) {
      resize->drain();
      send_size(socket);
    }
    signalfd_siginfo info;
    if (fds[3].revents && ::read(signal_fd.get(), &info, sizeof info) == sizeof info)
      (void)lifecycle::signal_container(store, id, static_cast<int>(info.ssi_signo));
  }
}

}  // namespace isobench::cli
