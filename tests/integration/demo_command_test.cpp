// `isobench demo`: the classroom demo end to end (--quick: the cheap targets, bare, bwrap,
// isobench, runc and crun, 5 runs, the VM 2 boots per workload under whatever accelerator the
// host has), then the same demo on a host without QEMU and without BPF, which must still
// finish and say what it could not measure, and bad input refused before anything runs.
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

namespace fs = std::filesystem;

/// A quick demo takes about 45 s here (TCG boots of ~4 s each); room for a loaded machine.
constexpr std::chrono::milliseconds kDemoDeadline = 240s;

class DemoCommand : public IsobenchTest {
 protected:
  ProcessResult demo(const std::vector<std::string>& options, const std::vector<std::string>& environment = {}) {
    std::vector<std::string> argv = {"/usr/bin/env", "-u", "CI"};
    argv.insert(argv.end(), environment.begin(), environment.end());
    argv.insert(argv.end(), {ISOBENCH_EXE, "demo", "--quick", "--output-dir", dir_.path()});
    argv.insert(argv.end(), options.begin(), options.end());
    return run_process(argv, kDemoDeadline);
  }
  Json results() {
    std::ifstream in(dir_.path() + "/demo-results.json");
    return parse_json(std::string((std::istreambuf_iterator<char>(in)), {}));
  }
  std::string report() {
    std::ifstream in(dir_.path() + "/report.html");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  TemporaryDirectory dir_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const Json* target_named(const Json& results, const std::string& name) {
  if (!results.contains("targets") || !results.at("targets").is_array()) return nullptr;
  for (const Json& target : results.at("targets"))  // by reference: the pointer must outlive the loop
    if (target.value("name", "") == name) return &target;
  return nullptr;
}

int successful_runs(const Json& results, const std::string& target) {
  int count = 0;
  for (const Json& run : results.value("runs", Json::array()))
    if (run.value("target", "") == target && run.value("ok", false) && !run.value("memory_round", false)) ++count;
  return count;
}

TEST_F(DemoCommand, RunsBareContainerAndVmThenWritesTheReportAndNarratesTheCosts) {
  ProcessResult result = demo({});
  ASSERT_EQ(result.exit_code, 0) << result;
  for (const char* step :
       {"[1/3]", "[2/3]", "[3/3]", "What isolation cost on this machine", "A container (isobench) started",
        "The VM took", "What each isolation step costs", "a network namespace (its own interfaces)",
        "Where the container's startup went", "Why: a container is an ordinary process",
        "What each kind of isolation shares with the host", "Namespaces only: the host's kernel",
        "OCI runtimes: the host's kernel", "A virtual machine: a kernel of its own"})
    EXPECT_TRUE(contains(result.out, step)) << step << "\n" << result;
  EXPECT_TRUE(contains(result.out, "Report: " + dir_.path() + "/report.html")) << result;

  Json doc = results();
  ASSERT_TRUE(doc.is_object()) << "demo-results.json is not JSON";
  // 3 workloads: 5 runs each for the cheap targets, 2 boots each for the VM; --quick leaves
  // the costly ones (Docker, podman, gVisor, LXC, nspawn) out.
  for (const char* target : {"bare", "bwrap", "isobench", "runc", "crun"})
    EXPECT_EQ(successful_runs(doc, target), 15) << target;
  EXPECT_EQ(target_named(doc, "docker"), nullptr) << "--quick runs no daemon";
  EXPECT_EQ(successful_runs(doc, "vm"), 6);
  ASSERT_NE(target_named(doc, "vm"), nullptr);
  if (contains(target_named(doc, "vm")->value("version", ""), "TCG"))
    EXPECT_TRUE(contains(result.out, "vm (TCG emulation)")) << "TCG figures must be labelled\n" << result;
  ASSERT_TRUE(doc.contains("price_list")) << doc.value("price_list_error", "no price_list_error either");
  EXPECT_GT(doc["price_list"]["benchmarks"].size(), 10u);

  std::string html = report();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* section : {"id=\"summary\"", "id=\"startup\"", "id=\"phases\"", "id=\"price-list\""})
    EXPECT_TRUE(contains(html, section)) << section;
  EXPECT_TRUE(contains(html, "BM_Clone/net")) << "the price list is charted";
  // The results are a normal results file: report reads it back.
  ProcessResult markdown = run_isobench({"report", dir_.path() + "/demo-results.json"});
  EXPECT_EQ(markdown.exit_code, 0) << markdown;
}

TEST_F(DemoCommand, WithoutQemuOrBpfItStillFinishesAndSaysWhatItCouldNotMeasure) {
  // Both switches at once keep this to one short run: no VM boots at all.
  ProcessResult result =
      demo({"--lang", "ko"}, {"ISOBENCH_QEMU=/nonexistent/qemu-system-x86_64", "ISOBENCH_DISABLE_BPF_FEATURES=bpf"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_TRUE(contains(result.out, "vm: 사용할 수 없음: ISOBENCH_QEMU=/nonexistent/qemu-system-x86_64")) << result;
  EXPECT_TRUE(contains(result.out, "측정하지 못함: ISOBENCH_QEMU=/nonexistent")) << "the VM row says why\n" << result;
  EXPECT_TRUE(contains(result.out, "측정하지 못함: BPF 프로브를 쓸 수 없었습니다")) << "no phases without BPF\n"
                                                                                    << result;
  EXPECT_FALSE(contains(result.out, "VM은 컨테이너보다 시작에")) << "no VM ratio without a VM\n" << result;
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(successful_runs(doc, "vm"), 0);
  EXPECT_EQ(successful_runs(doc, "isobench"), 15);
  ASSERT_NE(target_named(doc, "vm"), nullptr);
  EXPECT_FALSE(target_named(doc, "vm")->value("available", true));
  // The probes fell back to rusage and said so in the results.
  int probed = 0;
  for (const Json& run : doc["runs"])
    if (run.value("target", "") == "isobench" && run.contains("probes")) {
      ++probed;
      EXPECT_EQ(run["probes"]["cpu"].value("source", "").rfind("rusage", 0), 0u) << run["probes"].dump();
    }
  EXPECT_EQ(probed, 15) << "every measured run carries its (fallback) probe report";
  std::string html = report();
  EXPECT_TRUE(contains(html, "lang=\"ko\""));
}

TEST_F(DemoCommand, AsAnUnprivilegedUserItRunsWhatItCanAndSaysWhatNeedsRoot) {
  // nobody writes its report and its VM cache (XDG, under HOME) into the test's directory.
  fs::permissions(dir_.path(), fs::perms::all);
  ProcessResult result =
      run_process({"/usr/sbin/runuser", "-u", "nobody", "--", "/usr/bin/env", "-u", "CI", "HOME=" + dir_.path(),
                   ISOBENCH_EXE, "demo", "--quick", "--output-dir", dir_.path()},
                  kDemoDeadline);
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_TRUE(contains(result.out,
                       "Not root: the isobench container, the eBPF probes and most of the price list need "
                       "root"))
      << result;
  EXPECT_TRUE(contains(result.out, "lifecycle probe off: loading BPF programs needs root")) << result;
  EXPECT_TRUE(contains(result.out, "not measured: pid namespace: clone3: Operation not permitted (run as root)"))
      << result;
  Json doc = results();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(successful_runs(doc, "bare"), 15);
  EXPECT_EQ(successful_runs(doc, "bwrap"), 15) << "bubblewrap needs no privilege: it makes a user namespace";
  // The VM needs no privilege: its runs find the cache the user's probe filled.
  EXPECT_EQ(successful_runs(doc, "vm"), 6) << result;
  ASSERT_NE(target_named(doc, "isobench"), nullptr);
  EXPECT_FALSE(target_named(doc, "isobench")->value("available", true))
      << "isobench's default profile needs cgroups, so root";
}

TEST_F(DemoCommand, BadInputIsRefusedBeforeAnythingRuns) {
  ProcessResult missing = run_isobench({"demo", "--output-dir", dir_.path() + "/no/such/dir"});
  EXPECT_NE(missing.exit_code, 0) << missing;
  EXPECT_TRUE(contains(missing.err, "--output-dir " + dir_.path() + "/no/such/dir: not a directory")) << missing;
  EXPECT_FALSE(contains(missing.out, "[1/3]")) << "nothing ran\n" << missing;

  ProcessResult language = run_isobench({"demo", "--lang", "fr", "--output-dir", dir_.path()});
  EXPECT_NE(language.exit_code, 0) << language;
  EXPECT_TRUE(contains(language.err, "--lang")) << language;
  EXPECT_TRUE(fs::is_empty(dir_.path())) << "nothing written for bad input";
}

}  // namespace
}  // namespace isobench::integration
