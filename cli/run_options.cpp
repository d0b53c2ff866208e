#include "cli/run_options.h"

namespace isobench::cli {

using runner::host_online_cpus;

namespace {

/// `--memory ''` and the like: an empty value is a mistake, not "use the default".
CLI::Validator non_empty(std::string what) {
  return CLI::Validator(
      [what](std::string& value) { return value.empty() ? "an empty value: expected " + what : std::string(); },
      "NONEMPTY", "");
}

}  // namespace

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
  command.add_option("--entrypoint", options.entrypoint, "Run this instead of the image's Entrypoint (\"\" clears it)");
  command.add_flag("--vm", options.vm, "Run in a QEMU microVM booted from the same image instead of a container");
  command.add_option("--kernel", options.kernel, "Guest kernel for --vm (default: newest /boot/vmlinuz-*-cloud-amd64)")
      ->check(non_empty("a kernel image file"));
  command.add_option("--accel", options.accel, "--vm accelerator: auto (KVM when a timed boot probe passes), kvm, tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  command.add_flag("-d,--detach", options.detach,
                   "Run in the background under a monitor (no daemon) and print the container id; see ps, logs, stop");
  command.add_flag("-t,--tty", options.tty,
                   "Give the container a pseudo-terminal of its own (window size followed; with -d, its output "
                   "is the log)");
  command.add_flag("-i,--interactive", options.interactive,
                   "Keep stdin attached (the default in the foreground); with -t, the caller's terminal goes raw "
                   "and Ctrl-C reaches the container");
  command.add_option("--name", options.name, "Name the container (with -d; unique, [a-zA-Z0-9][a-zA-Z0-9_.-]*)")
      ->check(non_empty("a container name"));
  command.add_flag("--rm", options.auto_remove,
                   "Remove the container when it exits (a run without -d keeps nothing anyway)");
  command.add_option("--log-opt", options.log_options, "Log driver option for -d: max-size=SIZE (e.g. 10m; rotates once)");
  command.add_flag("--stats", options.stats, "Print startup time, peak memory and CPU time at exit");
  command.add_option("--stats-json", options.stats_json, "Write the same statistics as JSON to this file")
      ->check(non_empty("a file path"));
}

bool command_names_image(const RunOptions& options) {
  if (!options.command_may_name_image || !options.rootfs.empty() || options.command.empty()) return false;
  const std::string& word = options.command.front();
  return !word.empty() && word[0] != '/' && word[0] != '.' && word[0] != '-';
}

}  // namespace isobench::cli
