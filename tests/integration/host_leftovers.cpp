#include "tests/integration/host_leftovers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "common/file_io.h"

namespace isobench::integration {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr const char* kCgroupParent = "isobench";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

/// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::string mount_point_of(const std::string& line) {
  std::istringstream fields(line);
  std::string field;
  for (int i = 0; i < 5 && fields >> field; ++i) {
  }
  return unescape_mountinfo(field);
}

std::set<std::string> suspicious_mount_lines(const std::string& image_path) {
  std::set<std::string> out;
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return out;
  for (const std::string& line : lines_of(*mountinfo))
    if (line.find(image_path) != std::string::npos || line.find(kCgroupParent) != std::string::npos) out.insert(line);
  return out;
}

/// Every directory below some hierarchy's isobench/ parent (the parent itself persists by design).
std::set<std::string> container_cgroup_dirs() {
  std::set<std::string> out;
  std::set<std::string> seen_parents;
  std::error_code error;
  for (const fs::directory_entry& hierarchy : fs::directory_iterator(kCgroupRoot, error)) {
    fs::path parent = hierarchy.path() / kCgroupParent;
    if (!fs::is_directory(parent, error)) continue;
    // A hierarchy may be reachable under two names (cpu and cpu,cpuacct): count it once.
    std::string canonical = fs::canonical(parent, error).string();
    if (error || !seen_parents.insert(canonical).second) continue;
    for (auto it = fs::recursive_directory_iterator(parent, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
      if (it->is_directory(error) && !it->is_symlink(error)) out.insert(it->path().string());
    }
    error.clear();
  }
  return out;
}

std::optional<pid_t> parent_of(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  // The command name may hold spaces and parentheses; the fields resume after the last ')'.
  size_t close = stat->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat->substr(close + 1));
  char state;
  pid_t parent;
  if (!(fields >> state >> parent)) return std::nullopt;
  return parent;
}

bool in_our_process_tree(pid_t pid) {
  const pid_t self = getpid();
  for (int depth = 0; depth < 64 && pid > 1; ++depth) {
    auto parent = parent_of(pid);
    if (!parent) return false;
    if (*parent == self) return true;
    pid = *parent;
  }
  return false;
}

std::vector<pid_t> cgroup_processes(const std::string& dir) {
  std::vector<pid_t> pids;
  auto procs = read_file(dir + "/cgroup.procs");
  if (!procs) return pids;
  std::istringstream stream(*procs);
  for (pid_t pid; stream >> pid;) pids.push_back(pid);
  return pids;
}

/// isobench holds flock on each of its cgroup directories while their container lives: a
/// held one, once the test's own runs are over, is another isobench's, maybe still empty.
bool locked_by_a_live_owner(const std::string& cgroup_dir) {
  int fd = open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);
  return held;
}

bool belongs_to_someone_else(const std::string& cgroup_dir) {
  std::vector<pid_t> pids = cgroup_processes(cgroup_dir);
  if (pids.empty()) return locked_by_a_live_owner(cgroup_dir);
  return std::none_of(pids.begin(), pids.end(), in_our_process_tree);
}

std::string command_line_of(pid_t pid) {
  auto cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline) return {};
  std::string text = *cmdline;
  std::replace(text.begin(), text.end(), '\0', ' ');
  return trim(text);
}

char state_of(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return '?';
  size_t close = stat->rfind(')');
  return close != std::string::npos && close + 2 < stat->size() ? (*stat)[close + 2] : '?';
}

std::vector<pid_t> all_processes() {
  std::vector<pid_t> pids;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) pids.push_back(std::stoi(name));
  }
  return pids;
}

std::set<pid_t> processes_running_image(const std::string& image_path) {
  std::set<pid_t> out;
  for (pid_t pid : all_processes())
    if (command_line_of(pid).rfind(image_path, 0) == 0) out.insert(pid);
  return out;
}

void reap_exited_children() {
  int status;
  while (waitpid(-1, &status, WNOHANG) > 0) {
  }
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

std::string Leftovers::describe() const {
  std::ostringstream text;
  for (const LeftoverMount& mount : mounts) text << "  mount on " << mount.mount_point << ": " << mount.line << "\n";
  for (const std::string& dir : cgroup_dirs) text << "  cgroup directory " << dir << "\n";
  for (const LeftoverProcess& process : processes)
    text << "  process " << process.pid << (process.is_our_child ? " (child of the test)" : "") << ": '"
         << process.command_line << "'\n";
  return text.str();
}

void adopt_orphans() {
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

HostSnapshot take_host_snapshot(const std::string& image_path) {
  HostSnapshot snapshot;
  snapshot.mount_lines = suspicious_mount_lines(image_path);
  snapshot.cgroup_dirs = container_cgroup_dirs();
  snapshot.image_processes = processes_running_image(image_path);
  return snapshot;
}

Leftovers find_leftovers(const HostSnapshot& before, const std::string& image_path) {
  reap_exited_children();
  Leftovers leftovers;
  for (const std::string& line : suspicious_mount_lines(image_path))
    if (!before.mount_lines.count(line)) leftovers.mounts.push_back({mount_point_of(line), line});

  for (const std::string& dir : container_cgroup_dirs())
    if (!before.cgroup_dirs.count(dir) && !belongs_to_someone_else(dir)) leftovers.cgroup_dirs.push_back(dir);
  // A child directory sorts after its parent: reversed, children come first.
  std::sort(leftovers.cgroup_dirs.rbegin(), leftovers.cgroup_dirs.rend());

  std::set<pid_t> listed;
  const pid_t self = getpid();
  for (pid_t pid : all_processes()) {
    if (parent_of(pid) == self && state_of(pid) != 'Z') {
      leftovers.processes.push_back({pid, command_line_of(pid), true});
      listed.insert(pid);
    }
  }
  for (pid_t pid : processes_running_image(image_path))
    if (!before.image_processes.count(pid) && !listed.count(pid))
      leftovers.processes.push_back({pid, command_line_of(pid), false});
  return leftovers;
}

std::vector<std::string> remove_leftovers(const Leftovers& leftovers) {
  std::vector<std::string> resisted;
  for (const LeftoverProcess& process : leftovers.processes) {
    ::kill(process.pid, SIGKILL);
    if (process.is_our_child) {
      waitpid(process.pid, nullptr, 0);
    } else if (!wait_until([&] { return ::kill(process.pid, 0) != 0; }, std::chrono::seconds(2))) {
      resisted.push_back("process " + std::to_string(process.pid));
    }
  }
  for (const LeftoverMount& mount : leftovers.mounts)
    if (umount2(mount.mount_point.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
      resisted.push_back("mount on " + mount.mount_point);
  for (const std::string& dir : leftovers.cgroup_dirs) {
    bool removed = wait_until(
        [&] {
          for (pid_t pid : cgroup_processes(dir)) ::kill(pid, SIGKILL);
          return rmdir(dir.c_str()) == 0 || errno == ENOENT;
        },
        std::chrono::seconds(2));
    if (!removed) resisted.push_back("cgroup " + dir);
  }
  reap_exited_children();
  return resisted;
}

}  // namespace isobench::integration
