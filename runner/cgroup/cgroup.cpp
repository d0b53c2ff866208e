#include "runner/cgroup/cgroup.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/file_io.h"
#include "common/text.h"
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

namespace {

struct MountLine {
  std::string mount_point;
  std::string fstype;
  std::string super_options;
};

/// The mountinfo lines that parse, in order.
std::vector<MountLine> mount_lines(const std::string& mountinfo) {
  std::vector<MountLine> mounts;
  std::istringstream lines(mountinfo);
  std::string line;
  while (std::getline(lines, line)) {
    // Fields: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    size_t separator = line.find(" - ");
    if (separator == std::string::npos) continue;
    std::istringstream head(line.substr(0, separator));
    std::string id, parent, devices, root;
    MountLine mount;
    head >> id >> parent >> devices >> root >> mount.mount_point;
    std::istringstream tail(line.substr(separator + 3));
    std::string source;
    tail >> mount.fstype >> source >> mount.super_options;
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

bool cgroup_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

CgroupLayout parse_cgroup_layout(const std::string& mountinfo) {
  CgroupLayout layout;
  for (const MountLine& mount : mount_lines(mountinfo)) {
    const std::string& fstype = mount.fstype;
    const std::string& mount_point = mount.mount_point;
    const std::string& super_options = mount.super_options;
    if (fstype == "cgroup2") {
      if (layout.v2_mount.empty()) layout.v2_mount = mount_point;
    } else if (fstype == "cgroup") {
      for (const std::string& option : split_list(super_options, ',')) {
        if (option.empty() || option == "rw" || option == "ro" || option.find('=') != std::string::npos ||
            option == "clone_children" || option == "noprefix" || option == "xattr")
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

std::vector<std::string> cgroup_mount_points(const std::string& mountinfo) {
  std::vector<std::string> points;
  for (const MountLine& mount : mount_lines(mountinfo))
    if ((mount.fstype == "cgroup" || mount.fstype == "cgroup2") &&
        std::find(points.begin(), points.end(), mount.mount_point) == points.end())
      points.push_back(mount.mount_point);
  return points;
}

Status check_cgroup_parent(std::string_view parent) {
  auto refuse = [&](const std::string& why) {
    return plain_error("cgroup parent '" + std::string(parent.substr(0, 64)) + "': " + why);
  };
  if (parent.empty()) return refuse("empty");
  if (parent.size() > 200) return refuse("longer than 200 characters");
  size_t start = 0;
  while (start <= parent.size()) {
    size_t slash = std::min(parent.find('/', start), parent.size());
    std::string_view name = parent.substr(start, slash - start);
    if (name.empty())
      return refuse("a relative path below isobench/ without empty names (no leading, trailing or double '/')");
    if (name == "." || name == "..") return refuse("'.' and '..' are not cgroup names");
    for (char c : name)
      if (!cgroup_name_char(c)) return refuse("names are made of letters, digits, '.', '_' and '-'");
    start = slash + 1;
  }
  return {};
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

Result<CgroupLayout> host_cgroup_layout(CgroupRequest request) {
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return mountinfo.error();
  CgroupLayout layout = parse_cgroup_layout(*mountinfo);
  if (request == CgroupRequest::kAsMounted) return layout;
  const char* requested = std::getenv("ISOBENCH_CGROUP");
  return apply_cgroup_request(std::move(layout), requested ? requested : "");
}

Result<std::unique_ptr<CgroupManager>> host_cgroup_manager(CgroupFs& fs, CgroupRequest request) {
  auto layout = host_cgroup_layout(request);
  if (!layout) return layout.error();
  return make_cgroup_manager(*layout, fs);
}

Result<std::vector<std::string>> host_cgroup_mount_points() {
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return mountinfo.error();
  return cgroup_mount_points(*mountinfo);
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
