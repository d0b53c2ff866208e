// A container as a user asks for it (the words of `isobench run`, already split into
// fields) and the policy that turns the request into a ContainerSpec: which namespaces, which
// id mappings for a rootless or a root caller, which limits. The CLI and the benchmarks both
// build their containers through here, so the policy lives in one place below them.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/spec.h"

namespace isobench::runner {

/// What is asked for, as typed: sizes and CPU counts are text, checked by build_spec.
struct ContainerRequest {
  std::vector<std::string> command;
  std::string rootfs;  ///< empty: the built-in image; an image's top layer
  std::vector<std::string> lower_layers;  ///< an image's other layers, top first (ContainerSpec::lower_layers)
  bool read_only = false;
  std::string layer_size;  ///< empty: kDefaultLayerBytes
  int preserve_fds = 0;
  std::vector<std::string> share;  ///< namespaces to keep from the host
  bool userns = false;
  bool timens = false;
  std::string hostname = "isobench";
  std::vector<std::string> env;
  std::string workdir = "/";
  std::string user;  ///< "uid[:gid]"
  std::string memory;
  std::string cpus;
  std::string pids_limit;
  std::string cpuset_cpus;
  std::string security = "default";
  bool no_cgroup = false;
  std::string cgroup_parent;  ///< empty: the container's cgroup is isobench/<id>
  std::optional<double> timeout;
  double stop_timeout = 10;
};

/// Who asks, and where: decides rootless mode and id mappings, and what a cpuset may name.
struct Invoker {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string online_cpus = {};  ///< "0-1", as /sys/devices/system/cpu/online says; empty: not checked
};

/// This host's online CPUs ("0-1"), or "" when /sys does not say.
std::string host_online_cpus();

/// A --timeout or --stop-timeout value: finite, within kMaxSeconds, above 0 unless
/// `zero_allowed`. The error names `option` and the value.
Status check_duration_option(const char* option, double seconds, bool zero_allowed);

/// An RFC 1123 host name the kernel takes: dot-separated labels of letters, digits and '-'
/// (not first or last in a label), 1 to 63 characters each, at most 64 in all.
bool valid_hostname(std::string_view name);

/// Validates the request and builds the spec, touching nothing but reads of the rootfs
/// directory. `builtin_rootfs` is used when no rootfs was asked for. Errors name the option
/// and the bad value. User and group ids must be mapped in the container's user namespace
/// when it has one (0-65535 as root, only 0 rootless), and are never -1 (4294967295).
Result<ContainerSpec> build_spec(const ContainerRequest& request, const Invoker& invoker,
                                 const std::string& builtin_rootfs);

/// Finds the command inside the spec's rootfs and sets spec.executable. A missing command
/// fails with errno ENOENT and exit code 127, a non-executable one with EACCES and 126.
Status resolve_executable(ContainerSpec& spec);

}  // namespace isobench::runner
