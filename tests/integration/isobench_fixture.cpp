#include "tests/integration/isobench_fixture.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "common/file_io.h"

#ifndef ISOBENCH_EXE
#error "tests/CMakeLists.txt defines ISOBENCH_EXE, the isobench executable under test"
#endif
#ifndef ISOBENCH_IMAGE
#error "tests/CMakeLists.txt defines ISOBENCH_IMAGE, the built-in image's rootfs"
#endif

namespace isobench::integration {
namespace fs = std::filesystem;

const std::string& image_path() {
  static const std::string path = [] {
    std::error_code error;
    fs::path canonical = fs::canonical(ISOBENCH_IMAGE, error);
    return error ? std::string(ISOBENCH_IMAGE) : canonical.string();
  }();
  return path;
}

ProcessResult run_isobench(const std::vector<std::string>& args, std::chrono::milliseconds deadline) {
  std::vector<std::string> argv = {ISOBENCH_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, deadline);
}

std::vector<std::string> run_arguments(const std::vector<std::string>& options,
                                       const std::vector<std::string>& command) {
  std::vector<std::string> argv = {ISOBENCH_EXE, "run"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

ProcessResult isobench_shell(const std::string& script) {
  return run_process({"/bin/sh", "-c", "ISOBENCH=" + std::string(ISOBENCH_EXE) + "; " + script}, kRunDeadline);
}

std::vector<ProcessEntry> process_table() {
  std::vector<ProcessEntry> table;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    auto stat = read_file("/proc/" + name + "/stat");
    if (!stat) continue;
    size_t open = stat->find('('), close = stat->rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream fields(stat->substr(close + 1));
    char state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (state != 'Z') table.push_back({std::stoi(name), parent, stat->substr(open + 1, close - open - 1)});
  }
  return table;
}

ProcessResult run_in_container(const std::vector<std::string>& options, const std::vector<std::string>& command,
                               std::chrono::milliseconds deadline) {
  return run_process(run_arguments(options, command), deadline);
}

Result<ChildProcess> start_container(const std::vector<std::string>& options, const std::vector<std::string>& command) {
  return ChildProcess::start(run_arguments(options, command));
}

Json parse_json(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json() : parsed;
}

Json container_status(const std::vector<std::string>& options) {
  ProcessResult run = run_in_container(options, {"inspect", "status"});
  if (run.exit_code != 0) {
    ADD_FAILURE() << "inspect status did not succeed\n" << run;
    return Json();
  }
  Json status = parse_json(run.out);
  if (!status.is_object()) ADD_FAILURE() << "inspect status printed no JSON object\n" << run;
  return status;
}

std::string namespace_in(const Json& status, const std::string& name) {
  if (!status.is_object() || !status.contains("namespaces")) return {};
  for (const Json& entry : status["namespaces"]) {
    const std::string text = entry.get<std::string>();
    if (text.rfind(name + ":", 0) == 0) return text;
  }
  return {};
}

std::string host_namespace(const std::string& name) {
  std::error_code error;
  fs::path link = fs::read_symlink("/proc/self/ns/" + name, error);
  return error ? std::string() : link.string();
}

std::vector<std::string> host_interfaces() {
  std::vector<std::string> names;
  auto dev = read_file("/proc/net/dev");
  if (!dev) return names;
  std::istringstream lines(*dev);
  for (std::string line; std::getline(lines, line);) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || line.find('|') != std::string::npos) continue;
    names.push_back(trim(line.substr(0, colon)));
  }
  return names;
}

std::optional<pid_t> wait_for_workload(pid_t runner, const std::string& program, std::chrono::milliseconds deadline) {
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  do {
    for (const ProcessEntry& process : process_table())
      if (process.parent == runner && process.name == program) return process.pid;
    std::this_thread::sleep_for(10ms);
  } while (std::chrono::steady_clock::now() < give_up);
  return std::nullopt;
}

std::string v1_cgroup_dir_of(pid_t pid, const std::string& controller) {
  auto membership = read_file("/proc/" + std::to_string(pid) + "/cgroup");
  if (!membership) return {};
  std::istringstream lines(*membership);
  // Lines are "ID:CONTROLLERS:PATH", CONTROLLERS comma-separated.
  for (std::string line; std::getline(lines, line);) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::istringstream controllers(line.substr(first + 1, second - first - 1));
    for (std::string name; std::getline(controllers, name, ',');)
      if (name == controller) return "/sys/fs/cgroup/" + controller + line.substr(second + 1);
  }
  return {};
}

TemporaryDirectory::TemporaryDirectory() {
  char pattern[] = "/tmp/isobench-test-XXXXXX";
  if (mkdtemp(pattern)) path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code error;
  if (!path_.empty()) fs::remove_all(path_, error);
}

std::string copy_image_into(const TemporaryDirectory& dir) {
  if (dir.path().empty()) return {};
  std::string target = dir.path() + "/rootfs";
  std::error_code error;
  fs::copy(image_path(), target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, error);
  return error ? std::string() : target;
}

std::vector<std::string> list_tree(const std::string& root) {
  std::vector<std::string> paths;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(root, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error))
    paths.push_back(fs::relative(it->path(), root, error).string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

void IsobenchTest::SetUp() {
  if (geteuid() != 0) GTEST_SKIP() << "integration tests create namespaces and cgroups: run them as root";
  adopt_orphans();
  before_ = take_host_snapshot(image_path());
  checking_ = true;
}

void IsobenchTest::TearDown() {
  if (!checking_) return;
  Leftovers leftovers = find_leftovers(before_, image_path());
  if (leftovers.empty()) return;
  ADD_FAILURE() << "the test left these behind on the host (now removed):\n" << leftovers.describe();
  for (const std::string& stubborn : remove_leftovers(leftovers))
    ADD_FAILURE() << "could not remove leftover " << stubborn << "; later tests may fail because of it";
}

std::string scratch_of(pid_t bench) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(bench) + "/fd", error)) {
    std::string target = std::filesystem::read_symlink(entry.path(), error).string();
    if (!error && target.rfind("/tmp/isobench-bench-", 0) == 0) return target;
  }
  return {};
}

}  // namespace isobench::integration
