// Comparison targets say what to run, and nothing more: each one's invocation of a workload,
// the isobench profiles, and the OCI bundles runc and crun share.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/targets/isobench_target.h"
#include "bench/targets/oci_bundle.h"
#include "bench/targets/target.h"
#include "bench/workload_catalog.h"
#include "common/file_io.h"

namespace isobench::bench {
namespace {

using Json = nlohmann::json;
using Strings = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool has(const Strings& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

/// The value after `option` in `argv`, or "" when the option is absent or last.
std::string after(const Strings& argv, const std::string& option) {
  auto found = std::find(argv.begin(), argv.end(), option);
  if (found == argv.end() || found + 1 == argv.end()) return "";
  return *(found + 1);
}

WorkloadCommand builtin(const std::string& name, const std::map<std::string, std::string>& params = {}) {
  auto command = workload_command(name, params);
  EXPECT_TRUE(command) << command.error().text();
  return command ? *command : WorkloadCommand{};
}

class Targets : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-targets-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    scratch_ = scratch;
    context_ = {"/opt/isobench/bin/isobench", "/opt/isobench/image/rootfs", scratch_ + "/a"};
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_, ignored);
  }

  std::unique_ptr<Target> target(const std::string& name, const TargetContext& context) {
    auto made = make_target(name, context);
    EXPECT_TRUE(made) << name << ": " << made.error().text();
    return made ? std::move(*made) : nullptr;
  }
  std::unique_ptr<Target> target(const std::string& name) { return target(name, context_); }

  /// A target that has been probed (and must run here), or null after a failure.
  std::unique_ptr<Target> probed_target(const std::string& name, const TargetContext& context) {
    auto runtime = target(name, context);
    if (!runtime) return nullptr;
    auto version = runtime->probe();
    EXPECT_TRUE(version) << name << ": " << version.error().text();
    return version ? std::move(runtime) : nullptr;
  }

  /// The parsed config.json of the bundle an OCI invocation names.
  Json bundle_config(const Invocation& invocation) {
    std::string bundle = after(invocation.argv, "--bundle");
    EXPECT_FALSE(bundle.empty()) << "no --bundle in the invocation";
    auto text = read_file(bundle + "/config.json");
    if (!text) {
      ADD_FAILURE() << text.error().text();
      return Json();
    }
    return Json::parse(*text, nullptr, false);
  }

  std::string scratch_;
  TargetContext context_;
};

#define SKIP_UNLESS_INSTALLED_AND_ROOT(name)                                    \
  do {                                                                           \
    if (find_program(name).empty()) GTEST_SKIP() << name << " is not installed"; \
    if (geteuid() != 0) GTEST_SKIP() << name << " needs root";                   \
  } while (0)

TEST(IsobenchProfiles, DefaultAddsNoOptions) {
  auto options = isobench_profile_options("default");
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_TRUE(options->empty());
}

TEST(IsobenchProfiles, NsKeepsOnlyTheNamespaces) {
  auto options = isobench_profile_options("ns");
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(*options, (Strings{"--no-cgroup", "--security", "none", "--read-only"}));
}

TEST(IsobenchProfiles, FullAddsAUserNamespace) {
  auto options = isobench_profile_options("full");
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(*options, (Strings{"--userns"}));
}

TEST(IsobenchProfiles, EachToggleSwitchesOffOneMechanism) {
  const std::map<std::string, Strings> expected = {{"no-net", {"--share", "net"}},
                                                   {"no-ipc", {"--share", "ipc"}},
                                                   {"no-uts", {"--share", "uts"}},
                                                   {"no-pid", {"--share", "pid"}},
                                                   {"no-cgroupns", {"--share", "cgroup"}},
                                                   {"no-cgroup", {"--no-cgroup"}},
                                                   {"no-seccomp", {"--security", "none"}},
                                                   {"no-overlay", {"--read-only"}},
                                                   {"userns", {"--userns"}},
                                                   {"timens", {"--timens"}}};
  for (const auto& [toggle, options] : expected) {
    auto got = isobench_profile_options(toggle);
    ASSERT_TRUE(got) << toggle << ": " << got.error().text();
    EXPECT_EQ(*got, options) << toggle;
  }
}

TEST(IsobenchProfiles, TogglesCombineInTheOrderGiven) {
  auto options = isobench_profile_options("no-net,no-seccomp,timens");
  ASSERT_TRUE(options) << options.error().text();
  EXPECT_EQ(*options, (Strings{"--share", "net", "--security", "none", "--timens"}));
}

TEST(IsobenchProfiles, UnknownToggleIsAnErrorNamingItAndTheKnownOnes) {
  auto options = isobench_profile_options("no-net,no-bogus");
  ASSERT_FALSE(options);
  const std::string error = options.error().text();
  EXPECT_TRUE(contains(error, "'no-bogus'")) << error;
  for (const char* known : {"default", "ns", "full", "no-net", "no-cgroup", "timens"})
    EXPECT_TRUE(contains(error, known)) << error;
}

TEST(IsobenchProfiles, EmptyToggleIsAnError) {
  EXPECT_FALSE(isobench_profile_options(""));
  EXPECT_FALSE(isobench_profile_options("no-net,"));
}

TEST_F(Targets, FactoryNamesAndKindsEveryKnownTarget) {
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"bare", {"bare", "process"}},
      {"isobench", {"isobench", "container"}},
      {"isobench:default", {"isobench", "container"}},
      {"isobench:ns", {"isobench:ns", "container"}},
      {"isobench:no-net,userns", {"isobench:no-net,userns", "container"}},
      {"runc", {"runc", "container"}},
      {"crun", {"crun", "container"}},
      {"runsc", {"runsc", "container"}},
      {"bwrap", {"bwrap", "container"}},
      {"nspawn", {"nspawn", "container"}},
      {"lxc", {"lxc", "container"}},
      {"docker", {"docker", "container"}},
      {"podman", {"podman", "container"}}};
  for (const auto& [requested, name_and_kind] : expected) {
    auto made = target(requested);
    ASSERT_NE(made, nullptr) << requested;
    EXPECT_EQ(made->name(), name_and_kind.first) << requested;
    EXPECT_EQ(made->kind(), name_and_kind.second) << requested;
  }
}

TEST_F(Targets, UnknownTargetIsAnErrorNamingItAndTheKnownOnes) {
  auto made = make_target("nope", context_);
  ASSERT_FALSE(made);
  const std::string error = made.error().text();
  EXPECT_TRUE(contains(error, "'nope'")) << error;
  EXPECT_TRUE(contains(error, known_targets())) << error;
  for (const char* known : {"bare", "isobench", "runc", "crun", "bwrap"}) EXPECT_TRUE(contains(error, known)) << error;
}

TEST_F(Targets, VmRunsTheWorkloadThroughIsobenchRunVm) {
  auto made = make_target("vm", context_);
  ASSERT_TRUE(made) << made.error().text();
  EXPECT_EQ((*made)->kind(), "vm");
  auto noop = workload_command("noop", {});
  ASSERT_TRUE(noop);
  auto invocation = (*made)->invocation(*noop, "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  // A vm target that cannot run here (no image at this path) stays on TCG: never KVM unless a boot proved it works.
  EXPECT_EQ(invocation->argv, (Strings{context_.isobench, "run", "--vm", "--accel", "tcg", "--", "/bin/noop"}));
}

TEST_F(Targets, IsobenchWithAnUnknownToggleIsAnErrorNamingTheToggle) {
  auto made = make_target("isobench:no-bogus", context_);
  ASSERT_FALSE(made);
  EXPECT_TRUE(contains(made.error().text(), "'no-bogus'")) << made.error().text();
}

TEST(WorkloadEnvironment, HasAPathAndTheStartDescriptor) {
  Strings environment = workload_environment();
  EXPECT_TRUE(has(environment, "ISOBENCH_START_FD=3"));
  EXPECT_TRUE(std::any_of(environment.begin(), environment.end(),
                          [](const std::string& entry) { return entry.rfind("PATH=/", 0) == 0; }));
}

/// A bare target on a fake image (SCRATCH/image) with /bin/noop, /bin/mem and /bin/true, an
/// applet link to /bin/true, and /bin/python3, an absolute link to the host's program.
class BareTarget : public Targets {
 protected:
  void SetUp() override {
    Targets::SetUp();
    image_ = scratch_ + "/image";
    std::filesystem::create_directories(image_ + "/bin");
    for (const char* program : {"/bin/noop", "/bin/mem", "/bin/true"}) {
      ASSERT_TRUE(write_regular_file(image_ + program, "#!/bin/true\n"));
      std::filesystem::permissions(image_ + program, std::filesystem::perms::owner_all);
    }
    std::filesystem::create_symlink("true", image_ + "/bin/applet");
    std::filesystem::create_symlink("/usr/bin/python3", image_ + "/bin/python3");
    context_.rootfs = image_;
  }
  std::string image_;
};

TEST_F(BareTarget, RunsTheWorkloadFromTheImageOnTheHost) {
  auto bare = target("bare");
  ASSERT_NE(bare, nullptr);
  ASSERT_TRUE(bare->probe());
  auto invocation = bare->invocation(builtin("noop"), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{image_ + "/bin/noop"}));
  EXPECT_TRUE(has(invocation->env, "ISOBENCH_START_FD=3"));
  EXPECT_EQ(invocation->mount_namespace_fd, -1);
}

TEST_F(BareTarget, KeepsTheWorkloadArguments) {
  auto bare = target("bare");
  ASSERT_NE(bare, nullptr);
  auto invocation = bare->invocation(builtin("mem", {{"size", "16m"}}), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{image_ + "/bin/mem", "--size", "16m"}));
}

TEST_F(BareTarget, RunsACustomCommandsProgramFromTheImageNotTheHost) {
  auto bare = target("bare");
  ASSERT_NE(bare, nullptr);
  auto invocation = bare->invocation(custom_command({"/bin/true", "x"}), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{image_ + "/bin/true", "x"}));
  auto searched = bare->invocation(custom_command({"applet", "y"}), "run-2");
  ASSERT_TRUE(searched) << searched.error().text();
  EXPECT_EQ(searched->argv, (Strings{image_ + "/bin/applet", "y"}));  // along PATH, the link's name kept
}

TEST_F(BareTarget, RunsACommandUnderTheStartStamperBothFromTheImage) {
  // The stamper execs the command as it is given: a path in the image would be the host's
  // file (the host has its own /bin/true), so both are given by their host paths.
  std::filesystem::create_directories(image_ + "/.isobench");
  ASSERT_TRUE(write_regular_file(image_ + kStartStamper, "#!/bin/true\n"));
  std::filesystem::permissions(image_ + kStartStamper, std::filesystem::perms::owner_all);
  auto bare = target("bare");
  ASSERT_NE(bare, nullptr);
  auto invocation = bare->invocation(custom_command({kStartStamper, "/bin/true", "x"}), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{image_ + kStartStamper, image_ + "/bin/true", "x"}));
  EXPECT_TRUE(invocation->root_directory.empty()) << "no chroot: the built-in image's programs are static";
  // A command the image lacks is refused, whatever the host has.
  EXPECT_FALSE(bare->invocation(custom_command({kStartStamper, "/bin/sh"}), "run-2"));
}

TEST_F(BareTarget, RefusesAProgramTheImageLacksEvenWhenTheHostHasIt) {
  auto bare = target("bare");
  ASSERT_NE(bare, nullptr);
  for (const char* program : {"/bin/sh", "/bin/python3"}) {
    auto invocation = bare->invocation(custom_command({program}), "run-1");
    ASSERT_FALSE(invocation) << program << " ran as " << invocation->argv[0];
    EXPECT_TRUE(contains(invocation.error().message, "is not in the image (" + image_ + ")"))
        << invocation.error().message;
  }
}

TEST_F(Targets, IsobenchRunsTheWorkloadWithTheStartDescriptorPassedIn) {
  auto isobench = target("isobench");
  ASSERT_NE(isobench, nullptr);
  auto invocation = isobench->invocation(builtin("noop"), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{context_.isobench, "run", "--preserve-fds", "1", "-e", "ISOBENCH_START_FD=3", "--", "/bin/noop"}));
  EXPECT_TRUE(has(invocation->env, "ISOBENCH_START_FD=3"));
}

TEST_F(Targets, IsobenchPutsProfileOptionsBeforeTheWorkload) {
  auto isobench = target("isobench:ns");
  ASSERT_NE(isobench, nullptr);
  auto invocation = isobench->invocation(builtin("mem", {{"size", "1m"}}), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{context_.isobench, "run", "--preserve-fds", "1", "-e", "ISOBENCH_START_FD=3", "--no-cgroup",
                                       "--security", "none", "--read-only", "--", "/bin/mem", "--size", "1m"}));
}

TEST_F(Targets, IsobenchProbeFailsWhenTheExecutableIsMissing) {
  auto isobench = target("isobench");
  ASSERT_NE(isobench, nullptr);
  auto version = isobench->probe();
  ASSERT_FALSE(version);
  EXPECT_TRUE(contains(version.error().text(), context_.isobench)) << version.error().text();
}

TEST_F(Targets, BwrapUnsharesEverythingOnTheReadOnlyImage) {
  if (find_program("bwrap").empty()) GTEST_SKIP() << "bwrap is not installed";
  auto bwrap = target("bwrap");
  ASSERT_NE(bwrap, nullptr);
  auto version = bwrap->probe();
  ASSERT_TRUE(version) << version.error().text();
  WorkloadCommand workload = builtin("mem", {{"size", "1m"}});
  auto invocation = bwrap->invocation(workload, "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  const Strings& argv = invocation->argv;
  ASSERT_GE(argv.size(), workload.argv.size() + 1);
  EXPECT_EQ(argv[0], find_program("bwrap"));
  EXPECT_TRUE(has(argv, "--unshare-all"));
  auto ro_bind = std::find(argv.begin(), argv.end(), "--ro-bind");
  ASSERT_LE(ro_bind + 2, argv.end() - 1) << "--ro-bind needs two arguments";
  EXPECT_EQ(*(ro_bind + 1), context_.rootfs);
  EXPECT_EQ(*(ro_bind + 2), "/");
  EXPECT_EQ(Strings(argv.end() - static_cast<long>(workload.argv.size()), argv.end()), workload.argv);
  EXPECT_EQ(*(argv.end() - static_cast<long>(workload.argv.size()) - 1), "--");
  EXPECT_TRUE(has(invocation->env, "ISOBENCH_START_FD=3"));
}

TEST(OciConfig, RunsTheWorkloadOnTheReadOnlyImageInEveryNamespaceButUser) {
  Json config = oci_config("/images/rootfs", {"/bin/mem", "--size", "1m"}, workload_environment());
  EXPECT_EQ(config["process"]["args"], Json({"/bin/mem", "--size", "1m"}));
  EXPECT_EQ(config["process"]["env"], Json(workload_environment()));
  EXPECT_EQ(config["root"]["path"], "/images/rootfs");
  EXPECT_EQ(config["root"]["readonly"], true);
  std::set<std::string> types;
  for (const Json& ns : config["linux"]["namespaces"]) types.insert(ns["type"].get<std::string>());
  EXPECT_EQ(types, (std::set<std::string>{"pid", "network", "ipc", "uts", "mount", "cgroup"}));
  EXPECT_EQ(config["process"]["noNewPrivileges"], true);
}

TEST(OciConfig, IsTheSameForTheSameInputs) {
  EXPECT_EQ(oci_config("/r", {"/bin/noop"}, {"A=1"}).dump(), oci_config("/r", {"/bin/noop"}, {"A=1"}).dump());
}

TEST_F(Targets, RuncWritesABundleRunningTheWorkloadAndPassesTheStartDescriptor) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("runc");
  auto runc = probed_target("runc", context_);
  ASSERT_NE(runc, nullptr);
  WorkloadCommand workload = builtin("noop");
  auto invocation = runc->invocation(workload, "isobench-test-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  const Strings& argv = invocation->argv;
  EXPECT_EQ(argv[0], find_program("runc"));
  EXPECT_EQ(after(argv, "--preserve-fds"), "1");
  EXPECT_EQ(argv.back(), "isobench-test-1");
  EXPECT_EQ(after(argv, "--bundle").rfind(context_.scratch + "/", 0), 0u) << "bundle outside the scratch directory";
  EXPECT_TRUE(has(invocation->env, "ISOBENCH_START_FD=3"));

  Json config = bundle_config(*invocation);
  ASSERT_TRUE(config.is_object());
  EXPECT_EQ(config["process"]["args"], Json(workload.argv));
  EXPECT_EQ(config["root"]["path"], context_.rootfs);
  std::set<std::string> types;
  for (const Json& ns : config["linux"]["namespaces"]) types.insert(ns["type"].get<std::string>());
  EXPECT_EQ(types, (std::set<std::string>{"pid", "network", "ipc", "uts", "mount", "cgroup"}));
}

TEST_F(Targets, RunscRunsTheSameBundleOnPtraceWithoutNetworkWithTheStartFifoBoundIn) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("runsc");
  auto runsc = probed_target("runsc", context_);
  ASSERT_NE(runsc, nullptr);
  auto invocation = runsc->invocation(builtin("noop"), "isobench-test-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  const Strings& argv = invocation->argv;
  EXPECT_EQ(argv[0], find_program("runsc"));
  for (const char* flag : {"--platform=ptrace", "--network=none", "--ignore-cgroups", "--host-fifo=open"})
    EXPECT_TRUE(has(argv, flag)) << flag;
  EXPECT_FALSE(has(argv, "--preserve-fds")) << "runsc has no such flag";
  EXPECT_EQ(argv.back(), "isobench-test-1");
  EXPECT_TRUE(invocation->start_stamp_realtime) << "the sentry's CLOCK_MONOTONIC is not the host's";
  ASSERT_FALSE(invocation->start_fifo.empty());
  struct stat fifo {};
  ASSERT_EQ(lstat(invocation->start_fifo.c_str(), &fifo), 0) << invocation->start_fifo;
  EXPECT_TRUE(S_ISFIFO(fifo.st_mode));
  Json config = bundle_config(*invocation);
  ASSERT_TRUE(config.is_object());
  EXPECT_EQ(config["root"]["path"], context_.rootfs);
  bool bound = false;
  for (const Json& mount : config["mounts"])
    bound = bound || (mount["destination"] == kStartFifoInside && mount["source"] == invocation->start_fifo);
  EXPECT_TRUE(bound) << config["mounts"].dump();
  const Strings env = config["process"]["env"].get<Strings>();
  EXPECT_TRUE(has(env, std::string("ISOBENCH_START_PATH=") + kStartFifoInside));
  EXPECT_TRUE(has(env, "ISOBENCH_START_CLOCK=realtime"));
  const std::vector<std::string> notes = runsc->notes();
  ASSERT_EQ(notes.size(), 4u);
  EXPECT_NE(notes[1].find("CLOCK_REALTIME"), std::string::npos) << notes[1];
  EXPECT_NE(notes[2].find("never the workload's own exec"), std::string::npos) << notes[2];
}

/// An image root with what systemd-nspawn looks for (/usr), in the scratch directory.
std::string os_tree(const std::string& scratch) {
  const std::string root = scratch + "/os-tree";
  std::filesystem::create_directories(root + "/usr");
  return root;
}

TEST_F(Targets, AFifoTargetsWorkloadFindsThePathAndNoDescriptor) {
  const Strings env = fifo_workload_environment(context_, "/run/isobench-start");
  EXPECT_TRUE(has(env, "ISOBENCH_START_PATH=/run/isobench-start"));
  for (const std::string& variable : env) EXPECT_NE(variable.rfind("ISOBENCH_START_FD=", 0), 0u) << variable;
  EXPECT_TRUE(has(env, "HOME=/root"));
}

TEST_F(Targets, NspawnPassesTheHandshakeBySocketActivationAndTheEnvironmentExplicitly) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("systemd-nspawn");
  context_.rootfs = os_tree(scratch_);
  auto nspawn = probed_target("nspawn", context_);
  ASSERT_NE(nspawn, nullptr);
  auto invocation = nspawn->invocation(builtin("noop"), "isobench-test-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  const Strings& argv = invocation->argv;
  EXPECT_EQ(argv[0], find_program("systemd-nspawn"));
  for (const char* flag : {"--register=no", "--keep-unit", "--console=pipe", "--private-network", "--read-only",
                           "--machine=isobench-test-1"})
    EXPECT_TRUE(has(argv, flag)) << flag;
  EXPECT_TRUE(has(argv, "--directory=" + context_.rootfs));
  for (const std::string& variable : workload_environment(context_)) EXPECT_TRUE(has(argv, "--setenv=" + variable)) << variable;
  EXPECT_EQ(after(argv, "--"), "/bin/noop");
  EXPECT_TRUE(invocation->socket_activation);
  EXPECT_GE(invocation->mount_namespace_fd, 0) << "its locks go to a private /run";
}

TEST_F(Targets, NspawnCannotRunATreeWithoutUsrAndSaysSo) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("systemd-nspawn");
  std::filesystem::create_directories(scratch_ + "/bare-tree/bin");
  context_.rootfs = scratch_ + "/bare-tree";
  auto nspawn = target("nspawn");
  ASSERT_NE(nspawn, nullptr);
  auto probed = nspawn->probe();
  ASSERT_FALSE(probed);
  EXPECT_TRUE(contains(probed.error().text(), "/usr")) << probed.error().text();
}

TEST_F(Targets, LxcKeepsItsCgroupsBelowTheMeasuringOneAndGivesTheEnvironmentInItsConfig) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("lxc-execute");
  std::filesystem::create_directories(context_.scratch);
  auto lxc = probed_target("lxc", context_);
  ASSERT_NE(lxc, nullptr);
  auto invocation = lxc->measured_invocation(builtin("noop"), "isobench-test-1", "bench-m");
  ASSERT_TRUE(invocation) << invocation.error().text();
  const Strings& argv = invocation->argv;
  EXPECT_EQ(argv[0], find_program("lxc-execute"));
  EXPECT_EQ(after(argv, "--name"), "isobench-test-1");
  EXPECT_TRUE(has(argv, "lxc.cgroup.dir.container=isobench/bench-m/isobench-test-1"));
  EXPECT_TRUE(has(argv, "lxc.cgroup.dir.monitor=isobench/bench-m/isobench-test-1.monitor"));
  EXPECT_TRUE(has(argv, "lxc.cgroup.dir.monitor.pivot=isobench/bench-m/pivot"));
  EXPECT_EQ(after(argv, "--"), "/bin/noop");
  EXPECT_GE(invocation->mount_namespace_fd, 0) << "its locks go to a private /run";
  auto config = read_file(after(argv, "--rcfile"));
  ASSERT_TRUE(config) << config.error().text();
  EXPECT_TRUE(contains(*config, "lxc.rootfs.path = dir:" + context_.rootfs + "\n"));
  EXPECT_TRUE(contains(*config, "lxc.rootfs.options = ro\n"));
  EXPECT_TRUE(contains(*config, "lxc.net.0.type = empty\n"));
  for (const std::string& variable : workload_environment(context_))
    EXPECT_TRUE(contains(*config, "lxc.environment = " + variable + "\n")) << variable;
}

TEST_F(Targets, CrunWritesABundleRunningTheWorkloadAndPassesTheStartDescriptor) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("crun");
  auto crun = probed_target("crun", context_);
  ASSERT_NE(crun, nullptr);
  WorkloadCommand workload = builtin("mem", {{"size", "1m"}});
  auto invocation = crun->invocation(workload, "isobench-test-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv[0], find_program("crun"));
  EXPECT_EQ(after(invocation->argv, "--preserve-fds"), "1");
  Json config = bundle_config(*invocation);
  ASSERT_TRUE(config.is_object());
  EXPECT_EQ(config["process"]["args"], Json(workload.argv));
  EXPECT_EQ(config["root"]["path"], context_.rootfs);
}

TEST_F(Targets, OciRuntimeWritesOneBundlePerWorkload) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("runc");
  auto runc = probed_target("runc", context_);
  ASSERT_NE(runc, nullptr);
  auto first = runc->invocation(builtin("noop"), "isobench-test-1");
  auto again = runc->invocation(builtin("noop"), "isobench-test-2");
  auto other = runc->invocation(builtin("hello"), "isobench-test-3");
  ASSERT_TRUE(first && again && other);
  EXPECT_EQ(after(first->argv, "--bundle"), after(again->argv, "--bundle"));
  EXPECT_NE(after(first->argv, "--bundle"), after(other->argv, "--bundle"));
  EXPECT_EQ(bundle_config(*first)["process"]["args"], Json({"/bin/noop"}));
  EXPECT_EQ(bundle_config(*other)["process"]["args"], Json({"/bin/hello"}));
}

TEST_F(Targets, RuncAndCrunRunByteIdenticalBundles) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("runc");
  SKIP_UNLESS_INSTALLED_AND_ROOT("crun");
  TargetContext runc_context = context_, crun_context = context_;
  runc_context.scratch = scratch_ + "/runc";
  crun_context.scratch = scratch_ + "/crun";
  auto runc = probed_target("runc", runc_context);
  auto crun = probed_target("crun", crun_context);
  ASSERT_NE(runc, nullptr);
  ASSERT_NE(crun, nullptr);
  WorkloadCommand workload = builtin("mem", {{"size", "1m"}});
  auto runc_run = runc->invocation(workload, "isobench-test-1");
  auto crun_run = crun->invocation(workload, "isobench-test-2");
  ASSERT_TRUE(runc_run && crun_run);
  std::string runc_bundle = after(runc_run->argv, "--bundle"), crun_bundle = after(crun_run->argv, "--bundle");
  ASSERT_NE(runc_bundle, crun_bundle);
  auto runc_config = read_file(runc_bundle + "/config.json");
  auto crun_config = read_file(crun_bundle + "/config.json");
  ASSERT_TRUE(runc_config && crun_config);
  EXPECT_FALSE(runc_config->empty());
  EXPECT_EQ(*runc_config, *crun_config);
}

// The harness gives every target the same context. Whatever order the (shuffled) rounds
// first reach the workloads in, each runtime must keep running the workload it was asked for.
TEST_F(Targets, RuncAndCrunSharingAScratchDirectoryKeepTheirOwnBundles) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("runc");
  SKIP_UNLESS_INSTALLED_AND_ROOT("crun");
  auto runc = probed_target("runc", context_);
  auto crun = probed_target("crun", context_);
  ASSERT_NE(runc, nullptr);
  ASSERT_NE(crun, nullptr);
  auto runc_noop = runc->invocation(builtin("noop"), "isobench-test-1");
  auto crun_hello = crun->invocation(builtin("hello"), "isobench-test-2");
  ASSERT_TRUE(runc_noop && crun_hello);
  EXPECT_EQ(bundle_config(*runc_noop)["process"]["args"], Json({"/bin/noop"}))
      << "runc's bundle " << after(runc_noop->argv, "--bundle") << " was overwritten by crun's";
  EXPECT_EQ(bundle_config(*crun_hello)["process"]["args"], Json({"/bin/hello"}));
}

TEST(KnownTargets, TheReadmeNamesTheSameTargetsAndWorkloadsAsHelpAndErrors) {
  // --help and the error messages take the lists from known_targets() and builtin_workloads();
  // the README's bench section must not fall behind them.
  auto readme = read_file((std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "README.md").string());
  ASSERT_TRUE(readme.ok()) << readme.error().text();
  const std::string section = readme->substr(readme->find("## `isobench bench`"));
  EXPECT_NE(section.find(known_targets()), std::string::npos)
      << "the README's bench section should list: " << known_targets();
  std::string workloads;
  for (const std::string& name : builtin_workloads()) workloads += (workloads.empty() ? "`" : ", `") + name + "`";
  EXPECT_NE(section.find(workloads), std::string::npos) << "the README's bench section should list: " << workloads;
}

/// A benchmark of an image from the store: the targets get its merged view as the rootfs
/// and its id and Env.
class ImageTargets : public Targets {
 protected:
  void SetUp() override {
    Targets::SetUp();
    context_.rootfs = scratch_ + "/image-view-abcdef";
    context_.image = TargetImage{"127.0.0.1:5000/py:3", "sha256:" + std::string(64, 'c'),
                                 {"PATH=/opt/py/bin:/usr/bin:/bin", "LANG=C.UTF-8", "ISOBENCH_START_FD=9"},
                                 "/srv/isobench-store"};
  }
};

TEST_F(ImageTargets, EveryTargetGetsTheImagesEnvOverTheDefaultsButNotOverTheHandshake) {
  const Strings env = workload_environment(context_);
  EXPECT_EQ(env, (Strings{"HOME=/root", "PATH=/opt/py/bin:/usr/bin:/bin", "LANG=C.UTF-8", "ISOBENCH_START_FD=3"}));
  EXPECT_EQ(workload_environment(TargetContext{}), workload_environment()) << "the built-in image: as before";
}

TEST_F(ImageTargets, IsobenchRunsTheImageByIdWithTheSameCommandAsEveryTarget) {
  auto isobench = target("isobench:ns");
  ASSERT_NE(isobench, nullptr);
  auto invocation = isobench->invocation(custom_command({"/opt/py/bin/python3", "-c", "pass"}), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv,
            (Strings{context_.isobench, "run", "--preserve-fds", "1", "-e", "ISOBENCH_START_FD=3", "--no-cgroup",
                     "--security", "none", "--read-only", "--entrypoint", "", "-w", "/", "-u", "0:0",
                     context_.image->id, "--", "/opt/py/bin/python3", "-c", "pass"}));
  Strings env = workload_environment(context_);
  env.push_back("ISOBENCH_STORE=/srv/isobench-store");  // isobench's own: the container's is the image's
  EXPECT_EQ(invocation->env, env);
}

TEST_F(ImageTargets, IsobenchRunsACommandUnderTheStamperFromTheMergedViewWithTheSameEnvironment) {
  auto isobench = target("isobench");
  ASSERT_NE(isobench, nullptr);
  auto invocation =
      isobench->invocation(custom_command({kStartStamper, "/opt/py/bin/python3", "-c", "pass"}), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  // The image's ISOBENCH_START_FD=9 must not reach the container over the handshake's.
  EXPECT_EQ(invocation->argv,
            (Strings{context_.isobench, "run", "--preserve-fds", "1", "-e", "ISOBENCH_START_FD=3", "--rootfs",
                     context_.rootfs, "-w", "/", "-u", "0:0", "-e", "HOME=/root", "-e",
                     "PATH=/opt/py/bin:/usr/bin:/bin", "-e", "LANG=C.UTF-8", "--", kStartStamper, "/opt/py/bin/python3",
                     "-c", "pass"}));
}

TEST_F(ImageTargets, IsobenchMeasuredRunsKeepTheImageAfterTheCgroupParent) {
  auto isobench = target("isobench");
  ASSERT_NE(isobench, nullptr);
  auto invocation = isobench->measured_invocation(builtin("noop"), "run-1", "measure-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(after(invocation->argv, "--cgroup-parent"), "measure-1");
  EXPECT_EQ(after(invocation->argv, "0:0"), context_.image->id);
  EXPECT_EQ(Strings(invocation->argv.end() - 2, invocation->argv.end()), (Strings{"--", "/bin/noop"}));
}

TEST_F(ImageTargets, BwrapBindsTheMergedViewAndPassesTheImagesEnv) {
  if (find_program("bwrap").empty()) GTEST_SKIP() << "bwrap is not installed";
  auto bwrap = target("bwrap");
  ASSERT_NE(bwrap, nullptr);
  auto invocation = bwrap->invocation(builtin("noop"), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(after(invocation->argv, "--ro-bind"), context_.rootfs);
  EXPECT_EQ(invocation->env, workload_environment(context_));
}

TEST_F(ImageTargets, OciBundlesAreRootedInTheMergedViewWithTheImagesEnv) {
  SKIP_UNLESS_INSTALLED_AND_ROOT("runc");
  auto runc = probed_target("runc", context_);
  ASSERT_NE(runc, nullptr);
  auto invocation = runc->invocation(builtin("noop"), "isobench-test-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  Json config = bundle_config(*invocation);
  EXPECT_EQ(config["root"]["path"], context_.rootfs);
  EXPECT_EQ(config["root"]["readonly"], true);
  EXPECT_EQ(config["process"]["env"], Json(workload_environment(context_)));
}

TEST_F(ImageTargets, TheVmBootsTheMergedView) {
  auto vm = target("vm");
  ASSERT_NE(vm, nullptr);
  auto invocation = vm->invocation(builtin("noop"), "run-1");
  ASSERT_TRUE(invocation) << invocation.error().text();
  EXPECT_EQ(invocation->argv, (Strings{context_.isobench, "run", "--vm", "--accel", "tcg", "--rootfs", context_.rootfs,
                                       "--", "/bin/noop"}));
}

}  // namespace
}  // namespace isobench::bench
