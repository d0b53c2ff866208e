#include "runner/lifecycle/container_cgroups.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "common/file_io.h"
#include "common/text.h"
#include "runner/cgroup/cgroup.h"

namespace isobench::runner::lifecycle {

namespace {

int64_t number_in(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

/// A file's text; "" when it cannot be read (a counter this kernel does not have).
std::string text(const std::string& path) {
  auto read = read_file(path);
  return read ? *read : std::string();
}

/// One file's number ("max" and unreadable files are 0).
int64_t read_number(const std::string& path) {
  auto text = read_file(path);
  return text ? number_in(*text) : 0;
}

/// The value of KEY in a "key value" file (memory.stat, cpu.stat).
int64_t keyed(const std::string& text, std::string_view key) {
  int64_t value = 0;
  for (const std::string& text_line : split_list(text, '\n')) {
    const std::string_view line = text_line;
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ' ') value = number_in(line.substr(key.size()));
  }
  return value;
}

/// Bytes read and written: v1 blkio "MAJ:MIN Read N" lines, v2 io.stat "rbytes=N wbytes=N".
void add_block_io(const std::string& text, ContainerCounters& counters) {
  for (const std::string& text_line : split_list(text, '\n')) {
    const std::string_view line = text_line;
    if (auto at = line.find(" Read "); at != std::string_view::npos) counters.block_read += number_in(line.substr(at + 6));
    if (auto at = line.find(" Write "); at != std::string_view::npos) counters.block_write += number_in(line.substr(at + 7));
    if (auto at = line.find("rbytes="); at != std::string_view::npos) counters.block_read += number_in(line.substr(at + 7));
    if (auto at = line.find("wbytes="); at != std::string_view::npos) counters.block_write += number_in(line.substr(at + 7));
  }
}

/// Received and sent bytes of every interface in /proc/PID/net/dev (the container's netns).
void add_network(pid_t pid, ContainerCounters& counters) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/net/dev");
  if (!text) return;
  for (const std::string& text_line : split_list(*text, '\n')) {
    const std::string_view line = text_line;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view fields = line.substr(colon + 1);
    int64_t values[9] = {};
    for (int64_t& value : values) {
      while (!fields.empty() && fields.front() == ' ') fields.remove_prefix(1);
      const auto [end, error] = std::from_chars(fields.data(), fields.data() + fields.size(), value);
      fields.remove_prefix(static_cast<size_t>(end - fields.data()));
      if (error != std::errc()) break;
    }
    counters.net_rx += values[0];
    counters.net_tx += values[8];
  }
}

}  // namespace

Result<std::map<std::string, std::string>> container_cgroup_dirs(pid_t pid) {
  std::map<std::string, std::string> dirs;
  auto mountinfo = read_file("/proc/self/mountinfo");
  auto cgroups = read_file("/proc/" + std::to_string(pid) + "/cgroup");
  if (!mountinfo) return mountinfo.error();
  if (!cgroups) return plain_error("process " + std::to_string(pid) + " is gone");
  const CgroupLayout layout = parse_cgroup_layout(*mountinfo);
  for (const std::string& text : split_list(*cgroups, '\n')) {
    const std::string_view line = text;
    const size_t first = line.find(':'), last = line.rfind(':');
    if (first == std::string_view::npos || first == last) continue;
    const std::string controllers(line.substr(first + 1, last - first - 1));
    const std::string path(line.substr(last + 1));
    if (path.find("/isobench/") == std::string::npos) continue;
    const std::string controller = controllers.substr(0, controllers.find(','));
    std::string mount = layout.v2_mount;
    if (!controllers.empty()) {
      auto found = layout.v1_mounts.find(controller);
      mount = found == layout.v1_mounts.end() ? "" : found->second;
    }
    if (mount.empty())
      return plain_error("process " + std::to_string(pid) + "'s cgroup " + path + " (" +
                         (controllers.empty() ? std::string("cgroup2") : controllers) + ") is on no cgroup mount of this host");
    dirs[controller] = mount + path;
  }
  return dirs;
}

Result<ContainerCounters> read_container_counters(pid_t pid) {
  auto found_dirs = container_cgroup_dirs(pid);
  if (!found_dirs) return found_dirs.error();
  const auto& dirs = *found_dirs;
  if (dirs.empty()) return plain_error("process " + std::to_string(pid) + " has no isobench cgroup");
  auto dir = [&](std::initializer_list<const char*> controllers) -> std::string {
    for (const char* controller : controllers)
      if (auto found = dirs.find(controller); found != dirs.end()) return found->second;
    return "";
  };
  ContainerCounters counters;
  const std::string v2 = dir({""});
  // v1 hierarchies where this host mounts them, else the unified one's files.
  if (const std::string cpu = dir({"cpu", "cpuacct"}); !cpu.empty())
    counters.cpu_ns = static_cast<uint64_t>(read_number(cpu + "/cpuacct.usage"));
  else if (!v2.empty())
    counters.cpu_ns = static_cast<uint64_t>(keyed(text(v2 + "/cpu.stat"), "usage_usec")) * 1000;
  if (const std::string memory = dir({"memory"}); !memory.empty()) {
    counters.mem_bytes = read_number(memory + "/memory.usage_in_bytes") - keyed(text(memory + "/memory.stat"), "total_inactive_file");
    counters.mem_limit = read_number(memory + "/memory.limit_in_bytes");
    if (counters.mem_limit > (int64_t{1} << 60)) counters.mem_limit = 0;  // v1's "unlimited"
  } else if (!v2.empty()) {
    counters.mem_bytes = read_number(v2 + "/memory.current") - keyed(text(v2 + "/memory.stat"), "inactive_file");
    counters.mem_limit = read_number(v2 + "/memory.max");  // "max" reads as 0: no limit
  }
  counters.mem_bytes = std::max<int64_t>(0, counters.mem_bytes);
  if (const std::string pids = dir({"pids"}); !pids.empty()) counters.pids = static_cast<uint64_t>(read_number(pids + "/pids.current"));
  else if (!v2.empty()) counters.pids = static_cast<uint64_t>(read_number(v2 + "/pids.current"));
  if (const std::string blkio = dir({"blkio"}); !blkio.empty()) add_block_io(text(blkio + "/blkio.throttle.io_service_bytes"), counters);
  else if (!v2.empty()) add_block_io(text(v2 + "/io.stat"), counters);
  add_network(pid, counters);
  return counters;
}

std::vector<pid_t> container_processes(pid_t pid) {
  std::vector<pid_t> pids;
  auto dirs = container_cgroup_dirs(pid);
  for (const char* controller : {"pids", "memory", ""}) {
    if (!dirs) break;
    auto found = dirs->find(controller);
    if (found == dirs->end()) continue;
    auto text = read_file(found->second + "/cgroup.procs");
    if (!text) continue;
    for (const std::string& line : split_list(*text, '\n'))
      if (const int64_t value = number_in(line); value > 0) pids.push_back(static_cast<pid_t>(value));
    break;
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace isobench::runner::lifecycle
