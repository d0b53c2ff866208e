// A container's pseudo-terminal (OCI process.terminal, `run -t`, `exec -t`). The pty is
// made by the container's own process, inside its root and with its final ids, from the
// devpts instance of the container (never the host's): the slave becomes its stdio and
// controlling terminal, and the master goes back to the runner over a socket, as runc's
// --console-socket does. The runner checks that what it received is a pty master before it
// reads from it or hands it to a terminal relay.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/spec.h"

namespace isobench::runner {

/// Both ends of the socket the master travels on: `host_end` for receive_terminal, and
/// `container_end` for make_controlling_terminal. Close-on-exec both.
Status open_console_socket(UniqueFd& host_end, UniqueFd& container_end);

/// In the container's process, between fork and exec (no allocation): opens /dev/pts/ptmx
/// beneath its root (no symlink, no magic link on the way, so an image or a running
/// workload cannot point it elsewhere), unlocks it, sets `size`, sends the master on
/// `console_socket`, makes the slave stdin, stdout and stderr and the controlling terminal of
/// the process's session (which it must lead already). Closes every descriptor it opened but
/// 0, 1, 2. Returns 0 or an errno.
int make_controlling_terminal(int console_socket, TerminalSize size) noexcept;

/// The master the container sent, in non-blocking mode, or an error when none came or it is
/// not a pty master. Does not wait: the container sends it before its exec, so it has
/// arrived by then.
Result<UniqueFd> receive_terminal(int host_end);

}  // namespace isobench::runner
