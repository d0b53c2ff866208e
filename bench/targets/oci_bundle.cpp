#include "bench/targets/oci_bundle.h"

#include <linux/capability.h>

#include <filesystem>

#include "common/file_io.h"
#include "runner/rootfs_plan.h"
#include "runner/security/capabilities.h"
#include "runner/security/seccomp_filter.h"

namespace isobench::bench {
namespace {

const char* kCapabilityNames[] = {"CAP_CHOWN",
                                  "CAP_DAC_OVERRIDE",
                                  "CAP_DAC_READ_SEARCH",
                                  "CAP_FOWNER",
                                  "CAP_FSETID",
                                  "CAP_KILL",
                                  "CAP_SETGID",
                                  "CAP_SETUID",
                                  "CAP_SETPCAP",
                                  "CAP_LINUX_IMMUTABLE",
                                  "CAP_NET_BIND_SERVICE",
                                  "CAP_NET_BROADCAST",
                                  "CAP_NET_ADMIN",
                                  "CAP_NET_RAW",
                                  "CAP_IPC_LOCK",
                                  "CAP_IPC_OWNER",
                                  "CAP_SYS_MODULE",
                                  "CAP_SYS_RAWIO",
                                  "CAP_SYS_CHROOT",
                                  "CAP_SYS_PTRACE",
                                  "CAP_SYS_PACCT",
                                  "CAP_SYS_ADMIN",
                                  "CAP_SYS_BOOT",
                                  "CAP_SYS_NICE",
                                  "CAP_SYS_RESOURCE",
                                  "CAP_SYS_TIME",
                                  "CAP_SYS_TTY_CONFIG",
                                  "CAP_MKNOD",
                                  "CAP_LEASE",
                                  "CAP_AUDIT_WRITE",
                                  "CAP_AUDIT_CONTROL",
                                  "CAP_SETFCAP"};

nlohmann::json capability_list(uint64_t mask) {
  nlohmann::json names = nlohmann::json::array();
  for (int cap = 0; cap < static_cast<int>(std::size(kCapabilityNames)); ++cap)
    if (mask & (1ULL << cap)) names.push_back(kCapabilityNames[cap]);
  return names;
}

/// The profile in the runtime spec's terms (linux.seccomp), the same rules isobench compiles.
nlohmann::json seccomp_profile(const runner::SeccompProfile& profile) {
  nlohmann::json syscalls = nlohmann::json::array();
  for (const runner::SeccompRule& rule : profile.rules) {
    nlohmann::json entry = {{"names", rule.names}};
    entry["action"] = rule.errno_value == 0 ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO";
    if (rule.errno_value != 0) entry["errnoRet"] = rule.errno_value;
    if (rule.argument) {
      const char* op = rule.argument->op == runner::SeccompOperator::kEqualTo    ? "SCMP_CMP_EQ"
                       : rule.argument->op == runner::SeccompOperator::kLessThan ? "SCMP_CMP_LT"
                                                                                 : "SCMP_CMP_MASKED_EQ";
      entry["args"] = {{{"index", rule.argument->index},
                        {"value", rule.argument->value},
                        {"valueTwo", rule.argument->value_two},
                        {"op", op}}};
    }
    syscalls.push_back(std::move(entry));
  }
  return {{"defaultAction", "SCMP_ACT_ERRNO"},
          {"defaultErrnoRet", profile.default_errno},
          {"architectures", {"SCMP_ARCH_X86_64"}},
          {"syscalls", std::move(syscalls)}};
}

nlohmann::json mount(const char* destination, const char* type, const char* source, std::vector<std::string> options) {
  return {{"destination", destination}, {"type", type}, {"source", source}, {"options", options}};
}

}  // namespace

nlohmann::json oci_config(const std::string& rootfs, const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
  nlohmann::json caps = capability_list(runner::docker_default_capabilities());
  nlohmann::json config;
  config["ociVersion"] = "1.0.2";
  config["process"] = {{"terminal", false},
                       {"user", {{"uid", 0}, {"gid", 0}}},
                       {"args", args},
                       {"env", env},
                       {"cwd", "/"},
                       {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
                       {"noNewPrivileges", true}};
  config["root"] = {{"path", rootfs}, {"readonly", true}};
  config["hostname"] = "isobench";
  config["mounts"] = {
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mount("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777"})};
  nlohmann::json namespaces = nlohmann::json::array();
  for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) namespaces.push_back({{"type", type}});
  config["linux"] = {{"namespaces", namespaces},
                     {"maskedPaths", runner::masked_paths()},
                     {"readonlyPaths", runner::read_only_paths()},
                     {"seccomp", seccomp_profile(runner::default_seccomp_profile())}};
  return config;
}

Status write_bundle(const std::string& dir, const nlohmann::json& config) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Error{error.value(), "cannot create bundle directory " + dir};
  return write_regular_file(dir + "/config.json", config.dump(2) + "\n");
}

}  // namespace isobench::bench
