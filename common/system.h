// Small process-level helpers every layer needs: the clock all timings share, argv arrays
// for exec, and looking up and asking installed programs.
#pragma once

#include <fcntl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace isobench {

/// CLOCK_MONOTONIC in nanoseconds: the clock of every timestamp in isobench, and of the
/// workloads' start handshake.
int64_t monotonic_ns();
/// CLOCK_REALTIME in nanoseconds since the epoch: wall-clock times (logs, Docker's "ago").
int64_t realtime_ns();

/// A pipe, both ends owned; `flags` as pipe2(2) takes them.
Status make_pipe(UniqueFd& read_end, UniqueFd& write_end, int flags = O_CLOEXEC);

/// Null-terminated pointers into `strings`, for execve; valid while `strings` lives.
std::vector<char*> exec_array(const std::vector<std::string>& strings);

/// The path of the running executable (/proc/self/exe): isobench finds its image and its
/// helper programs next to it, and re-enters itself for benchmark targets.
Result<std::string> own_executable();

/// An executable's absolute path in $PATH (plus the sbin directories), or "" when absent.
std::string find_program(const std::string& name);

/// The first line `command` prints (stdout and stderr), trimmed; "" when it prints nothing.
/// Runs through /bin/sh: for fixed commands such as "runc --version" only.
std::string first_output_line(const std::string& command);
/// The same for a program and its arguments, without a shell.
std::string first_output_line(const std::vector<std::string>& argv);

}  // namespace isobench
