#include "cli/attach_session.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string_view>

#include "cli/terminal_relay.h"
#include "common/file_io.h"
#include "runner/lifecycle/attach_protocol.h"

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
  const runner::TerminalSize size = caller_terminal_size();
  if (size.rows > 0) (void)lifecycle::send_attach_packet(socket, lifecycle::kAttachResize, lifecycle::resize_payload(size));
}

/// Keys to the container; at the end of our input, its stdin closed when asked for.
void copy_input(int socket, const AttachOptions& options, bool& input_open) {
  char buffer[lifecycle::kAttachClientPacketMax - 1];
  const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (got <= 0) {
    input_open = false;
    if (options.close_stdin_at_eof) (void)lifecycle::send_attach_packet(socket, lifecycle::kAttachCloseStdin, {});
    return;
  }
  (void)lifecycle::send_attach_packet(socket, lifecycle::kAttachInput, std::string_view(buffer, static_cast<size_t>(got)));
}

}  // namespace

Status attach_stdio(int socket, const AttachOptions& options) {
  // Destroyed in reverse: the caller's terminal is restored last.
  std::optional<RawTerminal> raw;
  if (options.tty && options.forward_input) raw.emplace(STDIN_FILENO);
  std::optional<WindowSizeWatch> resize;
  if (options.tty) {
    resize.emplace();
    send_size(socket);
  }
  bool input_open = options.forward_input;
  for (;;) {
    pollfd fds[] = {{socket, POLLIN, 0},
                    {input_open ? STDIN_FILENO : -1, POLLIN, 0},
                    {resize ? resize->fd() : -1, POLLIN, 0},
                    {options.signal_fd, POLLIN, 0}};
    if (::poll(fds, std::size(fds), -1) < 0) {
      if (errno == EINTR) continue;
      return errno_error("poll");
    }
    if (fds[0].revents && !copy_from_monitor(socket)) return {};
    if (fds[1].revents) copy_input(socket, options, input_open);
    if (fds[2].revents) {
      resize->drain();
      send_size(socket);
    }
    signalfd_siginfo info;
    if (fds[3].revents && ::read(options.signal_fd, &info, sizeof info) == sizeof info && options.forward_signal)
      options.forward_signal(static_cast<int>(info.ssi_signo));
  }
}

}  // namespace isobench::cli
