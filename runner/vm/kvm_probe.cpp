#include "runner/vm/kvm_probe.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>

#include "common/file_io.h"
#include "common/time_units.h"
#include "runner/vm/microvm.h"

namespace isobench::runner {
namespace {

/// Changes when either binary changes (path, size, modification time).
std::string verdict_key(const std::string& qemu, const std::string& kernel) {
  uint64_t hash = 1469598103934665603ULL;
  for (const std::string& path : {qemu, kernel}) {
    struct stat info {};
    stat(path.c_str(), &info);
    std::string text = path + ":" + std::to_string(info.st_size) + ":" + std::to_string(info.st_mtime);
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  }
  char key[17];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(hash));
  return key;
}

}  // namespace

bool conclusive_about_kvm(const VmOutcome& outcome) {
  switch (outcome.ending) {
    case VmOutcome::Ending::kExited:
    case VmOutcome::Ending::kTimedOut: return true;
    case VmOutcome::Ending::kInterrupted: return false;
    case VmOutcome::Ending::kNoWorkload: break;
  }
  // QEMU's own words ("qemu-system-x86_64: failed to initialize kvm: ...", "KVM internal
  // error. Suberror: 1", "error: kvm run failed ..."), not the guest kernel's ("[ 0.0] kvm-clock").
  for (std::string line : outcome.console_tail) {
    for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (line.rfind("kvm", 0) == 0 || line.rfind("error: kvm", 0) == 0 ||
        (line.find("qemu") != std::string::npos && line.find("kvm") != std::string::npos))
      return true;
  }
  return false;
}

KvmVerdict probe_kvm(const std::string& qemu, const std::string& kernel, const std::string& initramfs,
                     const std::string& cache, double timeout_seconds) {
  if (access("/dev/kvm", R_OK | W_OK) != 0) return {false, "unusable: no accessible /dev/kvm"};
  std::string file = cache + "/kvm-verdict-" + verdict_key(qemu, kernel);
  if (auto cached = read_file(file)) {
    std::string text = trim(*cached);
    return {text.rfind("usable", 0) == 0, text + " (cached)"};
  }
  VmSpec spec;
  spec.qemu = qemu;
  spec.kernel = kernel;
  spec.initramfs = initramfs;
  spec.memory_mib = 128;
  spec.accel = Accelerator::kKvm;
  spec.command = {"/bin/noop"};
  spec.timeout_seconds = timeout_seconds;
  auto outcome = run_microvm(spec, false);
  KvmVerdict verdict;
  if (!outcome) {
    verdict = {false, "present but unusable (" + outcome.error().text() + ")"};
  } else if (outcome->ending == VmOutcome::Ending::kExited) {
    char text[96];
    std::snprintf(text, sizeof text, "usable (a guest ran a workload in %.2f s)",
                  ns_to_s(outcome->qemu_exit_ns - outcome->launch_ns));
    verdict = {true, text};
  } else if (outcome->ending == VmOutcome::Ending::kTimedOut) {
    verdict = {false, "present but unusable (probe timed out after " +
                          std::to_string(static_cast<int>(timeout_seconds)) + " s)"};
  } else if (conclusive_about_kvm(*outcome)) {
    verdict = {false, "present but unusable (" + outcome->message + ")"};
  } else {
    verdict = {false, "not decided: the probe boot failed for another reason (" + outcome->message + ")"};
  }
  if (outcome && conclusive_about_kvm(*outcome)) (void)replace_file(file, verdict.detail + "\n");
  return verdict;
}

}  // namespace isobench::runner
