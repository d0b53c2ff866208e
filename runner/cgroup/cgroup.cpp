#include "runner/cgroup/cgroup.h"

#include <cmath>
#include <sstream>

#include "runner/cgroup/cgroup_v1.h"
#include "runner/cgroup/cgroup_v2.h"

namespace isobench::runner {

std::string_view cgroup_mode_name(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::kNone: return "none";
    case CgroupMode::kV1: return "v1";
    case CgroupMode::kHybrid: return "hybrid";
    case CgroupMode::kV2: return "v2";
  }
  return "?";
}

CgroupLayout parse_cgroup_layout(const std::string& mountinfo) {
  CgroupLayout layout;
  std::istringstream lines(mountinfo);
  std::string line;
  while (std::getline(lines, line)) {
    // Fields: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    size_t separator = line.find(" - ");
    if (separator == std::string::npos) continue;
    std::istringstream head(line.substr(0, separator));
    std::string id, parent, devices, root, mount_point;
    head >> id >> parent >> devices >> root >> mount_point;
    std::istringstream tail(line.substr(separator + 3));
    std::string fstype, source, super_options;
    tail >> fstype >> source >> super_options;
    if (fstype == "cgroup2") {
      if (layout.v2_mount.empty()) layout.v2_mount = mount_point;
    } else if (fstype == "cgroup") {
      std::istringstream options(super_options);
      std::string option;
      while (std::getline(options, option, ',')) {
        if (option == "rw" || option == "ro" || option.find('=') != std::string::npos || option == "clone_children" ||
            option == "noprefix" || option == "xattr")
          continue;
        layout.v1_mounts.emplace(option, mount_point);
      }
    }
  }
  if (!layout.v1_mounts.empty())
    layout.mode = layout.v2_mount.empty() ? CgroupMode::kV1 : CgroupMode::kHybrid;
  else if (!layout.v2_mount.empty())
    layout.mode = CgroupMode::kV2;
  return layout;
}

Result<CgroupLayout> apply_cgroup_request(CgroupLayout layout, const std::string& requested) {
  if (requested.empty() || requested == "auto") return layout;
  if (requested != "v2") return plain_error("ISOBENCH_CGROUP: '" + requested.substr(0, 16) + "' is not auto or v2");
  if (layout.v2_mount.empty()) return plain_error("ISOBENCH_CGROUP=v2: this host has no cgroup2 mount");
  layout.v1_mounts.clear();
  layout.mode = CgroupMode::kV2;
  return layout;
}

Result<std::unique_ptr<CgroupManager>> make_cgroup_manager(const CgroupLayout& layout, CgroupFs& fs) {
  switch (layout.mode) {
    case CgroupMode::kV2: return std::unique_ptr<CgroupManager>(new CgroupV2Manager(layout.v2_mount, fs));
    case CgroupMode::kV1:
    case CgroupMode::kHybrid:
      return std::unique_ptr<CgroupManager>(new CgroupV1Manager(layout.v1_mounts, layout.mode, fs));
    case CgroupMode::kNone: break;
  }
  return plain_error("no cgroup file system is mounted on this host");
}

CpuBandwidth cpu_bandwidth(double cpus) {
  constexpr uint64_t kPeriodUs = 100000;
  auto quota = static_cast<uint64_t>(std::llround(cpus * kPeriodUs));
  return {quota < 1000 ? 1000 : quota, kPeriodUs};
}

std::optional<uint64_t> find_keyed_value(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  std::string name;
  uint64_t value = 0;
  while (lines >> name >> value)
    if (name == key) return value;
  return std::nullopt;
}

bool contains_word(const std::string& text, const std::string& word) {
  std::istringstream words(text);
  std::string candidate;
  while (words >> candidate)
    if (candidate == word) return true;
  return false;
}

}  // namespace isobench::runner
