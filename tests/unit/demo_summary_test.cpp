// The demo's closing summary on the small fixed results (tests/fakes/small_results.h): the
// key figures per target, the ratios in words, the narrated price list (with prices, noise
// and errors said as such), the container's startup phases, and honest gaps: a target that
// is not installed, a VM that could not run, a price list that could not be made, probes that
// fell back. Memory is the target's own overhead. English and Korean.
#include <gtest/gtest.h>

#include <algorithm>

#include "reports/demo_summary.h"
#include "reports/report_model.h"
#include "reports/results_codec.h"
#include "tests/fakes/small_results.h"

namespace isobench::reports {
namespace {

using Json = nlohmann::json;

ReportModel model_of(const Json& document) {
  auto loaded = decode_results(document.dump(), "demo.json");
  EXPECT_TRUE(loaded.ok()) << (loaded ? "" : loaded.error().text());
  if (!loaded) return {};
  auto model = build_report_model({*loaded});
  EXPECT_TRUE(model.ok()) << (model ? "" : model.error().text());
  return model ? *model : ReportModel{};
}

Json price_row(const std::string& name, double real_time_us) {
  return {{"name", name + "/real_time"},
          {"run_name", name + "/real_time"},
          {"run_type", "iteration"},
          {"iterations", 10},
          {"real_time", real_time_us},
          {"cpu_time", 1.0},
          {"time_unit", "us"}};
}

Json with_price_list(Json document) {
  Json failed = {{"name", "BM_CgroupV1/tasks_self_join/real_time"}, {"run_type", "iteration"}, {"error_occurred", true},
                 {"error_message", "no memory controller here"},    {"real_time", 0},          {"time_unit", "us"}};
  document["price_list"] = {
      {"context", Json::object()},
      {"benchmarks",
       {price_row("BM_Clone/none", 700), price_row("BM_Clone/pid", 1100), price_row("BM_Clone/net", 2100),
        price_row("BM_Security/baseline_child", 700), price_row("BM_Security/seccomp_install_child", 690), failed}}};
  return document;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(DemoSummary, ShowsEachTargetsKeyFiguresAndTheRatiosInWords) {
  std::string text = render_demo_summary(model_of(testing::small_results_document()), Language::kEnglish);
  EXPECT_TRUE(contains(text, "What isolation cost on this machine")) << text;
  EXPECT_TRUE(contains(text, "vm (TCG emulation)")) << text;
  // isobench noop startup: rounds 4.0 + 0.2 * (0..5), median 4.5 ms.
  EXPECT_TRUE(contains(text, "4.50 ms")) << text;
  EXPECT_TRUE(contains(text, "A container (isobench) started 3.6x as slow as a bare process")) << text;
  EXPECT_TRUE(contains(text, "The VM took 94x")) << text;
  // Overheads (whole minus bare's whole, 2080 KiB): the VM's 202752 KiB, the container's 4096.
  EXPECT_TRUE(contains(text, "Over a bare process of the same workload, the VM added 198.0 MiB and the container 4.0 MiB more, 50x")) << text;
  EXPECT_TRUE(contains(text, "On the CPU-bound cpu workload the container cost")) << text;
  EXPECT_TRUE(contains(text, "Why: a container is an ordinary process")) << text;
  EXPECT_TRUE(contains(text, "Note: the VM here ran under TCG")) << text;
}

/// The line of `text` that starts (after its indent) with `label`.
std::string line_of(const std::string& text, const std::string& label) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.find_first_not_of(' ') != std::string::npos &&
        line.compare(line.find_first_not_of(' '), label.size(), label) == 0)
      return line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

// One definition for every target: the memory column is what the target adds to the
// workload (its whole peak minus bare's), not the whole target, which counts the workload too.
TEST(DemoSummary, TheMemoryColumnIsTheTargetsOverhead) {
  std::string text = render_demo_summary(model_of(testing::small_results_document()), Language::kEnglish);
  EXPECT_TRUE(contains(text, "mem overhead (noop)")) << text;
  // isobench noop: whole 6144 and 6208 KiB (median 6176), bare's 2048 and 2112 (2080): 4096.
  std::string isobench = line_of(text, "isobench");
  EXPECT_TRUE(contains(isobench, " 4.0 MiB")) << isobench;
  EXPECT_FALSE(contains(isobench, "6.0 MiB")) << "the whole target's peak, not its overhead\n" << isobench;
  EXPECT_TRUE(contains(line_of(text, "vm (TCG emulation)"), " 198.0 MiB")) << text;
  EXPECT_TRUE(contains(line_of(text, "bare"), " 0.0 MiB")) << "bare adds nothing to itself\n" << text;
}

TEST(DemoSummary, ATargetThatIsNotInstalledSaysWhyInItsRow) {
  std::string text = render_demo_summary(model_of(testing::small_results_document()), Language::kEnglish);
  std::string crun = line_of(text, "crun");
  EXPECT_TRUE(contains(crun, "not measured: not installed (apt-get install crun)")) << text;
}

TEST(DemoSummary, NarratesThePriceOfEachMechanismOverItsBaseline) {
  std::string text =
      render_demo_summary(model_of(with_price_list(testing::small_results_document())), Language::kEnglish);
  EXPECT_TRUE(contains(text, "a PID namespace (its own process numbers)")) << text;
  EXPECT_TRUE(contains(text, "+400")) << text;   // 1100 - 700
  EXPECT_TRUE(contains(text, "+1400")) << text;  // 2100 - 700
  EXPECT_TRUE(contains(text, "within the noise (-10)")) << text;
  EXPECT_TRUE(contains(text, "not measured: no memory controller here")) << text;
  EXPECT_FALSE(contains(text, "a mount namespace")) << "a mechanism not in the price list is left out\n" << text;
}

TEST(DemoSummary, SaysWhyThePriceListIsMissing) {
  Json document = testing::small_results_document();
  document["price_list_error"] = "mechanism_bench (expected next to the isobench executable): No such file";
  std::string text = render_demo_summary(model_of(document), Language::kEnglish);
  EXPECT_TRUE(contains(text, "not measured: mechanism_bench (expected next to the isobench executable)")) << text;
}

TEST(DemoSummary, ShowsTheContainersStartupPhasesFromTheProbes) {
  std::string text = render_demo_summary(model_of(testing::small_results_document()), Language::kEnglish);
  EXPECT_TRUE(contains(text, "Where the container's startup went")) << text;
  EXPECT_TRUE(contains(text, "namespaces            0.750 ms")) << text;
  EXPECT_TRUE(contains(text, "rootfs                1.250 ms")) << text;
  EXPECT_FALSE(contains(text, "teardown")) << "teardown is not startup\n" << text;
}

TEST(DemoSummary, SaysThePhasesWereNotMeasuredWithoutProbes) {
  Json document = testing::small_results_document();
  for (Json& run : document["runs"]) run.erase("probes");
  std::string text = render_demo_summary(model_of(document), Language::kEnglish);
  EXPECT_TRUE(contains(text, "not measured: the BPF probes were not available")) << text;
}

TEST(DemoSummary, AVmThatCouldNotRunSaysWhyInItsRow) {
  Json document = testing::small_results_document();
  Json runs = Json::array();
  for (const Json& run : document["runs"])
    if (run["target"] != "vm") runs.push_back(run);
  document["runs"] = runs;
  for (Json& target : document["targets"])
    if (target["name"] == "vm") {
      target["available"] = false;
      target.erase("version");
      target["skipped_because"] = "qemu-system-x86_64 not found (install qemu-system-x86)";
    }
  ReportModel model = model_of(document);
  std::string text = render_demo_summary(model, Language::kEnglish);
  EXPECT_TRUE(contains(text, "not measured: qemu-system-x86_64 not found (install qemu-system-x86)")) << text;
  EXPECT_FALSE(contains(text, "vm (TCG emulation)")) << "a VM that did not run is not labelled as emulated\n" << text;
  EXPECT_FALSE(contains(text, "The VM took")) << text;
  // Every report's summary says the same instead of suggesting to add a VM target.
  std::vector<std::string> sentences = summary_sentences(model, Language::kEnglish);
  ASSERT_FALSE(sentences.empty());
  EXPECT_EQ(sentences.front(),
            "The VM column is empty because the VM could not run on this host: qemu-system-x86_64 not found (install "
            "qemu-system-x86)");
}

TEST(DemoSummary, ATargetWhoseEveryRunFailedSaysWhyInsteadOfFigures) {
  Json document = testing::small_results_document();
  for (Json& run : document["runs"])
    if (run["target"] == "vm") {
      run["ok"] = false;
      run["exit_code"] = 125;
      run["error"] = "qemu: starting\nisobench: error: cannot create cache directory /root/.cache/isobench\n";
    }
  ReportModel model = model_of(document);
  std::string text = render_demo_summary(model, Language::kEnglish);
  EXPECT_TRUE(contains(text, "every run failed: isobench: error: cannot create cache directory /root/.cache/isobench"))
      << text;
  EXPECT_FALSE(contains(text, "The VM took")) << text;
  EXPECT_TRUE(model.vm_target.empty()) << "a VM with no successful run is not compared";
}

TEST(DemoSummary, SpeaksKorean) {
  std::string text =
      render_demo_summary(model_of(with_price_list(testing::small_results_document())), Language::kKorean);
  EXPECT_TRUE(contains(text, "이 머신에서 격리의 비용")) << text;
  EXPECT_TRUE(contains(text, "PID 네임스페이스")) << text;
  EXPECT_TRUE(contains(text, "이유:")) << text;
  EXPECT_FALSE(contains(text, "What isolation cost")) << text;
  EXPECT_FALSE(contains(text, "a PID namespace")) << text;
}

TEST(DemoSummary, ExplainsEachKindOfIsolationWithTheFiguresOfItsTargets) {
  const ReportModel model = model_of(testing::small_results_document());
  std::string text = render_demo_summary(model, Language::kEnglish);
  EXPECT_TRUE(contains(text, "What each kind of isolation shares with the host, and what it cost")) << text;
  EXPECT_TRUE(contains(text, "  - A process: the host's kernel and everything else of the host's")) << text;
  EXPECT_TRUE(contains(text, "  - OCI runtimes: the host's kernel; the runtime reads a bundle")) << text;
  EXPECT_TRUE(contains(text, "Here (noop, medians): isobench: startup 4.5 ms")) << text;
  EXPECT_TRUE(contains(text, "  - A virtual machine: a kernel of its own, booted behind a hypervisor")) << text;
  // The order is the axis, from nothing set up to a kernel of its own.
  EXPECT_LT(text.find("A process:"), text.find("OCI runtimes:")) << text;
  EXPECT_LT(text.find("OCI runtimes:"), text.find("A virtual machine:")) << text;
  // Only the kinds that ran: these results have no engine and no gVisor.
  EXPECT_FALSE(contains(text, "Engines:")) << text;
  EXPECT_FALSE(contains(text, "A user-space kernel:")) << text;
  // Every format's summary carries the same sentences.
  const std::vector<std::string> sentences = summary_sentences(model, Language::kEnglish);
  EXPECT_TRUE(std::any_of(sentences.begin(), sentences.end(),
                          [](const std::string& s) { return s.rfind("OCI runtimes: the host's kernel", 0) == 0; }));
  std::string korean = render_demo_summary(model, Language::kKorean);
  EXPECT_TRUE(contains(korean, "격리 종류별로 호스트와 공유하는 것과 그 비용")) << korean;
  EXPECT_TRUE(contains(korean, "  - 가상 머신: 하이퍼바이저")) << korean;
  EXPECT_TRUE(contains(korean, "여기서 (noop, 중앙값): isobench: 시작 4.5 ms")) << korean;
}

}  // namespace
}  // namespace isobench::reports
