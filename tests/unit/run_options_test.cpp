// `isobench run` options: parsing, the container command split, and validation into a
// ContainerSpec, all without root and without creating anything.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "cli/command_line.h"
#include "cli/run_options.h"

using namespace isobench;
using namespace isobench::cli;
using namespace isobench::runner;
namespace fs = std::filesystem;

namespace {

class RunOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = fs::temp_directory_path() / ("isobench-options-test-" + std::to_string(getpid()));
    for (const char* dir : {"bin", "proc", "sys", "dev"}) fs::create_directories(image_ / dir);
    fs::copy_file("/bin/true", image_ / "bin/hello");
    bare_ = image_.string() + "-bare";
    fs::create_directories(fs::path(bare_) / "bin");
  }
  void TearDown() override {
    fs::remove_all(image_);
    fs::remove_all(bare_);
  }

  /// Parses `words` (after "isobench") the way main does.
  RunOptions parse(std::vector<std::string> words) {
    CLI::App app;
    app.add_option("--log-level", log_level_);
    RunOptions options;
    CLI::App* run = app.add_subcommand("run");
    add_run_options(*run, options);
    options.command = split_container_command(app, words);
    std::reverse(words.begin(), words.end());
    app.parse(words);
    return options;
  }

  Result<runner::ContainerSpec> spec(std::vector<std::string> words, Invoker invoker = {0, 0}) {
    RunOptions options = parse(std::move(words));
    return build_spec(options, invoker, image_.string());
  }

  fs::path image_;
  std::string bare_;
  std::string log_level_;
};

std::string message(const Result<runner::ContainerSpec>& result) {
  return result ? "" : result.error().text();
}

}  // namespace

TEST_F(RunOptionsTest, EverythingAfterTheCommandBelongsToTheCommand) {
  RunOptions options = parse({"run", "--stats", "-m", "32m", "hello", "--stats", "-x"});
  EXPECT_TRUE(options.stats);
  EXPECT_EQ(options.memory, "32m");
  EXPECT_EQ(options.command, (std::vector<std::string>{"hello", "--stats", "-x"}));
}

TEST_F(RunOptionsTest, DoubleDashEndsIsobenchOptions) {
  RunOptions options = parse({"--log-level", "debug", "run", "--memory=16m", "--", "hello", "--", "a"});
  EXPECT_EQ(options.memory, "16m");
  EXPECT_EQ(options.command, (std::vector<std::string>{"hello", "--", "a"}));
}

TEST_F(RunOptionsTest, DefaultsAreDockerLike) {
  auto built = spec({"run", "hello"});
  ASSERT_TRUE(built) << message(built);
  EXPECT_EQ(built->namespaces.to_string(), "pid,mnt,uts,ipc,net,cgroup");
  EXPECT_EQ(built->rootfs_mode, runner::RootfsMode::kOverlay);
  EXPECT_EQ(built->security, runner::SecurityMode::kDefault);
  EXPECT_EQ(built->hostname, "isobench");
  EXPECT_EQ(built->cwd, "/");
  EXPECT_TRUE(built->use_cgroup);
  EXPECT_FALSE(built->limits.any());
  EXPECT_EQ(built->rootfs, fs::canonical(image_).string());
  ASSERT_TRUE(resolve_executable(*built));
  EXPECT_EQ(built->executable, "/bin/hello");
}

TEST_F(RunOptionsTest, LimitsAndIdsAreParsed) {
  auto built = spec({"run", "--memory", "32m", "--cpus", "0.5", "--pids-limit", "10", "--cpuset-cpus", "0", "-u",
                     "1000:100", "-w", "/tmp", "-e", "A=1", "--hostname", "box", "hello"});
  ASSERT_TRUE(built) << message(built);
  EXPECT_EQ(built->limits.memory_bytes, 32u << 20);
  EXPECT_EQ(built->limits.cpus, 0.5);
  EXPECT_EQ(built->limits.pids, 10u);
  EXPECT_EQ(built->limits.cpuset_cpus, "0");
  EXPECT_EQ(built->uid, 1000u);
  EXPECT_EQ(built->gid, 100u);
  EXPECT_EQ(built->cwd, "/tmp");
  EXPECT_NE(std::find(built->env.begin(), built->env.end(), "A=1"), built->env.end());
  EXPECT_NE(std::find(built->env.begin(), built->env.end(), "HOSTNAME=box"), built->env.end());
}

TEST_F(RunOptionsTest, ShareRemovesNamespacesOneByOne) {
  auto built = spec({"run", "--share", "net,ipc", "hello"});
  ASSERT_TRUE(built) << message(built);
  EXPECT_EQ(built->namespaces.to_string(), "pid,mnt,uts,cgroup");
}

TEST_F(RunOptionsTest, UserAndTimeNamespacesAreOptIn) {
  auto built = spec({"run", "--userns", "--timens", "hello"});
  ASSERT_TRUE(built) << message(built);
  EXPECT_TRUE(built->namespaces.has(runner::Namespace::kUser));
  EXPECT_TRUE(built->namespaces.has(runner::Namespace::kTime));
  ASSERT_TRUE(built->uid_mapping);
  EXPECT_EQ(built->uid_mapping->outside, 100000u);
  EXPECT_EQ(built->uid_mapping->count, 65536u);
  EXPECT_FALSE(built->deny_setgroups);
}

TEST_F(RunOptionsTest, NonRootGetsARootlessUserNamespaceWithoutCgroups) {
  auto built = spec({"run", "hello"}, {1000, 1000});
  ASSERT_TRUE(built) << message(built);
  EXPECT_TRUE(built->namespaces.has(runner::Namespace::kUser));
  EXPECT_EQ(built->uid_mapping->outside, 1000u);
  EXPECT_EQ(built->uid_mapping->count, 1u);
  EXPECT_TRUE(built->deny_setgroups);
  EXPECT_FALSE(built->use_cgroup);
  auto limited = spec({"run", "--memory", "32m", "hello"}, {1000, 1000});
  ASSERT_FALSE(limited);
  EXPECT_NE(message(limited).find("rootless"), std::string::npos);
}

TEST_F(RunOptionsTest, BadValuesAreErrorsNamingTheOptionAndValue) {
  struct Case {
    std::vector<std::string> words;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{{{"run", "--memory", "12XB", "hello"}, "--memory: invalid size '12XB'"},
                                         {{"run", "--cpus=-1", "hello"}, "--cpus"},
                                         {{"run", "--share", "bogus", "hello"}, "unknown namespace 'bogus'"},
                                         {{"run", "--share", "user", "hello"}, "nothing to share"},
                                         {{"run", "--pids-limit", "0", "hello"}, "--pids-limit"},
                                         {{"run", "-u", "abc", "hello"}, "--user 'abc'"},
                                         {{"run", "-w", "tmp", "hello"}, "--workdir"},
                                         {{"run", "--memory", "512k", "hello"}, "1 MiB minimum"},
                                         {{"run", "--rootfs", "/nonexistent/rootfs", "hello"}, "/nonexistent/rootfs"},
                                         {{"run", "--no-cgroup", "--pids-limit", "5", "hello"}, "--no-cgroup"},
                                         {{"run", "--share", "mnt", "--read-only", "hello"}, "mount namespace"},
                                         {{"run"}, "no command"}}) {
    auto built = spec(c.words);
    ASSERT_FALSE(built) << c.words[1];
    EXPECT_NE(message(built).find(c.expected), std::string::npos) << message(built);
  }
}

TEST_F(RunOptionsTest, ReadOnlyNeedsMountPointsInTheRootfs) {
  auto built = spec({"run", "--read-only", "--rootfs", bare_, "hello"});
  ASSERT_FALSE(built);
  EXPECT_NE(message(built).find("/proc"), std::string::npos);
}

TEST_F(RunOptionsTest, ACommandMissingFromTheImageIsEnoent) {
  auto built = spec({"run", "nope"});
  ASSERT_TRUE(built) << message(built);
  Status found = resolve_executable(*built);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().errno_value, ENOENT);
  EXPECT_NE(found.error().message.find("executable file not found"), std::string::npos);
}

// setresuid(-1) is a no-op: -u 4294967295 would run the command as root.
TEST_F(RunOptionsTest, AnIdOfMinusOneIsRefusedWhateverItsSpelling) {
  for (const char* user : {"4294967295", "0:4294967295", "4294967295:0", "-1", "0:-1"}) {
    auto built = spec({"run", "-u", user, "hello"});
    ASSERT_FALSE(built) << user;
    EXPECT_NE(message(built).find("--user"), std::string::npos) << message(built);
  }
  EXPECT_NE(message(spec({"run", "-u", "0:4294967295", "hello"})).find("gid 4294967295 is -1"), std::string::npos);
  EXPECT_TRUE(spec({"run", "-u", "4294967294", "hello"}));  // without a user namespace, any other host id
}

TEST_F(RunOptionsTest, WithUsernsAnIdOutsideTheMappedRangeIsRefused) {
  auto uid = spec({"run", "--userns", "-u", "70000", "hello"});
  ASSERT_FALSE(uid);
  EXPECT_EQ(message(uid), "--user: uid 70000 is not mapped in the user namespace (0-65535)");
  auto gid = spec({"run", "--userns", "-u", "0:65536", "hello"});
  ASSERT_FALSE(gid);
  EXPECT_EQ(message(gid), "--user: gid 65536 is not mapped in the user namespace (0-65535)");
  EXPECT_TRUE(spec({"run", "--userns", "-u", "65535:65535", "hello"}));
}

TEST_F(RunOptionsTest, RootlessMapsOnlyRootAndSaysSo) {
  auto other = spec({"run", "-u", "5", "hello"}, {1000, 1000});
  ASSERT_FALSE(other);
  EXPECT_NE(message(other).find("uid 5 is not mapped in the user namespace (0-0)"), std::string::npos)
      << message(other);
  EXPECT_NE(message(other).find("maps only uid 0 (to your own uid 1000)"), std::string::npos) << message(other);
  EXPECT_TRUE(spec({"run", "-u", "0:0", "hello"}, {1000, 1000}));
}

TEST_F(RunOptionsTest, TimeoutsAreFiniteAndWithinWhatATimerHolds) {
  for (const char* bad : {"1e300", "0", "-1", "nan", "inf"}) {
    auto built = spec({"run", "--timeout", bad, "hello"});
    ASSERT_FALSE(built) << bad;
    EXPECT_EQ(message(built).rfind("--timeout: '", 0), 0u) << message(built);
  }
  EXPECT_NE(message(spec({"run", "--timeout", "1e300", "hello"})).find("'1e+300' is out of range"), std::string::npos);
  EXPECT_FALSE(spec({"run", "--stop-timeout", "1e300", "hello"}));
  auto fine = spec({"run", "--timeout", "0.5", "--stop-timeout", "0", "hello"});
  ASSERT_TRUE(fine) << message(fine);
  EXPECT_EQ(fine->timeout_seconds, 0.5);
}

TEST_F(RunOptionsTest, HostnamesFollowRfc1123) {
  for (const char* good : {"isobench", "a", "box-1", "web.example.org", "A1"}) {
    auto built = spec({"run", "--hostname", good, "hello"});
    EXPECT_TRUE(built) << good << ": " << message(built);
  }
  for (const std::string& bad : std::vector<std::string>{"a/b c", "-a", "a-", "a..b", ".a", "a.", "a_b", "ä",
                                                         std::string(65, 'a'), std::string(64, 'a') + ".b"}) {
    auto built = spec({"run", "--hostname", bad, "hello"});
    ASSERT_FALSE(built) << bad;
    EXPECT_EQ(message(built).rfind("--hostname: '", 0), 0u) << message(built);
    EXPECT_NE(message(built).find("RFC 1123"), std::string::npos) << message(built);
  }
}

TEST_F(RunOptionsTest, ACpusetBeyondTheHostsCpusNamesTheOptionAndTheCpusThatExist) {
  auto built = spec({"run", "--cpuset-cpus", "99", "hello"}, {0, 0, "0-1"});
  ASSERT_FALSE(built);
  EXPECT_EQ(message(built), "--cpuset-cpus 99: CPU 99 does not exist here: this host has CPUs 0-1");
  EXPECT_TRUE(spec({"run", "--cpuset-cpus", "0-1", "hello"}, {0, 0, "0-1"}));
}

TEST_F(RunOptionsTest, AnEmptyValueIsRefusedAtParseTimeNamingTheOption) {
  for (const char* option : {"--cpuset-cpus", "--memory", "--cpus", "--pids-limit", "-u", "--hostname", "-w",
                             "--rootfs", "--stats-json", "--kernel"}) {
    try {
      parse({"run", option, "", "hello"});
      ADD_FAILURE() << option << " '' was accepted";
    } catch (const CLI::ValidationError& error) {
      EXPECT_NE(std::string(error.what()).find("empty"), std::string::npos) << error.what();
    }
  }
}

TEST(UnknownCommand, IsTheFirstWordThatNamesNoSubcommand) {
  CLI::App app;
  std::string level;
  app.add_option("--log-level", level);
  app.add_subcommand("run");
  app.add_subcommand("doctor");
  EXPECT_EQ(unknown_command(app, {"nosuch"}), "nosuch");
  EXPECT_EQ(unknown_command(app, {"--log-level", "debug", "nosuch", "run"}), "nosuch");
  EXPECT_EQ(unknown_command(app, {"--log-level", "debug", "run", "nosuch"}), "");
  EXPECT_EQ(unknown_command(app, {"--log-level=debug", "doctor"}), "");
  EXPECT_EQ(unknown_command(app, {"--help"}), "");
  EXPECT_EQ(unknown_command(app, {}), "");
  EXPECT_EQ(command_names(app), "run, doctor");
}
