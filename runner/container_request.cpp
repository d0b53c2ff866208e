#include "runner/container_request.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "runner/cgroup/cgroup.h"
#include "runner/image.h"
#include "runner/units.h"

namespace isobench::runner {

std::string host_online_cpus() {
  auto online = read_file("/sys/devices/system/cpu/online");
  return online ? trim(*online) : "";
}

Status check_duration_option(const char* option, double seconds, bool zero_allowed) {
  Status checked = check_seconds(seconds, zero_allowed);
  if (!checked) return plain_error(std::string(option) + ": " + checked.error().message);
  return {};
}

bool valid_hostname(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = std::min(name.find('.', start), name.size());
    std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
    start = dot + 1;
  }
  return true;
}

namespace {

Result<std::pair<uint32_t, uint32_t>> parse_user(const std::string& text) {
  auto number = [](std::string_view digits, uint32_t& out) {
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && ec == std::errc{} && end == digits.data() + digits.size();
  };
  std::string_view view = text;
  size_t colon = view.find(':');
  uint32_t uid = 0, gid = 0;
  bool good = number(view.substr(0, colon), uid);
  if (good) gid = uid;
  if (good && colon != std::string_view::npos) good = number(view.substr(colon + 1), gid);
  if (!good) return plain_error("invalid --user '" + excerpt(text) + "': expected uid or uid:gid (numbers)");
  // setresuid(-1) and setresgid(-1) leave the id unchanged: the command would run as root.
  for (auto [id, kind] : {std::pair{uid, "uid"}, std::pair{gid, "gid"}})
    if (id == UINT32_MAX)
      return plain_error("invalid --user '" + text + "': " + kind +
                         " 4294967295 is -1, which the kernel reads as \"leave unchanged\"");
  return std::pair{uid, gid};
}

/// `id` must be mapped in the container's user namespace, or setresuid fails with EINVAL
/// after the container was made.
Status check_mapped(uint32_t id, const char* kind, const IdMapping& mapping, bool rootless) {
  if (id >= mapping.inside && id - mapping.inside < mapping.count) return {};
  std::string range = std::to_string(mapping.inside) + "-" + std::to_string(mapping.inside + mapping.count - 1);
  std::string message = "--user: " + std::string(kind) + " " + std::to_string(id) +
                        " is not mapped in the user namespace (" + range + ")";
  if (rootless)
    message += ": run by a non-root user, isobench maps only " + std::string(kind) + " 0 (to your own " + kind + " " +
               std::to_string(mapping.outside) + ")";
  return plain_error(message);
}

std::vector<std::string> expand_env(const std::vector<std::string>& entries) {
  std::vector<std::string> out;
  for (const std::string& entry : entries) {
    if (entry.find('=') != std::string::npos) {
      out.push_back(entry);
    } else if (const char* value = std::getenv(entry.c_str())) {
      out.push_back(entry + "=" + value);
    } else {
      out.push_back(entry);  // a bare key removes it
    }
  }
  return out;
}

/// The namespaces, and the id mappings that go with a user namespace: only the caller's own
/// ids when rootless (the only way in without privileges), 100000+ for root.
Status choose_namespaces(const ContainerRequest& request, const Invoker& invoker, ContainerSpec& spec) {
  for (const std::string& name : request.share) {
    auto ns = parse_namespace(name);
    if (!ns) return Error{0, "--share: " + ns.error().message};
    if (*ns == Namespace::kUser || *ns == Namespace::kTime)
      return plain_error("--share: the " + name + " namespace is not created by default; there is nothing to share");
    spec.namespaces.remove(*ns);
  }
  if (request.userns) spec.namespaces.add(Namespace::kUser);
  if (request.timens) spec.namespaces.add(Namespace::kTime);

  if (invoker.uid != 0) {
    spec.namespaces.add(Namespace::kUser);
    spec.uid_mapping = IdMapping{0, invoker.uid, 1};
    spec.gid_mapping = IdMapping{0, invoker.gid, 1};
    spec.deny_setgroups = true;
    spec.use_cgroup = false;
  } else if (spec.namespaces.has(Namespace::kUser)) {
    spec.uid_mapping = IdMapping{0, 100000, 65536};
    spec.gid_mapping = IdMapping{0, 100000, 65536};
  }
  if (request.no_cgroup) spec.use_cgroup = false;
  return {};
}

Result<uint64_t> at_least_one_mib(const char* option, const std::string& text) {
  auto bytes = parse_bytes(text);
  if (!bytes) return Error{0, std::string(option) + ": " + bytes.error().message};
  if (*bytes < (1u << 20)) return plain_error(std::string(option) + ": '" + text + "' is below the 1 MiB minimum");
  return *bytes;
}

/// Memory, CPU, pids and cpuset limits, and the cgroup they are enforced in.
Status choose_limits(const ContainerRequest& request, const Invoker& invoker, ContainerSpec& spec) {
  const bool rootless = invoker.uid != 0;
  if (!request.memory.empty()) {
    auto bytes = at_least_one_mib("--memory", request.memory);
    if (!bytes) return bytes.error();
    spec.limits.memory_bytes = *bytes;
  }
  if (!request.cpus.empty()) {
    auto cpus = parse_cpus(request.cpus);
    if (!cpus) return Error{0, "--cpus: " + cpus.error().message};
    spec.limits.cpus = *cpus;
  }
  if (!request.pids_limit.empty()) {
    const std::string& text = request.pids_limit;
    uint64_t pids = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pids);
    if (ec != std::errc{} || end != text.data() + text.size() || pids == 0)
      return plain_error("--pids-limit: invalid value '" + text + "': expected a positive integer");
    spec.limits.pids = pids;
  }
  if (!request.cpuset_cpus.empty()) {
    auto cpuset = parse_cpuset(request.cpuset_cpus);
    if (!cpuset) return Error{0, "--cpuset-cpus: " + cpuset.error().message};
    if (!invoker.online_cpus.empty())
      if (Status within = check_cpuset_within(*cpuset, invoker.online_cpus); !within)
        return plain_error("--cpuset-cpus " + excerpt(request.cpuset_cpus) + ": " + within.error().message);
    spec.limits.cpuset_cpus = *cpuset;
  }
  if (!request.cgroup_parent.empty()) {
    if (Status valid = check_cgroup_parent(request.cgroup_parent); !valid)
      return plain_error("--cgroup-parent: " + valid.error().message);
    if (!spec.use_cgroup)
      return plain_error(rootless ? "--cgroup-parent needs cgroups, which rootless isobench cannot create: run as root"
                                  : "--cgroup-parent cannot be combined with --no-cgroup");
    spec.cgroup_parent = request.cgroup_parent;
  }
  if (spec.limits.any() && !spec.use_cgroup)
    return plain_error(rootless ? "resource limits need cgroups, which rootless isobench cannot create: run as root"
                                : "resource limits cannot be combined with --no-cgroup");
  return {};
}

/// Who the command runs as, with which privileges, descriptors, deadlines and environment.
Status choose_process(const ContainerRequest& request, const Invoker& invoker, ContainerSpec& spec) {
  const bool rootless = invoker.uid != 0;
  if (!request.user.empty()) {
    auto ids = parse_user(request.user);
    if (!ids) return ids.error();
    std::tie(spec.uid, spec.gid) = *ids;
  }
  if (spec.uid_mapping) ISOBENCH_TRY(check_mapped(spec.uid, "uid", *spec.uid_mapping, rootless));
  if (spec.gid_mapping) ISOBENCH_TRY(check_mapped(spec.gid, "gid", *spec.gid_mapping, rootless));
  spec.security = request.security == "none" ? SecurityMode::kNone : SecurityMode::kDefault;
  spec.preserve_fds = request.preserve_fds;
  if (request.timeout) ISOBENCH_TRY(check_duration_option("--timeout", *request.timeout, false));
  ISOBENCH_TRY(check_duration_option("--stop-timeout", request.stop_timeout, true));
  spec.timeout_seconds = request.timeout;
  spec.stop_grace_seconds = request.stop_timeout;
  spec.hostname = request.hostname;
  if (!valid_hostname(request.hostname))
    return plain_error("--hostname: '" + excerpt(request.hostname) +
                       "' is not a host name (RFC 1123: letters, digits and '-' in dot-separated labels that do not "
                       "start or end with '-', at most 64 characters)");
  if (request.workdir.empty() || request.workdir[0] != '/')
    return plain_error("--workdir: '" + excerpt(request.workdir) + "' must be an absolute path");
  spec.cwd = request.workdir;
  spec.env = merge_environment(default_environment(spec.hostname), expand_env(request.env));
  return {};
}

/// uname's release at least MAJOR.MINOR ("6.18.3-cloud" is 6.18).
bool kernel_at_least(int major, int minor) {
  utsname name{};
  if (uname(&name) != 0) return false;
  int have_major = 0, have_minor = 0;
  if (std::sscanf(name.release, "%d.%d", &have_major, &have_minor) != 2) return false;
  return have_major > major || (have_major == major && have_minor >= minor);
}

/// The filesystem the command will see: the image (or the host's, without a mount
/// namespace), its writable layer or a read-only bind.
Status choose_rootfs(const ContainerRequest& request, const std::string& builtin_rootfs, ContainerSpec& spec) {
  spec.rootfs_mode = request.read_only ? RootfsMode::kReadOnlyBind : RootfsMode::kOverlay;
  if (!request.layer_size.empty()) {
    auto bytes = at_least_one_mib("--layer-size", request.layer_size);
    if (!bytes) return bytes.error();
    if (request.read_only) return plain_error("--layer-size: a --read-only container has no writable layer");
    spec.layer_bytes = *bytes;
  }
  if (!spec.namespaces.has(Namespace::kMount)) {
    if (!request.rootfs.empty() || request.read_only)
      return plain_error("--rootfs and --read-only need a mount namespace; do not --share mnt");
    spec.rootfs = "/";
    return {};
  }
  std::string requested = request.rootfs.empty() ? builtin_rootfs : request.rootfs;
  if (requested.empty()) return plain_error("no rootfs: the built-in image is missing and --rootfs was not given");
  auto rootfs = canonical_rootfs(requested);
  if (!rootfs) return rootfs.error();
  spec.rootfs = *rootfs;
  for (const std::string& layer : request.lower_layers) {
    // overlayfs splits lowerdir on ':' and options on ','; store paths never hold either.
    if (layer.empty() || layer[0] != '/' || layer.find_first_of(":,\\") != std::string::npos)
      return plain_error("image layer path '" + excerpt(layer) + "' cannot be an overlay lower directory");
  }
  if (!request.lower_layers.empty() && !kernel_at_least(6, 8))
    return plain_error("an image of " + std::to_string(request.lower_layers.size() + 1) +
                       " layers needs Linux 6.8 or later (overlayfs's lowerdir+); this kernel is older");
  spec.lower_layers = request.lower_layers;
  if (spec.rootfs_mode == RootfsMode::kReadOnlyBind && spec.lower_layers.empty()) {
    for (const char* dir : {"/proc", "/sys", "/dev"}) {
      struct stat info;
      if (stat((spec.rootfs + dir).c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        return plain_error("--read-only: the rootfs has no " + std::string(dir) +
                           " directory to mount on, and a read-only rootfs cannot get one");
    }
  }
  return {};
}

}  // namespace

Result<ContainerSpec> build_spec(const ContainerRequest& request, const Invoker& invoker,
                                 const std::string& builtin_rootfs) {
  ContainerSpec spec;
  spec.id = new_container_id();
  if (request.command.empty()) return plain_error("no command given");
  spec.args = request.command;
  ISOBENCH_TRY(choose_namespaces(request, invoker, spec));
  ISOBENCH_TRY(choose_limits(request, invoker, spec));
  ISOBENCH_TRY(choose_process(request, invoker, spec));
  ISOBENCH_TRY(choose_rootfs(request, builtin_rootfs, spec));
  return spec;
}

Status resolve_executable(ContainerSpec& spec) {
  // An image's layers are one tree only inside the container, once the overlay is mounted:
  // the child searches PATH there (exit 127 or 126 all the same).
  if (!spec.lower_layers.empty()) return {};
  auto executable = resolve_command(spec.rootfs, spec.args[0], path_variable(spec.env));
  if (!executable)
    return with_exit_code(executable.error(), executable.error().errno_value == ENOENT ? exit_codes::kNotFound
                                                                                     : exit_codes::kNotExecutable);
  spec.executable = *executable;
  return {};
}

}  // namespace isobench::runner
