// `isobench probe`: the lifecycle probe seen end to end, on a container start and on a bare
// process. Needs root and BPF; the probe mounts tracefs itself when it is missing.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class ProbeTest : public IsobenchTest {
 protected:
  /// `isobench probe --json FILE -- COMMAND...`, the document it wrote.
  Json probe(const std::vector<std::string>& command, ProcessResult& result) {
    std::string path = dir_.path() + "/probe.json";
    std::vector<std::string> args = {"probe", "--json", path, "--"};
    args.insert(args.end(), command.begin(), command.end());
    result = run_isobench(args);
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    return parse_json(text);
  }
  TemporaryDirectory dir_;
};

int count_if(const Json& events, const std::function<bool(const Json&)>& match) {
  int count = 0;
  for (const Json& event : events) count += match(event) ? 1 : 0;
  return count;
}

}  // namespace

TEST_F(ProbeTest, AContainerStartShowsNamespacesPivotRootAndTheWorkloadsExecInOrder) {
  ProcessResult result;
  Json doc = probe({ISOBENCH_EXE, "run", "--", "/bin/noop"}, result);
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_TRUE(doc.is_object()) << result;
  EXPECT_EQ(doc["schema"], "isobench-probe/1");
  const Json& events = doc["events"];
  // clone3 with new pid and mount namespaces (CLONE_NEWPID 0x20000000, CLONE_NEWNS 0x20000).
  EXPECT_GE(count_if(events,
                     [](const Json& e) {
                       return e.value("syscall", "") == "clone3" &&
                              (e["arg0"].get<uint64_t>() & 0x20020000) == 0x20020000;
                     }),
            1);
  EXPECT_GE(count_if(events, [](const Json& e) { return e.value("syscall", "") == "pivot_root"; }), 1);
  EXPECT_EQ(count_if(events, [](const Json& e) { return e["kind"] == "exec" && e["comm"] == "noop"; }), 1);
  EXPECT_GE(count_if(events, [](const Json& e) { return e["kind"] == "exit"; }), 2);
  int64_t previous = -1;
  for (const Json& event : events) {
    EXPECT_GE(event["offset_ns"].get<int64_t>(), previous) << event;  // monotonic
    previous = event["offset_ns"].get<int64_t>();
  }
  const Json& phases = doc["phases_ms"];
  EXPECT_GT(phases["namespaces"].get<double>(), 0);
  EXPECT_GT(phases["rootfs"].get<double>(), 0);
  double sum = 0;
  for (const char* phase : {"runtime_start", "namespaces", "rootfs", "other_setup", "exec", "workload", "teardown"})
    sum += phases[phase].get<double>();
  // Phases cover the run: launch to exit, within a small tolerance for what lies between them.
  EXPECT_NEAR(sum, phases["total"].get<double>(), 0.25 * phases["total"].get<double>());
}

TEST_F(ProbeTest, ABareProcessHasNoNamespacePhase) {
  ProcessResult result;
  Json doc = probe({image_path() + "/bin/noop"}, result);
  ASSERT_EQ(result.exit_code, 0) << result;
  ASSERT_TRUE(doc.is_object()) << result;
  EXPECT_EQ(doc["namespace_syscalls"], 0);
  EXPECT_EQ(doc["phases_ms"]["namespaces"].get<double>(), 0);
  EXPECT_EQ(count_if(doc["events"], [](const Json& e) { return e["kind"] == "exec"; }), 1);
}

TEST_F(ProbeTest, TheCommandsExitCodeIsTheProbesAndAMissingCommandIs127) {
  ProcessResult seven;
  probe({ISOBENCH_EXE, "run", "--", "/bin/inspect", "exit", "7"}, seven);
  EXPECT_EQ(seven.exit_code, 7) << seven;
  ProcessResult missing;
  probe({"/nonexistent/command"}, missing);
  EXPECT_EQ(missing.exit_code, 127) << missing;
}

}  // namespace isobench::integration
