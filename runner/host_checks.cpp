#include "runner/host_checks.h"

#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/system.h"
#include "runner/cgroup/cgroup.h"
#include "runner/image.h"
#include "runner/namespaces.h"
#include "runner/security/seccomp_filter.h"
#include "runner/vm/kvm_probe.h"
#include "runner/vm/vm_assets.h"

namespace isobench::runner {
namespace {

using Verdict = HostCheck::Verdict;

/// Runs `body` in a child made by clone3 with `flags`; returns 0 or the errno of clone3 or
/// of the body (the child's exit status).
template <typename Body>
int in_child(uint64_t flags, Body body) {
  clone_args args{};
  args.flags = flags;
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) return errno;
  if (pid == 0) _exit(body());
  ExitStatus status = Subprocess(static_cast<pid_t>(pid), UniqueFd()).wait();
  return status.exited() ? status.code : EINTR;
}

}  // namespace

std::vector<HostCheck> check_kernel() {
  utsname name{};
  uname(&name);
  return {{"kernel", "release", Verdict::kOk, std::string(name.release) + " " + name.machine}};
}

std::vector<HostCheck> check_namespaces() {
  std::vector<HostCheck> checks;
  for (Namespace ns : kAllNamespaces) {
    int error = in_child(clone_flag(ns), [] { return 0; });
    checks.push_back({"namespaces", std::string(namespace_name(ns)), error ? Verdict::kUnavailable : Verdict::kOk,
                      error ? std::string("clone3 failed: ") + std::strerror(error) : "created"});
  }
  return checks;
}

std::vector<HostCheck> check_cgroups() {
  std::vector<HostCheck> checks;
  auto host_layout = host_cgroup_layout();
  CgroupLayout layout = host_layout ? *host_layout : CgroupLayout{};
  std::string detail = std::string(cgroup_mode_name(layout.mode));
  if (!layout.v2_mount.empty()) detail += ", v2 at " + layout.v2_mount;
  checks.push_back(
      {"cgroups", "mode", layout.mode == CgroupMode::kNone ? Verdict::kUnavailable : Verdict::kOk, detail});
  std::string v1;
  for (const auto& [controller, mount] : layout.v1_mounts) v1 += (v1.empty() ? "" : " ") + controller;
  if (!v1.empty()) checks.push_back({"cgroups", "v1 controllers", Verdict::kOk, v1});
  if (!layout.v2_mount.empty()) {
    auto controllers = read_file(layout.v2_mount + "/cgroup.controllers");
    std::string list = controllers ? trim(*controllers) : "";
    checks.push_back({"cgroups", "v2 controllers", Verdict::kOk, list.empty() ? "(none)" : list});
  }
  for (const char* needed : {"memory", "cpu", "pids", "cpuset"}) {
    bool in_v1 = layout.v1_mounts.count(needed) > 0;
    auto v2 = layout.v2_mount.empty() ? Result<std::string>(plain_error(""))
                                      : read_file(layout.v2_mount + "/cgroup.controllers");
    bool in_v2 = v2 && contains_word(*v2, needed);
    bool usable = layout.mode == CgroupMode::kV2 ? in_v2 : in_v1;
    checks.push_back({"cgroups", std::string(needed) + " limit", usable ? Verdict::kOk : Verdict::kUnavailable,
                      usable ? (in_v1 && layout.mode != CgroupMode::kV2 ? "via v1" : "via v2") : "controller missing"});
  }
  return checks;
}

std::vector<HostCheck> check_filesystems_and_security() {
  std::vector<HostCheck> checks;
  // A real overlay mount, in a mount namespace that dies with the child.
  char base_template[] = "/tmp/isobench-doctor-XXXXXX";
  if (char* base = mkdtemp(base_template)) {
    std::string dir = base;
    for (const char* sub : {"/lower", "/upper", "/work", "/merged"}) mkdir((dir + sub).c_str(), 0755);
    std::string options = "lowerdir=" + dir + "/lower,upperdir=" + dir + "/upper,workdir=" + dir + "/work";
    std::string merged = dir + "/merged";
    int error = in_child(CLONE_NEWNS, [&] {
      if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
      return mount("overlay", merged.c_str(), "overlay", 0, options.c_str()) == 0 ? 0 : errno;
    });
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    checks.push_back({"filesystems", "overlayfs", error ? Verdict::kUnavailable : Verdict::kOk,
                      error ? std::string("mount failed: ") + std::strerror(error) : "mounted in a test namespace"});
  }
  auto actions = read_file("/proc/sys/kernel/seccomp/actions_avail");
  auto program = build_default_seccomp_program();
  checks.push_back({"security", "seccomp", actions && program ? Verdict::kOk : Verdict::kUnavailable,
                    program ? "default filter: " + std::to_string(program->instructions.size()) + " BPF instructions"
                            : program.error().text()});
  return checks;
}

HostCheck check_kvm() {
  if (access("/dev/kvm", F_OK) != 0)
    return {"vm", "kvm", Verdict::kUnavailable, "/dev/kvm missing: VMs run under TCG emulation"};
  // Usable only if a guest actually boots under it, in bounded time (cached per kernel+QEMU).
  auto qemu = find_qemu();
  auto kernel = find_guest_kernel("");
  auto init = sibling_executable("isobench-guest-init");
  auto cache = cache_directory();
  if (!qemu || !kernel || !init || !cache)
    return {"vm", "kvm", Verdict::kUntested,
            "/dev/kvm present; untested: the boot probe needs qemu, a guest kernel "
            "and the guest init"};
  auto rootfs = builtin_image_rootfs();
  if (!rootfs) return {"vm", "kvm", Verdict::kUntested, "/dev/kvm present; untested: " + rootfs.error().text()};
  auto initramfs = cached_initramfs(*rootfs, *init, *cache);
  if (!initramfs) return {"vm", "kvm", Verdict::kUntested, "/dev/kvm present; untested: " + initramfs.error().text()};
  KvmVerdict verdict = probe_kvm(*qemu, *kernel, *initramfs, *cache);
  return {"vm", "kvm", verdict.usable ? Verdict::kOk : Verdict::kUnavailable,
          verdict.usable ? verdict.detail
                         : "present but " + verdict.detail.substr(verdict.detail.find("unusable")) +
                               "; VMs run under TCG emulation"};
}

std::vector<HostCheck> check_tools() {
  std::vector<HostCheck> checks;
  struct Tool {
    const char* name;
    const char* package;
  };
  // The runtimes are in doctor's "bench targets", with what each needs beyond its program.
  for (const Tool& tool : {Tool{"qemu-system-x86_64", "qemu-system-x86"}}) {
    std::string path = find_program(tool.name);
    if (path.empty()) {
      checks.push_back({"tools", tool.name, Verdict::kUnavailable,
                        std::string("not installed (apt-get install ") + tool.package + ")"});
      continue;
    }
    const std::string version = first_output_line(std::vector<std::string>{path, "--version"});
    checks.push_back({"tools", tool.name, Verdict::kOk, version + " (" + path + ")"});
  }
  std::string kernels;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/boot", error))
    if (entry.path().filename().string().rfind("vmlinuz-", 0) == 0)
      kernels += (kernels.empty() ? "" : " ") + entry.path().string();
  checks.push_back({"vm", "guest kernel", kernels.empty() ? Verdict::kUnavailable : Verdict::kOk,
                    kernels.empty() ? "none in /boot (apt-get install linux-image-cloud-amd64)" : kernels});
  checks.push_back(check_kvm());
  return checks;
}

}  // namespace isobench::runner
