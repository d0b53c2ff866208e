// `isobench bench --image NAME`: every container target runs the same image from the store,
// pulled from a real registry: isobench stacks its layers itself (`run IMAGE`), runc, crun
// and bwrap get one read-only merged view of them (bare is chrooted into it), mounted for the benchmark's length. The
// results name the image, and the view is gone afterwards however the bench ends: finished,
// refused after the view was mounted, or SIGKILLed (the workspace's guard unmounts it).
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <thread>

#include "common/file_io.h"
#include "common/system.h"
#include "common/text.h"
#include "tests/integration/image_store_fixture.h"

namespace isobench::integration {
namespace {

constexpr const char* kRepoTag = "isobench/bench:v1";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Mount points in this mount namespace that are a bench's merged image view.
std::vector<std::string> image_views_mounted() {
  std::vector<std::string> views;
  auto mountinfo = read_file("/proc/self/mountinfo");
  if (!mountinfo) return views;
  for (const std::string& line : split_list(*mountinfo, '\n')) {
    std::istringstream fields(line);
    std::string id, parent, device, root, point;
    fields >> id >> parent >> device >> root >> point;
    if (contains(point, "/isobench-bench-") && contains(point, "/image-view-")) views.push_back(point);
  }
  return views;
}

class BenchImageTest : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (geteuid() != 0) GTEST_SKIP() << "the merged view is an overlay mount: needs root";
    registry_ = start_registry();
    ASSERT_TRUE(registry_);
    push_layered(*registry_, kRepoTag);
    ASSERT_FALSE(HasFatalFailure());
    name_ = name_in(*registry_, kRepoTag);
    ProcessResult pulled = isobench({"pull", "-q", name_});
    ASSERT_EQ(pulled.exit_code, 0) << pulled;
    targets_.push_back("bare");  // chrooted into the view: the stacked files below are only there
    for (const char* target : {"isobench", "bwrap", "runc", "crun", "runsc"})
      if (std::string(target) == "isobench" || !find_program(target).empty()) targets_.push_back(target);
  }

  void TearDown() override {
    registry_.reset();  // before the base class looks for processes left behind
    ImageStoreTest::TearDown();
  }

  /// `bench --image NAME --targets ... --runs 2 -o FILE` with `command` after --.
  ProcessResult bench(const std::vector<std::string>& command) {
    std::vector<std::string> args = {"bench",  "--image", name_,      "--targets", join(targets_, ","),
                                     "--runs", "2",       "--warmup", "0",         "--memory-runs",
                                     "0",      "-q",      "-o",       results_,    "--"};
    args.insert(args.end(), command.begin(), command.end());
    return isobench(args);
  }

  Json results() const {
    auto text = read_file(results_);
    return text ? parse_json(*text) : Json();
  }

  /// Every target listed as available with `runs` successful runs.
  void expect_every_target_measured(const Json& doc, int runs) {
    for (const std::string& target : targets_) {
      SCOPED_TRACE(target);
      bool listed = false;
      for (const Json& info : doc["targets"])
        if (info.value("name", "") == target) listed = info.value("available", false);
      EXPECT_TRUE(listed) << doc["targets"];
      int ok = 0;
      for (const Json& run : doc["runs"]) ok += run.value("target", "") == target && run.value("ok", false) ? 1 : 0;
      EXPECT_EQ(ok, runs) << doc["runs"];
    }
  }

  std::unique_ptr<LocalRegistry> registry_;
  std::string name_;
  std::vector<std::string> targets_;
  TemporaryDirectory output_;
  const std::string results_ = output_.path() + "/results.json";
};

TEST_F(BenchImageTest, EveryContainerTargetRunsTheImageAndTheResultsNameIt) {
  ProcessResult ran = bench({"/bin/true"});
  ASSERT_EQ(ran.exit_code, 0) << ran;
  Json doc = results();
  expect_every_target_measured(doc, 2);
  // /bin/true writes no handshake: the start stamper below the image's layers does.
  for (const Json& run : doc["runs"])
    EXPECT_TRUE(run.contains("startup_ms") && run["startup_ms"].is_number() && run["startup_ms"].get<double>() > 0)
        << run.dump();
  EXPECT_EQ(doc["settings"]["image"]["name"], name_) << doc["settings"];
  EXPECT_EQ(doc["settings"]["image"]["id"].get<std::string>().rfind("sha256:", 0), 0u) << doc["settings"];
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{});
  // No target wrote into the store's layers: runsc makes a missing bind mount point in its
  // root's tree, and the start FIFO's is in the layer the view adds.
  std::vector<std::string> written;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(store() + "/layers"))
    if (entry.path().filename() == "isobench-start") written.push_back(entry.path().string());
  EXPECT_EQ(written, std::vector<std::string>{});
}

TEST_F(BenchImageTest, EveryTargetSeesTheStackedLayersAndTheImagesEnv) {
  // The top layer's whiteout hides /opt/doomed.txt and its opaque directory /data's old
  // files; FOO=bar is the image's Env. Only the image, stacked, passes.
  ProcessResult ran = bench({"/bin/sh", "-c",
                             "test -e /etc/motd && test -e /opt/hello.txt && ! test -e /opt/doomed.txt && "
                             "test \"$(ls /data)\" = new && test \"$FOO\" = bar"});
  ASSERT_EQ(ran.exit_code, 0) << ran;
  expect_every_target_measured(results(), 2);
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{});
}

TEST_F(BenchImageTest, TheVmBootsTheMergedView) {
  if (find_program("qemu-system-x86_64").empty()) GTEST_SKIP() << "QEMU is not installed";
  targets_ = {"vm"};
  // The kernel command line takes no spaces: files of a lower and of the top layer.
  ProcessResult ran = bench({"/bin/cat", "/etc/motd", "/opt/hello.txt"});
  Json doc = results();
  for (const Json& target : doc["targets"])
    if (!target.value("available", false)) GTEST_SKIP() << "the vm cannot run here: " << target.dump();
  ASSERT_EQ(ran.exit_code, 0) << ran;
  expect_every_target_measured(doc, 2);
  EXPECT_TRUE(contains(doc["targets"][0].dump(), "not the image's Env")) << doc["targets"];
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{});
}

TEST_F(BenchImageTest, ACommandTheImageLacksIsRefusedNamingTheImageAndLeavesNothingMounted) {
  ProcessResult ran = bench({"/usr/bin/python3", "-c", "pass"});
  EXPECT_NE(ran.exit_code, 0) << ran;
  EXPECT_TRUE(contains(ran.err, "image " + name_)) << ran;
  EXPECT_TRUE(contains(ran.err, "/usr/bin/python3 is not in the image")) << ran;
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{});
}

TEST_F(BenchImageTest, AnImageWithTheStampersDirectoryIsRefusedAndLeavesNothingBehind) {
  // Its own /.isobench/start would hide the stamper's copy and stamp the start itself.
  const std::string root = output_.path() + "/root";
  std::filesystem::create_directories(root + "/.isobench");
  std::filesystem::create_directories(root + "/bin");
  ASSERT_TRUE(write_regular_file(root + "/.isobench/start", "#!/bin/true\n"));
  std::filesystem::copy_file("/bin/true", root + "/bin/true");
  const std::string tar = output_.path() + "/root.tar";
  ProcessResult packed = run_process({"/bin/tar", "-C", root, "-cf", tar, "."}, kRunDeadline);
  ASSERT_EQ(packed.exit_code, 0) << packed;
  ProcessResult imported = isobench({"import", tar, "stamper-clash"});
  ASSERT_EQ(imported.exit_code, 0) << imported;
  ProcessResult ran = isobench({"bench", "--image", "stamper-clash", "--targets", "bare", "--cmd", "/bin/true", "-q"});
  EXPECT_NE(ran.exit_code, 0) << ran;
  EXPECT_TRUE(contains(ran.err, "--image stamper-clash: it has /.isobench, where bench puts its start stamper")) << ran;
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{});
  EXPECT_EQ(isobench({"rmi", "stamper-clash"}).exit_code, 0);
}

TEST_F(BenchImageTest, AContainerCannotRewriteTheStampersCopyOrItsSource) {
  // A hostile command overwrites what the harness put in its view. bare is left out: it is
  // root on the host with no isolation at all.
  targets_.erase(std::remove(targets_.begin(), targets_.end(), "bare"), targets_.end());
  const std::string source = image_path() + "/.isobench/start";
  auto before = read_file(source);
  ASSERT_TRUE(before) << before.error().text();
  ProcessResult ran = bench({"/bin/sh", "-c", "echo pwned > /.isobench/start; echo pwned > /run/isobench-start; true"});
  ASSERT_EQ(ran.exit_code, 0) << ran;
  auto after = read_file(source);
  ASSERT_TRUE(after) << after.error().text();
  EXPECT_TRUE(*after == *before) << "the built-in image's stamper was rewritten from a container";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(store() + "/layers"))
    if (entry.is_regular_file()) {
      auto text = read_file(entry.path().string());
      EXPECT_FALSE(text && text->find("pwned") != std::string::npos) << entry.path();
    }
}

TEST_F(BenchImageTest, ABuiltInWorkloadTheImageLacksIsRefusedNamingBoth) {
  ProcessResult ran = isobench({"bench", "--image", name_, "--targets", "isobench", "--workloads", "noop", "-q"});
  EXPECT_NE(ran.exit_code, 0) << ran;
  EXPECT_TRUE(contains(ran.err, "workload 'noop' runs /bin/noop, which image " + name_ + " lacks")) << ran;
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{});
}

TEST_F(BenchImageTest, AnUnknownImageIsRefusedBeforeAnythingRuns) {
  ProcessResult ran = isobench({"bench", "--image", "no-such-image:1", "--cmd", "/bin/true", "-q"});
  EXPECT_NE(ran.exit_code, 0) << ran;
  EXPECT_TRUE(contains(ran.err, "--image no-such-image:1")) << ran;
}

TEST_F(BenchImageTest, ASigkilledBenchsGuardUnmountsTheView) {
  std::vector<std::string> args = {
      "bench",  "--image", name_,      "--targets", "isobench",      "--cmd", "/bin/busybox sleep 30",
      "--runs", "1",       "--warmup", "0",         "--memory-runs", "0",     "-q"};
  auto started = start_isobench(args);
  ASSERT_TRUE(started) << started.error().text();
  ChildProcess bench = std::move(*started);
  for (int attempt = 0; attempt < 1000 && image_views_mounted().empty(); ++attempt) std::this_thread::sleep_for(10ms);
  ASSERT_FALSE(image_views_mounted().empty()) << "the bench never mounted its view: " << bench.wait(10s);
  std::this_thread::sleep_for(200ms);  // into the run
  bench.send_signal(SIGKILL);
  (void)bench.wait(10s);
  for (int attempt = 0; attempt < 500 && !image_views_mounted().empty(); ++attempt) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(image_views_mounted(), std::vector<std::string>{}) << "the guard left the view mounted";
  // rmi is refused while an image is in use: the killed bench holds it no longer.
  ProcessResult removed = isobench({"rmi", name_});
  EXPECT_EQ(removed.exit_code, 0) << removed;
}

}  // namespace
}  // namespace isobench::integration
