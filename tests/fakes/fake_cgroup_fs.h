// An in-memory cgroupfs: directories, files written or seeded, and the rules that matter
// to the managers (mkdir needs the parent, rmdir refuses a cgroup with processes).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runner/cgroup/cgroup_fs.h"

namespace isobench::testing {

class FakeCgroupFs final : public runner::CgroupFs {
 public:
  void add_dir(const std::string& path) {
    dirs_.insert(path);
    new_lock_file(path);
  }
  void seed(const std::string& path, const std::string& content) { files_[path] = content; }
  /// Writes to this path fail with `error` (like a kernel refusing a limit).
  void refuse(const std::string& path, int error) { refused_[path] = error; }

  Status make_dir(const std::string& path) override {
    if (dirs_.count(path)) return Error{EEXIST, "exists: " + path};
    if (!dirs_.count(parent(path))) return Error{ENOENT, "no parent: " + path};
    dirs_.insert(path);
    new_lock_file(path);
    // What the kernel puts in every new cgroup directory, as far as the managers read it.
    files_[path + "/cgroup.procs"] = "";
    files_[path + "/cgroup.subtree_control"] = "";
    return {};
  }
  Status remove_dir(const std::string& path) override {
    if (!dirs_.count(path)) return Error{ENOENT, "missing: " + path};
    for (const std::string& dir : dirs_)
      if (dir != path && dir.rfind(path + "/", 0) == 0) return Error{EBUSY, "has children: " + path};
    auto procs = files_.find(path + "/cgroup.procs");
    if (procs != files_.end() && !procs->second.empty()) return Error{EBUSY, "has tasks: " + path};
    dirs_.erase(path);
    lock_files_.erase(path);
    for (auto it = files_.begin(); it != files_.end();)
      it = parent(it->first) == path ? files_.erase(it) : std::next(it);
    return {};
  }
  Result<std::string> read(const std::string& path) override {
    auto it = files_.find(path);
    if (it == files_.end()) return Error{ENOENT, "no file: " + path};
    return it->second;
  }
  Status write(const std::string& path, const std::string& text) override {
    if (auto refused = refused_.find(path); refused != refused_.end())
      return Error{refused->second, "refused: " + path};
    if (!dirs_.count(parent(path))) return Error{ENOENT, "no dir for: " + path};
    writes_.push_back(path + "=" + text);
    // cgroup.procs keeps no tasks here: attached fake pids "exit" at once.
    files_[path] = path.ends_with("/cgroup.procs") ? "" : text;
    return {};
  }
  bool exists(const std::string& path) override { return dirs_.count(path) || files_.count(path); }
  /// Real descriptors (of /dev/null) so that callers can hold and close them.
  Result<UniqueFd> open_for_write(const std::string& path) override {
    if (!dirs_.count(parent(path))) return Error{ENOENT, "no dir for: " + path};
    opened_.push_back(path);
    return UniqueFd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  }
  Result<UniqueFd> open_directory(const std::string& path) override {
    if (!dirs_.count(path)) return Error{ENOENT, "no dir: " + path};
    opened_.push_back(path);
    return UniqueFd(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  Result<UniqueFd> attach_device_filter(const std::string& dir) override {
    if (!dirs_.count(dir)) return Error{ENOENT, "no dir: " + dir};
    device_filters_.push_back(dir);
    return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  }
  Result<std::vector<std::string>> list_dirs(const std::string& path) override {
    if (!dirs_.count(path)) return Error{ENOENT, "no dir: " + path};
    std::vector<std::string> names;
    for (const std::string& dir : dirs_)
      if (parent(dir) == path) names.push_back(dir.substr(path.size() + 1));
    return names;
  }
  /// Real flock(2) on a memfd per directory: a lock is held until its descriptor closes, and
  /// a directory made again under the same name has a new lock.
  Status kill_processes(const std::string& dir) override {
    killed_.push_back(dir);
    files_[dir + "/cgroup.procs"] = "";  // what SIGKILL does, without sending one to a real pid
    return {};
  }
  /// Cgroups whose processes kill_processes killed, in order.
  const std::vector<std::string>& killed() const { return killed_; }
  Result<UniqueFd> lock_dir(const std::string& path, bool wait) override {
    auto file = lock_files_.find(path);
    if (file == lock_files_.end()) return Error{ENOENT, "no dir: " + path};
    const uint64_t generation = file->second.generation;
    UniqueFd fd(::open(("/proc/self/fd/" + std::to_string(file->second.memfd.get())).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return Error{errno, "reopen lock of " + path};
    if (before_lock_) before_lock_(path);
    if (::flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) return Error{errno, "locked: " + path};
    auto now = lock_files_.find(path);
    if (now == lock_files_.end() || now->second.generation != generation)
      return Error{ENOENT, "removed meanwhile: " + path};
    return fd;
  }
  /// Runs inside every lock_dir, between opening the directory and locking it: a concurrent
  /// cleaner acting in that window.
  void before_lock(std::function<void(const std::string&)> hook) { before_lock_ = std::move(hook); }
  const std::vector<std::string>& opened() const { return opened_; }
  /// Directories a device filter was attached to, in order.
  const std::vector<std::string>& device_filters() const { return device_filters_; }

  bool has_dir(const std::string& path) const { return dirs_.count(path) > 0; }
  std::string file(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? "<missing>" : it->second;
  }
  const std::vector<std::string>& writes() const { return writes_; }
  const std::set<std::string>& dirs() const { return dirs_; }

 private:
  static std::string parent(const std::string& path) { return path.substr(0, path.rfind('/')); }
  void new_lock_file(const std::string& path) {
    lock_files_[path] = LockFile{UniqueFd(memfd_create("fake-cgroup-lock", MFD_CLOEXEC)), ++generations_};
  }
  struct LockFile {
    UniqueFd memfd;
    uint64_t generation = 0;
  };
  std::set<std::string> dirs_;
  std::map<std::string, std::string> files_;
  std::map<std::string, int> refused_;
  std::vector<std::string> writes_;
  std::vector<std::string> opened_;
  std::vector<std::string> device_filters_;
  std::vector<std::string> killed_;
  std::map<std::string, LockFile> lock_files_;
  uint64_t generations_ = 0;
  std::function<void(const std::string&)> before_lock_;
};

}  // namespace isobench::testing
