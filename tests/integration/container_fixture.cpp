#include "tests/integration/container_fixture.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/file_io.h"

namespace isobench::integration {

namespace {

bool is_container_id(const std::string& name) {
  return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

/// The monitor pids the store's state files record.
std::vector<pid_t> recorded_monitors(const std::string& containers) {
  std::vector<pid_t> pids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(containers, error)) {
    auto text = read_file(entry.path().string() + "/state.json");
    if (!text) continue;
    Json state = parse_json(*text);
    if (state.is_object() && state.value("monitor_pid", 0) > 0) pids.push_back(state.value("monitor_pid", 0));
  }
  return pids;
}

/// Whether `pid` is a live (not zombie) isobench process: a monitor is a fork of it.
bool is_live_isobench(pid_t pid) {
  std::error_code error;
  const std::string exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", error).string();
  return !error && exe == std::filesystem::canonical(ISOBENCH_EXE).string() && process_is_live(pid);
}

/// The test's children that are isobench monitors still running: a --rm container's monitor
/// removes the container from the store a moment before it has removed the rest and exited.
std::vector<pid_t> live_monitor_children() {
  std::vector<pid_t> monitors;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto status = read_file("/proc/" + name + "/status");
    if (!status || status->find("\nPPid:\t" + std::to_string(getpid()) + "\n") == std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (is_live_isobench(pid)) monitors.push_back(pid);
  }
  return monitors;
}

}  // namespace

bool process_is_live(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  const size_t close = stat->rfind(')');
  return close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] != 'Z';
}

void ContainerTest::SetUp() {
  IsobenchTest::SetUp();
  if (IsSkipped()) return;
  if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "needs /bin/busybox (Debian's busybox-static)";
  ASSERT_FALSE(home_.path().empty());
  store_ = home_.path() + "/store";
  runtime_dir_ = home_.path() + "/run";
  busybox_root_ = home_.path() + "/busybox";
  for (const char* dir : {"", "/bin", "/proc", "/dev", "/sys", "/tmp", "/etc"})
    ASSERT_EQ(mkdir((busybox_root_ + dir).c_str(), 0755), 0) << dir;
  std::filesystem::copy_file("/bin/busybox", busybox_root_ + "/bin/busybox");
  for (const char* tool : kBusyboxTools)
    ASSERT_EQ(symlink("busybox", (busybox_root_ + "/bin/" + tool).c_str()), 0) << tool;
}

void ContainerTest::TearDown() {
  if (!store_.empty()) {
    const std::vector<pid_t> monitors = recorded_monitors(containers_dir());
    for (const std::string& id : stored_ids()) {
      ProcessResult removed = isobench({"rm", "-f", id});
      EXPECT_TRUE(removed.exit_code == 0 || removed.err.find("no such container") != std::string::npos) << removed;
    }
    for (pid_t monitor : monitors) {
      // A monitor ends within moments of its container; give it a little time, then no more.
      for (int i = 0; i < 200 && is_live_isobench(monitor); ++i) std::this_thread::sleep_for(10ms);
      if (!is_live_isobench(monitor)) continue;
      ADD_FAILURE() << "the monitor " << monitor << " outlived rm -f of its container";
      kill(monitor, SIGKILL);
    }
    EXPECT_TRUE(stored_ids().empty()) << "containers left in the store after rm -f";
    for (int i = 0; i < 200 && !live_monitor_children().empty(); ++i) std::this_thread::sleep_for(10ms);
    std::vector<std::string> runtime_left;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(runtime_dir_, error))
      runtime_left.push_back(entry.path().filename().string());
    EXPECT_TRUE(runtime_left.empty()) << "runtime directories left: " << runtime_left.size();
  }
  IsobenchTest::TearDown();
}

ProcessResult ContainerTest::isobench(const std::vector<std::string>& args, const std::vector<std::string>& env,
                                      std::chrono::milliseconds deadline) const {
  auto child = start_isobench(args, env);
  if (!child) return ProcessResult{-1, 0, false, "", child.error().text()};
  return child->wait(deadline);
}

Result<ChildProcess> ContainerTest::start_isobench(const std::vector<std::string>& args,
                                                   const std::vector<std::string>& env) const {
  std::vector<std::string> argv = {"/usr/bin/env", "ISOBENCH_STORE=" + store_, "ISOBENCH_RUNTIME_DIR=" + runtime_dir_};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(ISOBENCH_EXE);
  argv.insert(argv.end(), args.begin(), args.end());
  return ChildProcess::start(argv);
}

std::string ContainerTest::run_detached(const std::vector<std::string>& options,
                                        const std::vector<std::string>& command) const {
  std::vector<std::string> args = {"run", "-d"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--rootfs", busybox_root_, "--"});
  args.insert(args.end(), command.begin(), command.end());
  ProcessResult started = isobench(args);
  const std::string id = trimmed(started.out);
  if (started.exit_code != 0 || !is_container_id(id)) {
    ADD_FAILURE() << "run -d did not print a container id: " << started;
    return "";
  }
  return id;
}

std::string ContainerTest::inspect(const std::string& container, const std::string& format) const {
  ProcessResult shown = isobench({"inspect", "-f", format, container});
  if (shown.exit_code != 0) return "";
  return trimmed(shown.out);
}

bool ContainerTest::wait_for_status(const std::string& container, const std::string& status,
                                    std::chrono::milliseconds deadline) const {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (inspect(container, "{{.State.Status}}") == status) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

ProcessResult ContainerTest::logs_once_they_contain(const std::string& container, const std::string& text) const {
  ProcessResult logs;
  for (int i = 0; i < 100 && logs.out.find(text) == std::string::npos; ++i) {
    std::this_thread::sleep_for(20ms);
    logs = isobench({"logs", container});
  }
  return logs;
}

std::vector<std::string> ContainerTest::stored_ids() const {
  std::vector<std::string> ids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(containers_dir(), error))
    if (is_container_id(entry.path().filename().string())) ids.push_back(entry.path().filename().string());
  return ids;
}

}  // namespace isobench::integration
