#include "cli/run_options.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "common/bounded_input.h"
#include "common/file_io.h"
#include "runner/cgroup/cgroup.h"
#include "runner/image.h"
#include "runner/units.h"

namespace isobench::cli {

using runner::ContainerSpec;
using runner::Namespace;

namespace {

/// `--memory ''` and the like: an empty value is a mistake, not "use the default".
CLI::Validator non_empty(std::string what) {
  return CLI::Validator(
      [what](std::string& value) { return value.empty() ? "an empty value: expected " + what : std::string(); },
      "NONEMPTY", "");
}

}  // namespace

std::string host_online_cpus() {
  auto online = read_file("/sys/devices/system/cpu/online");
  return online ? trim(*online) : "";
}

Status check_duration_option(const char* option, double seconds, bool zero_allowed) {
  Status checked = runner::check_seconds(seconds, zero_allowed);
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

void add_run_options(CLI::App& command, RunOptions& options) {
  command.add_option("--rootfs", options.rootfs, "Root filesystem directory (default: the built-in image)")
      ->check(non_empty("a directory"));
  command.add_flag("--read-only", options.read_only, "Mount the rootfs read-only instead of a copy-on-write layer");
  command.add_option("--layer-size", options.layer_size,
                     "Size limit of the copy-on-write layer, a tmpfs in memory (default 1g)");
  command.add_option("--preserve-fds", options.preserve_fds,
                     "Pass descriptors 3 .. 3+N-1 into the container (every other one but 0, 1, 2 is closed)")
      ->check(CLI::Range(0, 1024));
  command.add_option("--share", options.share,
                     "Namespaces to share with the host: pid,mnt,uts,ipc,net,cgroup (pid needs the cgroup, and what "
                     "the command leaves running outlives a SIGKILLed isobench)")
      ->delimiter(',');
  command.add_flag("--userns", options.userns, "Add a user namespace (root inside maps to 100000+ outside)");
  command.add_flag("--timens", options.timens, "Add a time namespace");
  command.add_option("--hostname", options.hostname, "Hostname inside the container (RFC 1123)")
      ->check(non_empty("a host name"));
  command.add_option("-e,--env", options.env, "Set KEY=VALUE (KEY alone copies it from the host)");
  command.add_option("-w,--workdir", options.workdir, "Working directory inside the container")
      ->check(non_empty("an absolute path"));
  command.add_option("-u,--user", options.user, "uid[:gid] to run the command as")->check(non_empty("uid or uid:gid"));
  command.add_option("-m,--memory", options.memory, "Memory limit, e.g. 64m")->check(non_empty("a size such as 64m"));
  command.add_option("--cpus", options.cpus, "CPU limit as a number of CPUs, e.g. 0.5")
      ->check(non_empty("a number of CPUs such as 0.5"));
  command.add_option("--pids-limit", options.pids_limit, "Maximum number of processes")
      ->check(non_empty("a positive integer"));
  command.add_option("--cpuset-cpus", options.cpuset_cpus, "CPUs the container may use, e.g. 0-1")
      ->check(CLI::Validator(
          [](std::string& value) {
            std::string online = host_online_cpus();
            return value.empty() ? "an empty list of CPUs" + (online.empty() ? "" : ": this host has CPUs " + online)
                                 : std::string();
          },
          "CPUS", ""));
  command.add_option("--security", options.security, "default, or none: no capability drop, seccomp or no_new_privs")
      ->check(CLI::IsMember({"default", "none"}));
  command.add_flag("--no-cgroup", options.no_cgroup,
                   "Create no cgroup (no limits; CPU and memory from rusage). Without a device cgroup, CAP_MKNOD "
                   "is dropped and the root is mounted nodev");
  command.add_option("--cgroup-parent", options.cgroup_parent,
                     "Make the container's cgroup isobench/PARENT/<id>, below an existing cgroup that then accounts "
                     "for it too (a benchmark's measuring cgroup)")
      ->check(non_empty("a cgroup below isobench/"));
  // Durations are checked by build_spec and run_in_vm, with messages that show the value.
  command.add_option("--timeout", options.timeout, "Kill the container after this many seconds (exit code 124)");
  command.add_option("--stop-timeout", options.stop_timeout,
                     "Seconds between forwarding SIGINT/SIGTERM and killing the container");
  command.add_flag("--vm", options.vm, "Run in a QEMU microVM booted from the same image instead of a container");
  command.add_option("--kernel", options.kernel, "Guest kernel for --vm (default: newest /boot/vmlinuz-*-cloud-amd64)")
      ->check(non_empty("a kernel image file"));
  command.add_option("--accel", options.accel, "--vm accelerator: auto (KVM when a timed boot probe passes), kvm, tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  command.add_flag("--stats", options.stats, "Print startup time, peak memory and CPU time at exit");
  command.add_option("--stats-json", options.stats_json, "Write the same statistics as JSON to this file")
      ->check(non_empty("a file path"));
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
Status check_mapped(uint32_t id, const char* kind, const runner::IdMapping& mapping, bool rootless) {
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

}  // namespace

Result<ContainerSpec> build_spec(const RunOptions& options, const Invoker& invoker, const std::string& builtin_rootfs) {
  ContainerSpec spec;
  spec.id = runner::new_container_id();
  if (options.command.empty()) return plain_error("no command given");
  spec.args = options.command;

  for (const std::string& name : options.share) {
    auto ns = runner::parse_namespace(name);
    if (!ns) return Error{0, "--share: " + ns.error().message};
    if (*ns == Namespace::kUser || *ns == Namespace::kTime)
      return plain_error("--share: the " + name + " namespace is not created by default; there is nothing to share");
    spec.namespaces.remove(*ns);
  }
  if (options.userns) spec.namespaces.add(Namespace::kUser);
  if (options.timens) spec.namespaces.add(Namespace::kTime);

  const bool rootless = invoker.uid != 0;
  if (rootless) {
    // Without privileges a user namespace is the only way in; it maps just the caller.
    spec.namespaces.add(Namespace::kUser);
    spec.uid_mapping = runner::IdMapping{0, invoker.uid, 1};
    spec.gid_mapping = runner::IdMapping{0, invoker.gid, 1};
    spec.deny_setgroups = true;
    spec.use_cgroup = false;
  } else if (spec.namespaces.has(Namespace::kUser)) {
    spec.uid_mapping = runner::IdMapping{0, 100000, 65536};
    spec.gid_mapping = runner::IdMapping{0, 100000, 65536};
  }
  if (options.no_cgroup) spec.use_cgroup = false;

  if (!options.memory.empty()) {
    auto bytes = runner::parse_bytes(options.memory);
    if (!bytes) return Error{0, "--memory: " + bytes.error().message};
    if (*bytes < (1u << 20)) return plain_error("--memory: '" + options.memory + "' is below the 1 MiB minimum");
    spec.limits.memory_bytes = *bytes;
  }
  if (!options.cpus.empty()) {
    auto cpus = runner::parse_cpus(options.cpus);
    if (!cpus) return Error{0, "--cpus: " + cpus.error().message};
    spec.limits.cpus = *cpus;
  }
  if (!options.pids_limit.empty()) {
    uint64_t pids = 0;
    auto [end, ec] =
        std::from_chars(options.pids_limit.data(), options.pids_limit.data() + options.pids_limit.size(), pids);
    if (ec != std::errc{} || end != options.pids_limit.data() + options.pids_limit.size() || pids == 0)
      return plain_error("--pids-limit: invalid value '" + options.pids_limit + "': expected a positive integer");
    spec.limits.pids = pids;
  }
  if (!options.cpuset_cpus.empty()) {
    auto cpuset = runner::parse_cpuset(options.cpuset_cpus);
    if (!cpuset) return Error{0, "--cpuset-cpus: " + cpuset.error().message};
    if (!invoker.online_cpus.empty())
      if (Status within = runner::check_cpuset_within(*cpuset, invoker.online_cpus); !within)
        return plain_error("--cpuset-cpus " + excerpt(options.cpuset_cpus) + ": " + within.error().message);
    spec.limits.cpuset_cpus = *cpuset;
  }
  if (!options.cgroup_parent.empty()) {
    if (Status valid = runner::check_cgroup_parent(options.cgroup_parent); !valid)
      return plain_error("--cgroup-parent: " + valid.error().message);
    if (!spec.use_cgroup)
      return plain_error(rootless ? "--cgroup-parent needs cgroups, which rootless isobench cannot create: run as root"
                                  : "--cgroup-parent cannot be combined with --no-cgroup");
    spec.cgroup_parent = options.cgroup_parent;
  }
  if (spec.limits.any() && !spec.use_cgroup)
    return plain_error(rootless ? "resource limits need cgroups, which rootless isobench cannot create: run as root"
                                : "resource limits cannot be combined with --no-cgroup");

  if (!options.user.empty()) {
    auto ids = parse_user(options.user);
    if (!ids) return ids.error();
    std::tie(spec.uid, spec.gid) = *ids;
  }
  if (spec.uid_mapping) ISOBENCH_TRY(check_mapped(spec.uid, "uid", *spec.uid_mapping, rootless));
  if (spec.gid_mapping) ISOBENCH_TRY(check_mapped(spec.gid, "gid", *spec.gid_mapping, rootless));
  spec.security = options.security == "none" ? runner::SecurityMode::kNone : runner::SecurityMode::kDefault;
  spec.rootfs_mode = options.read_only ? runner::RootfsMode::kReadOnlyBind : runner::RootfsMode::kOverlay;
  if (!options.layer_size.empty()) {
    auto bytes = runner::parse_bytes(options.layer_size);
    if (!bytes) return Error{0, "--layer-size: " + bytes.error().message};
    if (*bytes < (1u << 20)) return plain_error("--layer-size: '" + options.layer_size + "' is below the 1 MiB minimum");
    if (options.read_only) return plain_error("--layer-size: a --read-only container has no writable layer");
    spec.layer_bytes = *bytes;
  }
  spec.preserve_fds = options.preserve_fds;
  if (options.timeout) ISOBENCH_TRY(check_duration_option("--timeout", *options.timeout, false));
  ISOBENCH_TRY(check_duration_option("--stop-timeout", options.stop_timeout, true));
  spec.timeout_seconds = options.timeout;
  spec.stop_grace_seconds = options.stop_timeout;
  spec.hostname = options.hostname;
  if (!valid_hostname(options.hostname))
    return plain_error("--hostname: '" + excerpt(options.hostname) +
                       "' is not a host name (RFC 1123: letters, digits and '-' in dot-separated labels that do not "
                       "start or end with '-', at most 64 characters)");
  if (options.workdir.empty() || options.workdir[0] != '/')
    return plain_error("--workdir: '" + excerpt(options.workdir) + "' must be an absolute path");
  spec.cwd = options.workdir;
  spec.env = runner::merge_environment(runner::default_environment(spec.hostname), expand_env(options.env));

  // The filesystem the command will see, and the command inside it.
  if (spec.namespaces.has(Namespace::kMount)) {
    std::string requested = options.rootfs.empty() ? builtin_rootfs : options.rootfs;
    if (requested.empty()) return plain_error("no rootfs: the built-in image is missing and --rootfs was not given");
    auto rootfs = runner::canonical_rootfs(requested);
    if (!rootfs) return rootfs.error();
    spec.rootfs = *rootfs;
    if (spec.rootfs_mode == runner::RootfsMode::kReadOnlyBind) {
      for (const char* dir : {"/proc", "/sys", "/dev"}) {
        struct stat info;
        if (stat((spec.rootfs + dir).c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
          return plain_error("--read-only: the rootfs has no " + std::string(dir) +
                             " directory to mount on, and a read-only rootfs cannot get one");
      }
    }
  } else {
    if (!options.rootfs.empty() || options.read_only)
      return plain_error("--rootfs and --read-only need a mount namespace; do not --share mnt");
    spec.rootfs = "/";
  }
  return spec;
}

Status resolve_executable(ContainerSpec& spec) {
  auto executable = runner::resolve_command(spec.rootfs, spec.args[0], runner::path_variable(spec.env));
  if (!executable) return executable.error();
  spec.executable = *executable;
  return {};
}

}  // namespace isobench::cli
