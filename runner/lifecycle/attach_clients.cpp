#include "runner/lifecycle/attach_clients.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/file_io.h"

#include "runner/lifecycle/attach_protocol.h"

namespace isobench::runner::lifecycle {

namespace {

/// Keys waiting for a container that does not read them: past this, more are dropped.
constexpr size_t kPendingInputMax = 64 * 1024;

}  // namespace

void AttachClients::add_poll_fds(pollfd* fds, size_t& used) const {
  const bool room = std::any_of(clients_.begin(), clients_.end(), [](const UniqueFd& client) { return !client.valid(); });
  if (point_.listener && room) fds[used++] = {point_.listener.get(), POLLIN, 0};
  else fds[used++] = {-1, 0, 0};
  fds[used++] = {pending_input_.empty() ? -1 : point_.input.get(), POLLOUT, 0};
  for (size_t i = 0; i < kMaxClients; ++i)
    // A client is read only while its keys can go on: a full stdin stops reading, not the pump.
    fds[used++] = {clients_[i] && pending_input_.size() < kPendingInputMax ? clients_[i].get() : -1, POLLIN, 0};
}

void AttachClients::handle(const pollfd* fds, size_t first) {
  if (fds[first].revents) accept_client();
  if (fds[first + 1].revents) write_input();
  for (size_t i = 0; i < kMaxClients; ++i)
    if (fds[first + 2 + i].revents && clients_[i]) read_client(i);
}

void AttachClients::accept_client() {
  UniqueFd client(::accept4(point_.listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!client) return;
  // The runtime directory admits its owner alone already; the peer's uid says so again.
  ucred peer{};
  socklen_t length = sizeof peer;
  if (::getsockopt(client.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
      (peer.uid != ::geteuid() && peer.uid != 0))
    return;
  for (UniqueFd& slot : clients_) {
    if (slot) continue;
    slot = std::move(client);
    return;
  }
}

void AttachClients::read_client(size_t index) {
  char packet[kAttachClientPacketMax];
  const ssize_t got = ::recv(clients_[index].get(), packet, sizeof packet, 0);
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (got <= 0) {
    drop_client(index);
    return;
  }
  const std::string_view payload(packet + 1, static_cast<size_t>(got) - 1);
  switch (packet[0]) {
    case kAttachInput:
      if (point_.input) pending_input_.append(payload.substr(0, kPendingInputMax - pending_input_.size()));
      write_input();
      break;
    case kAttachResize: {
      TerminalSize size;
      winsize window{};
      if (point_.terminal && parse_resize_payload(payload, size)) {
        window.ws_row = size.rows;
        window.ws_col = size.columns;
        (void)::ioctl(point_.input.get(), TIOCSWINSZ, &window);
      }
      break;
    }
    case kAttachCloseStdin:
      // A pipe's end of file is the container's; a terminal's master is its output too.
      if (!point_.terminal) {
        point_.input.reset();
        pending_input_.clear();
      }
      break;
    default: drop_client(index);  // not our protocol
  }
}

void AttachClients::write_input() {
  if (point_.input) write_what_fits(point_.input.get(), pending_input_);
}

bool AttachClients::has_clients() const {
  return std::any_of(clients_.begin(), clients_.end(), [](const UniqueFd& client) { return client.valid(); });
}

void AttachClients::broadcast(char kind, std::string_view data) {
  for (size_t i = 0; i < kMaxClients; ++i) {
    if (!clients_[i]) continue;
    if (send_attach_packet(clients_[i].get(), kind, data, MSG_DONTWAIT)) continue;
    pollfd writable{clients_[i].get(), POLLOUT, 0};
    if (errno == EAGAIN && ::poll(&writable, 1, kSlowClientMs) == 1 &&
        send_attach_packet(clients_[i].get(), kind, data, MSG_DONTWAIT))
      continue;
    drop_client(i);
  }
}

void AttachClients::hang_up() {
  for (UniqueFd& client : clients_) client.reset();
  point_.listener.reset();
}

void AttachClients::drop_client(size_t index) { clients_[index].reset(); }

}  // namespace isobench::runner::lifecycle
