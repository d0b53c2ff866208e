// The client's side of `attach` (runner/lifecycle/attach_protocol.h): the caller's stdio
// joined to a running container through its monitor, as `docker attach` and an attached
// `docker run --name` join them. Used by cmd_attach.cpp and run_attached.cpp.
#pragma once

#include <string>

#include "common/result.h"
#include "runner/lifecycle/container_store.h"

namespace isobench::cli {

struct AttachOptions {
  bool tty = false;            ///< the container has a terminal: the caller's goes raw with input, sizes follow
  bool forward_input = false;  ///< the caller's stdin goes to the container's
  bool close_stdin_at_eof = false;  ///< the end of our stdin closes the container's (an attached `run -i`)
  /// docker's --sig-proxy: SIGINT, SIGTERM, SIGHUP and SIGQUIT are held while attached and
  /// sent on to the container.
  bool proxy_signals = true;
};

/// Relays between the caller's stdio and container `id` over `socket`, connected to its
/// monitor (connect_to_monitor), until the monitor hangs up (the container's streams ended).
Status attach_stdio(int socket, const runner::lifecycle::ContainerStore& store, const std::string& id,
                    const AttachOptions& options);

}  // namespace isobench::cli
