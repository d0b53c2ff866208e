// `cmake --install` puts isobench, its helpers, its image, the man page and the bash completion
// under a prefix, and they work from there: no part is looked up in the build tree.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

#ifndef ISOBENCH_BUILD_DIR
#error "ISOBENCH_BUILD_DIR (the build tree to install) must be defined by the build"
#endif

constexpr std::chrono::milliseconds kInstallDeadline = 120s;

class Install : public IsobenchTest {
 protected:
  /// One installation for the suite, into a prefix that is removed afterwards, pass or fail.
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    prefix_ = std::make_unique<TemporaryDirectory>();
    installed_ =
        run_process({ISOBENCH_CMAKE, "--install", ISOBENCH_BUILD_DIR, "--prefix", prefix_->path()}, kInstallDeadline);
  }
  static void TearDownTestSuite() { prefix_.reset(); }

  void SetUp() override {
    IsobenchTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_FALSE(prefix_->path().empty()) << "mkdtemp failed";
    ASSERT_EQ(installed_.exit_code, 0) << installed_;
  }

  static std::string installed(const std::string& relative) { return prefix_->path() + "/" + relative; }

  /// An installed program run from / (not from the build tree), with a deadline.
  static ProcessResult run_installed(const std::vector<std::string>& argv) {
    std::string script = "cd / && exec";
    for (const std::string& word : argv) script += " '" + word + "'";
    return run_process({"/bin/sh", "-c", script}, kRunDeadline);
  }

  /// What the generated completion offers for the words typed so far (the last one being
  /// completed), as bash itself would ask it.
  static ProcessResult complete(const std::string& typed) {
    std::string script = "source '" + installed("share/bash-completion/completions/isobench") + "' && COMP_WORDS=(" +
                         typed + ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && " +
                         "_isobench && echo \"${COMPREPLY[*]}\"";
    return run_process({"/bin/bash", "-c", script}, kRunDeadline);
  }

  static std::unique_ptr<TemporaryDirectory> prefix_;
  static ProcessResult installed_;
};

std::unique_ptr<TemporaryDirectory> Install::prefix_;
ProcessResult Install::installed_;

TEST_F(Install, PutsEveryPartInItsPlaceUnderThePrefix) {
  for (const char* program : {"bin/isobench", "bin/startup_compare", "bin/probe_overhead",
                              "libexec/isobench/isobench-guest-init", "libexec/isobench/initramfs_builder",
                              "libexec/isobench/mechanism_bench", "libexec/isobench/isobench-image",
                              "share/isobench/image/rootfs/bin/noop"})
    EXPECT_EQ(access(installed(program).c_str(), X_OK), 0) << program;
  for (const char* file : {"share/man/man1/isobench.1", "share/bash-completion/completions/isobench"})
    EXPECT_EQ(access(installed(file).c_str(), R_OK), 0) << file;
  struct stat tmp;
  ASSERT_EQ(stat(installed("share/isobench/image/rootfs/tmp").c_str(), &tmp), 0);
  EXPECT_EQ(tmp.st_mode & 07777, 01777u) << "the image's /tmp is sticky and world-writable";
}

TEST_F(Install, InstalledIsobenchRunsTheInstalledImage) {
  // A file only the installed image has: the run cannot have used the build tree's.
  std::ofstream(installed("share/isobench/image/rootfs/etc/installed")) << "yes\n";
  ProcessResult hello = run_installed({installed("bin/isobench"), "run", "--", "/bin/hello"});
  EXPECT_EQ(hello.exit_code, 0) << hello;
  EXPECT_NE(hello.out.find("Hello from isobench"), std::string::npos) << hello;
  ProcessResult marker =
      run_installed({installed("bin/isobench"), "run", "--", "/bin/inspect", "exists", "/etc/installed"});
  EXPECT_EQ(marker.exit_code, 0) << marker;
}

TEST_F(Install, InstalledIsobenchFindsItsHelpers) {
  ProcessResult doctor = run_installed({installed("bin/isobench"), "doctor", "--json"});
  ASSERT_EQ(doctor.exit_code, 0) << doctor;
  EXPECT_EQ(doctor.out.find("guest init"), std::string::npos) << "the guest init was not found\n" << doctor;
}

TEST_F(Install, InstalledIsobenchHandsTheImageVerbsToItsInstalledCompanion) {
  TemporaryDirectory store;
  ProcessResult listed = run_installed({"/usr/bin/env", "ISOBENCH_STORE=" + store.path(), installed("bin/isobench"), "images"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_TRUE(listed.out.starts_with("REPOSITORY")) << listed;
  // isobench-image, run from libexec/isobench, finds the built-in image under share/ too.
  EXPECT_NE(listed.out.find("isobench/builtin"), std::string::npos) << listed;
  ProcessResult help = run_installed({installed("bin/isobench"), "pull", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_NE(help.out.find("Usage: isobench pull"), std::string::npos) << help;
}

TEST_F(Install, InstalledBenchmarksFindIsobenchFromAnyDirectory) {
  ProcessResult help = run_installed({installed("bin/probe_overhead"), "--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_NE(help.out.find("usage: probe_overhead"), std::string::npos) << help;
  ProcessResult startup = run_installed({installed("bin/startup_compare"), "--runs", "1", "--warmup", "0"});
  EXPECT_EQ(startup.exit_code, 0) << startup;
  EXPECT_NE(startup.out.find("isobench run"), std::string::npos) << startup;
}

TEST_F(Install, InstalledMechanismBenchRunsTheInstalledImage) {
  // One short iteration of the container benchmark, as `isobench bench --price-list` runs it.
  const std::vector<std::string> container_bench = {installed("libexec/isobench/mechanism_bench"),
                                                    "--benchmark_filter=^BM_Container/noop_no_cgroup",
                                                    "--benchmark_min_time=0.01", "--benchmark_format=json"};
  ProcessResult ran = run_installed(container_bench);
  ASSERT_EQ(ran.exit_code, 0) << ran;
  EXPECT_NE(ran.out.find("BM_Container/noop_no_cgroup"), std::string::npos) << ran;
  EXPECT_EQ(ran.out.find("error_occurred"), std::string::npos) << ran;

  // Which image it ran: with the installed /bin/noop not executable, the benchmark is
  // skipped with an error naming the image it looked in.
  const std::string noop = installed("share/isobench/image/rootfs/bin/noop");
  struct stat before;
  ASSERT_EQ(stat(noop.c_str(), &before), 0);
  ASSERT_EQ(chmod(noop.c_str(), 0644), 0);
  ProcessResult refused = run_installed(container_bench);
  EXPECT_EQ(chmod(noop.c_str(), before.st_mode & 07777), 0);
  EXPECT_NE(refused.out.find("/bin/noop in " + installed("share/isobench/image/rootfs")), std::string::npos)
      << refused;
}

TEST_F(Install, ManPageDescribesEverySubcommand) {
  ProcessResult man =
      run_process({"/usr/bin/man", "-P", "cat", "-l", installed("share/man/man1/isobench.1")}, kRunDeadline);
  ASSERT_EQ(man.exit_code, 0) << man;
  for (const char* text : {"ISOBENCH(1)", "isobench run", "isobench bench", "isobench compare", "--rootfs"})
    EXPECT_NE(man.out.find(text), std::string::npos) << text << "\n" << man;
}

TEST_F(Install, BashCompletionCompletesSubcommandsOptionsAndChoices) {
  std::string script =
      "source '" + installed("share/bash-completion/completions/isobench") + "' && complete -p isobench";
  ProcessResult registered = run_process({"/bin/bash", "-c", script}, kRunDeadline);
  ASSERT_EQ(registered.exit_code, 0) << registered;
  EXPECT_NE(registered.out.find("-F _isobench isobench"), std::string::npos) << registered;
  EXPECT_EQ(complete("isobench do").out, "doctor\n");
  EXPECT_EQ(complete("isobench run --secu").out, "--security\n");
  EXPECT_EQ(complete("isobench run --security ''").out, "default none\n");
}

}  // namespace
}  // namespace isobench::integration
