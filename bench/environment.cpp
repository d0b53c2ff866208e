#include "bench/environment.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

#include "common/file_io.h"
#include "common/text.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::bench {
namespace {

std::string cpu_model() {
  auto cpuinfo = read_file("/proc/cpuinfo");
  if (!cpuinfo) return "unknown";
  std::istringstream lines(*cpuinfo);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind("model name", 0) == 0) return trim(line.substr(line.find(':') + 1));
  return "unknown";
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

int64_t cpu_mhz() {
  // cpufreq when the host exposes it (kHz), else the first "cpu MHz" line of /proc/cpuinfo.
  if (auto khz = read_file("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"))
    if (long long value = std::atoll(trim(*khz).c_str()); value > 0) return value / 1000;
  auto cpuinfo = read_file("/proc/cpuinfo");
  if (!cpuinfo) return 0;
  std::istringstream lines(*cpuinfo);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("cpu MHz", 0) == 0) return static_cast<int64_t>(std::atof(line.substr(line.find(':') + 1).c_str()));
  return 0;
}

std::vector<CpuCache> cpu_caches() {
  std::vector<CpuCache> caches;
  for (int index = 0; index < 16; ++index) {
    std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    auto type = read_file(dir + "type");
    if (!type) break;
    CpuCache cache;
    cache.type = trim(*type);
    if (auto level = read_file(dir + "level")) cache.level = std::atoi(trim(*level).c_str());
    if (auto size = read_file(dir + "size")) cache.size_bytes = cache_size_bytes(trim(*size));
    // shared_cpu_list: "0-1" or "0,2": count the CPUs it names.
    if (auto shared = read_file(dir + "shared_cpu_list")) {
      for (const std::string& range : split_trimmed_list(*shared, ',')) {
        size_t dash = range.find('-');
        int first = std::atoi(range.c_str());
        int last = dash == std::string::npos ? first : std::atoi(range.c_str() + dash + 1);
        if (last >= first) cache.num_sharing += last - first + 1;
      }
    }
    caches.push_back(cache);
  }
  return caches;
}

/// KVM as the run used it: the vm target's timed boot probe decides, never /dev/kvm.
std::string kvm_status(const std::vector<TargetInfo>& targets) {
  for (const TargetInfo& target : targets) {
    if (target.kind != "vm") continue;
    if (!target.available) return "not probed: the vm target could not run (" + target.detail + ")";
    return target.kvm;
  }
  return access("/dev/kvm", F_OK) == 0 ? "not probed (no vm target in this run)" : "absent";
}

}  // namespace

int64_t cache_size_bytes(const std::string& text) {
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || value < 0) return 0;
  std::string unit = end;
  if (unit == "K") return value * 1024;
  if (unit == "M") return value * 1024 * 1024;
  if (unit == "G") return value * 1024 * 1024 * 1024;
  return unit.empty() ? value : 0;
}

Environment collect_environment(const std::vector<std::string>& command_line, const std::string& isobench_version,
                                const std::vector<TargetInfo>& targets) {
  utsname name{};
  uname(&name);
  auto host_layout = runner::host_cgroup_layout();
  runner::CgroupLayout layout = host_layout ? *host_layout : runner::CgroupLayout{};
  Environment environment;
  environment.kernel = name.release;
  environment.machine = name.machine;
  environment.hostname = name.nodename;
  environment.cpu_model = cpu_model();
  environment.cores = sysconf(_SC_NPROCESSORS_ONLN);
  environment.mhz_per_cpu = cpu_mhz();
  environment.caches = cpu_caches();
  environment.memory_bytes =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  environment.cgroup_mode = runner::cgroup_mode_name(layout.mode);
  environment.btf = access("/sys/kernel/btf/vmlinux", F_OK) == 0;
  environment.kvm = kvm_status(targets);
  environment.isobench_version = isobench_version;
  environment.date = utc_now();
  environment.command = command_line;
  for (const TargetInfo& target : targets) environment.target_versions[target.name] = target.detail;
  return environment;
}

}  // namespace isobench::bench
