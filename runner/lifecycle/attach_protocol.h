// `attach`: the monitor's socket (RUNDIR/ID/attach.sock, in the runtime directory only its
// owner may enter) and the packets on it, as conmon's attach socket carries them. A
// SOCK_SEQPACKET socket, so that each packet is one message with its kind in the first byte:
//   monitor -> client   '1' + stdout bytes, '2' + stderr bytes (a terminal's output is '1')
//   client -> monitor   'i' + bytes for the container's stdin, 'w' + rows and columns (two
//                       uint16 each, host order) for its terminal, 'e': close its stdin
// The monitor hangs up once the container's streams have ended.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/lifecycle/container_store.h"
#include "runner/spec.h"

namespace isobench::runner::lifecycle {

inline constexpr char kAttachStdout = '1';
inline constexpr char kAttachStderr = '2';
inline constexpr char kAttachInput = 'i';
inline constexpr char kAttachResize = 'w';
inline constexpr char kAttachCloseStdin = 'e';
/// The largest packet a client sends (its kind byte included); longer ones are cut.
inline constexpr size_t kAttachClientPacketMax = 4097;

/// The monitor's listening socket for container `id`, bound through a descriptor of the
/// container's runtime directory (so that no path length limit applies), a stale one replaced.
Result<UniqueFd> listen_for_attach(const ContainerStore& store, const std::string& id);

/// Connects to the monitor of `id`. A container without a live monitor is Docker's "You
/// cannot attach to a stopped container, start it first" (exit code 1).
Result<UniqueFd> connect_to_monitor(const ContainerStore& store, const std::string& id);

/// One packet of `kind` with `data`, whole or not at all; false when the peer is gone.
bool send_attach_packet(int socket, char kind, std::string_view data, int flags = 0);

/// A resize packet's payload, and back. Pure.
std::string resize_payload(TerminalSize size);
bool parse_resize_payload(std::string_view payload, TerminalSize& size);

}  // namespace isobench::runner::lifecycle
