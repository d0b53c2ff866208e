// The monitor's side of `attach` (attach_protocol.h): the clients connected to its socket,
// what the container prints copied to each, and what they send to the container's stdin or
// terminal. Driven by the log pump's thread: it adds these descriptors to its poll and hands
// back what poll said. A client that falls behind by more than its socket holds (for
// kSlowClientMs) is disconnected rather than slowing the container; the log keeps everything.
#pragma once

#include <poll.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/unique_fd.h"

namespace isobench::runner::lifecycle {

struct AttachPoint {
  UniqueFd listener;  ///< listen_for_attach's socket; invalid: nobody can attach
  /// The container's stdin as the monitor writes it: a pty master's duplicate, or the write
  /// end of the -i pipe; invalid: it has none.
  UniqueFd input;
  bool terminal = false;  ///< input is a pty master: resizes apply to it, and stdin is never closed
  /// The pump waits for the first client before it reads the container's output (at most
  /// kHoldMs): an attached `run` sees it from its first byte.
  bool hold_until_attached = false;
};

class AttachClients {
 public:
  static constexpr size_t kMaxClients = 8;
  static constexpr int kSlowClientMs = 100;
  static constexpr int kHoldMs = 10'000;
  /// What add_poll_fds adds at most.
  static constexpr size_t kMaxPollFds = 2 + kMaxClients;

  explicit AttachClients(AttachPoint point) : point_(std::move(point)) {}

  bool has_clients() const;
  bool holds() const { return point_.hold_until_attached; }
  /// Appends the listener, the input (when keys wait for it) and each client to `fds` at
  /// `*used`, which it advances.
  void add_poll_fds(pollfd* fds, size_t& used) const;
  /// Acts on what poll reported for the descriptors add_poll_fds added from `first` on.
  void handle(const pollfd* fds, size_t first);
  /// Copies `data` of stream `kind` (kAttachStdout or kAttachStderr) to every client.
  void broadcast(char kind, std::string_view data);
  /// The container's streams have ended: every client is hung up.
  void hang_up();

 private:
  void accept_client();
  void read_client(size_t index);
  void drop_client(size_t index);
  void write_input();

  AttachPoint point_;
  std::array<UniqueFd, kMaxClients> clients_;  ///< a free slot is invalid
  std::string pending_input_;  ///< keys the container's stdin could not take yet
};

}  // namespace isobench::runner::lifecycle
