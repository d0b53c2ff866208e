#include "bench/environment.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <sstream>

#include "common/file_io.h"
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

}  // namespace

nlohmann::json collect_environment(const std::vector<std::string>& command_line, const std::string& isobench_version,
                                   const std::vector<TargetInfo>& targets) {
  utsname name{};
  uname(&name);
  auto mountinfo = read_file("/proc/self/mountinfo");
  auto layout = mountinfo ? runner::parse_cgroup_layout(*mountinfo) : runner::CgroupLayout{};
  nlohmann::json versions = nlohmann::json::object();
  for (const TargetInfo& target : targets) versions[target.name] = target.detail;
  return {
      {"kernel", std::string(name.release)},
      {"machine", std::string(name.machine)},
      {"cpu_model", cpu_model()},
      {"cores", sysconf(_SC_NPROCESSORS_ONLN)},
      {"memory_bytes", static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE))},
      {"cgroup_mode", std::string(runner::cgroup_mode_name(layout.mode))},
      {"btf", access("/sys/kernel/btf/vmlinux", F_OK) == 0},
      {"kvm", access("/dev/kvm", F_OK) == 0 ? "present, untested" : "absent"},
      {"isobench_version", isobench_version},
      {"date", utc_now()},
      {"command", command_line},
      {"target_versions", versions}};
}

}  // namespace isobench::bench
