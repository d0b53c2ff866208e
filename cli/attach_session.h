// The client's side of `attach` (runner/lifecycle/attach_protocol.h): the caller's stdio
// joined to a running container through its monitor, as `docker attach` and an attached
// `docker run --name` join them. Used by cmd_attach.cpp and run_attached.cpp.
#pragma once

#include <functional>

#include "common/result.h"

namespace isobench::cli {

struct AttachOptions {
  bool tty = false;            ///< the container has a terminal: the caller's goes raw with input, sizes follow
  bool forward_input = false;  ///< the caller's stdin goes to the container's
  bool close_stdin_at_eof = false;  ///< the end of our stdin closes the container's (an attached `run -i`)
  int signal_fd = -1;  ///< a signalfd whose signals go to `forward_signal` (docker's --sig-proxy); -1: none
  std::function<void(int signal)> forward_signal;
};

/// Relays until the monitor hangs up (the container's streams have ended).
Status attach_stdio(int socket, const AttachOptions& options);

}  // namespace isobench::cli
