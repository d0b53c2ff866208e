// The fixture every integration test uses, and the vocabulary the tests are written in:
// run isobench, run a command in a container, ask `inspect status` what it sees.
//
// The fixture needs root (tests skip without it) and checks after every test, failed or
// not, that the test left nothing behind on the host; what it finds it removes.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/child_process.h"
#include "tests/integration/host_leftovers.h"

namespace isobench::integration {

using namespace std::chrono_literals;
using Json = nlohmann::json;

/// The built-in image's rootfs directory on the host.
const std::string& image_path();

/// Long enough for any healthy run on a loaded two-core machine; a hang fails the test.
constexpr std::chrono::milliseconds kRunDeadline = 30s;

/// `isobench ARGS...`.
ProcessResult run_isobench(const std::vector<std::string>& args, std::chrono::milliseconds deadline = kRunDeadline);

/// The argument vector of `isobench run OPTIONS... -- COMMAND...`.
std::vector<std::string> run_arguments(const std::vector<std::string>& options, const std::vector<std::string>& command);

/// `/bin/sh -c SCRIPT` on the host, where $ISOBENCH is the isobench executable: the way to
/// hand a container extra descriptors (3</) or an environment.
ProcessResult isobench_shell(const std::string& script);

/// One live (not zombie) process of the host, from /proc/PID/stat.
struct ProcessEntry {
  pid_t pid;
  pid_t parent;
  std::string name;  ///< the command name (comm)
};
std::vector<ProcessEntry> process_table();

/// The scratch directory (/tmp/isobench-bench-XXXXXX) the bench `bench` holds locked: one of
/// its descriptors; "" when it holds none.
std::string scratch_of(pid_t bench);

/// `isobench run OPTIONS... -- COMMAND...`.
ProcessResult run_in_container(const std::vector<std::string>& options, const std::vector<std::string>& command,
                               std::chrono::milliseconds deadline = kRunDeadline);

/// Starts `isobench run OPTIONS... -- COMMAND...` without waiting for it.
Result<ChildProcess> start_container(const std::vector<std::string>& options, const std::vector<std::string>& command);

/// What `inspect status` reports inside a container started with OPTIONS. On any failure
/// the test gets a non-fatal failure explaining it and the result is null.
Json container_status(const std::vector<std::string>& options = {});

/// Parses one JSON document; null if the text is not one.
Json parse_json(const std::string& text);

/// The "NAME:[inode]" entry for namespace NAME in a status's "namespaces" list, or "".
std::string namespace_in(const Json& status, const std::string& name);

/// The test process's own namespace NAME, as "NAME:[inode]".
std::string host_namespace(const std::string& name);

/// Names of the network interfaces in /proc/net/dev, as the test process sees them.
std::vector<std::string> host_interfaces();

/// The container's first process once it has exec'd `program`: a child of the isobench
/// process `runner` whose command name is `program`. Polls until `deadline`.
std::optional<pid_t> wait_for_workload(pid_t runner, const std::string& program, std::chrono::milliseconds deadline);

/// The host directory of `pid`'s cgroup in the v1 hierarchy of `controller`, or "".
std::string v1_cgroup_dir_of(pid_t pid, const std::string& controller);

/// A fresh directory under /tmp, removed with everything in it on destruction.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Copies the built-in image to DIR/rootfs and returns that path ("" on failure).
std::string copy_image_into(const TemporaryDirectory& dir);

/// Every file and directory below `root`, relative to it, sorted.
std::vector<std::string> list_tree(const std::string& root);

class IsobenchTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

 private:
  bool checking_ = false;
  HostSnapshot before_;
};

}  // namespace isobench::integration
