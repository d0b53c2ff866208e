// First benchmark: container start-to-exit of the noop workload, side by side in one run.
//   raw floor   clone3 with isobench's default namespace flags + exec noop + wait
//   isobench    `isobench run -- /bin/noop` (default isolation)
//   launcher    the same container started in-process through runner::ContainerLauncher:
//               what isobench costs without executing the isobench binary itself
//   bwrap       `bwrap --unshare-all` on the same image, when installed
//   runc        `runc run` on an OCI bundle of the same image, when installed
// Runs are interleaved round-robin in a shuffled order so drift hits every target alike.
// Usage: startup_compare [--runs N] [--warmup N] [--isobench PATH] [-o FILE] (--help explains)
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/statistics.h"
#include "bench/tool_arguments.h"
#include "common/file_io.h"
#include "common/subprocess.h"
#include "common/system.h"
#include "common/time_units.h"
#include "common/unique_fd.h"
#include "runner/cgroup/cgroup.h"
#include "runner/container_request.h"
#include "runner/container.h"
#include "runner/image.h"
#include "runner/vm/vm_assets.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using isobench::bench::median;
using isobench::bench::quantile;

using isobench::errno_error;
using isobench::ExitStatus;
using isobench::monotonic_ns;
using isobench::ms_between;
using isobench::plain_error;
using isobench::Result;
using isobench::Subprocess;
using isobench::UniqueFd;

struct RunResult {
  double ms = 0;
  bool ok = false;
};

/// posix_spawn + wait4, stdout and stderr to /dev/null. posix_spawn rather than spawn()'s
/// fork: glibc's is vfork-like, so the timed launch costs what the harness's vfork does, not
/// a copy of this process's page tables. The child is owned from the moment it exists.
RunResult spawn_and_wait(const std::vector<std::string>& argv) {
  std::vector<char*> args = isobench::exec_array(argv);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  RunResult result;
  int64_t start = monotonic_ns();
  pid_t pid;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) == 0) {
    Subprocess child(pid, UniqueFd());
    const ExitStatus status = child.wait();
    result.ms = ms_between(start, monotonic_ns());
    result.ok = status.succeeded();
  }
  posix_spawn_file_actions_destroy(&actions);
  return result;
}

/// The floor: what any runtime must at least do for these namespaces. Its pidfd comes with
/// the clone (CLONE_PIDFD, as the runner's own clone3 does), so the owner is there at once.
RunResult raw_clone_exec(const std::string& noop) {
  RunResult result;
  int64_t start = monotonic_ns();
  int pidfd = -1;
  clone_args args{};
  args.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    char* argv[] = {const_cast<char*>(noop.c_str()), nullptr};
    execve(argv[0], argv, environ);
    _exit(127);
  }
  if (pid < 0) return result;
  Subprocess child(static_cast<pid_t>(pid), UniqueFd(pidfd));  // close-on-exec, as every pidfd
  const ExitStatus status = child.wait();
  result.ms = ms_between(start, monotonic_ns());
  result.ok = status.succeeded();
  return result;
}

/// An OCI bundle for runc: `runc spec`'s default config, pointed at the image, running noop.
bool write_runc_bundle(const std::string& runc, const fs::path& bundle, const std::string& rootfs) {
  std::error_code error;
  fs::create_directories(bundle, error);
  if (error) return false;
  isobench::CommandOptions shown;  // what runc says when it fails is for the person running this
  shown.output = isobench::CommandOptions::Output::kInherit;
  auto spec = isobench::run_command({runc, "spec", "--bundle", bundle.string()}, shown);
  if (!spec || !spec->status.succeeded()) return false;
  std::ifstream in(bundle / "config.json");
  nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object()) return false;
  config["root"] = {{"path", rootfs}, {"readonly", true}};
  config["process"]["args"] = {"/bin/noop"};
  config["process"]["terminal"] = false;
  std::ofstream(bundle / "config.json") << config.dump(2);
  return true;
}

/// The container `isobench run -- /bin/noop` would start, launched from this process.
class InProcessLauncher {
 public:
  static std::unique_ptr<InProcessLauncher> make(const std::string& rootfs) {
    auto launcher = std::unique_ptr<InProcessLauncher>(new InProcessLauncher);
    isobench::runner::ContainerRequest options;
    options.command = {"/bin/noop"};
    auto spec = isobench::runner::build_spec(options, {geteuid(), getegid()}, rootfs);
    if (!spec || !isobench::runner::resolve_executable(*spec)) return nullptr;
    launcher->spec_ = std::move(*spec);
    if (auto manager = isobench::runner::host_cgroup_manager(launcher->cgroup_fs_))
      launcher->cgroups_ = std::move(*manager);
    return launcher;
  }
  RunResult run() {
    spec_.id = isobench::runner::new_container_id();
    isobench::runner::ContainerLauncher launcher(cgroups_.get());
    RunResult result;
    int64_t start = monotonic_ns();
    auto outcome = launcher.run(spec_);
    result.ms = ms_between(start, monotonic_ns());
    result.ok = outcome && outcome->exit_code == 0;
    return result;
  }

 private:
  InProcessLauncher() = default;
  isobench::runner::ContainerSpec spec_;
  isobench::runner::HostCgroupFs cgroup_fs_;
  std::unique_ptr<isobench::runner::CgroupManager> cgroups_;
};

struct Target {
  Target(std::string name, std::function<RunResult(int run)> run) : name(std::move(name)), run(std::move(run)) {}
  std::string name;
  std::function<RunResult(int run)> run;
  std::vector<double> ms;
  int failures = 0;
};

struct Settings {
  int runs = 200;
  int warmup = 10;
  std::string isobench;  ///< default: the isobench next to this executable
  std::string json_path;
};

/// The executables and the image one comparison runs on.
struct Subjects {
  std::string isobench;
  std::string rootfs;
  std::string noop;
};

/// The options, declared into `settings` (their defaults are its initial values).
void declare_options(isobench::bench::ToolCommandLine& command_line, Settings& settings) {
  using isobench::bench::whole_number;
  CLI::App& app = command_line.app();
  app.add_option("--runs", settings.runs, "measured rounds")
      ->type_name("N")
      ->check(whole_number(1))
      ->capture_default_str();
  app.add_option("--warmup", settings.warmup, "unmeasured rounds first")
      ->type_name("N")
      ->check(whole_number(0))
      ->capture_default_str();
  command_line.add_shared_options(settings.isobench, settings.json_path,
                                  "the samples and medians as JSON (isobench-startup-compare/1)");
}

/// isobench and its image: the built-in image next to the isobench given (a build tree), else
/// where this executable finds it (an installed prefix, or the build tree it was built in).
Result<Subjects> find_subjects(const Settings& settings) {
  std::string isobench = settings.isobench;
  if (isobench.empty()) {
    auto sibling = isobench::runner::sibling_executable("isobench");
    if (!sibling) return plain_error(sibling.error().text() + "; pass --isobench PATH");
    isobench = *sibling;
  }
  std::error_code error;
  fs::path resolved = fs::canonical(isobench, error);
  if (error || access(resolved.c_str(), X_OK) != 0) return plain_error("no isobench executable at " + isobench);
  Subjects subjects{resolved.string(), "", ""};
  fs::path beside = resolved.parent_path() / "image/rootfs";
  auto rootfs = fs::is_directory(beside, error) ? isobench::runner::canonical_rootfs(beside.string())
                                                : isobench::runner::builtin_image_rootfs();
  if (!rootfs) return rootfs.error();
  subjects.rootfs = *rootfs;
  subjects.noop = subjects.rootfs + "/bin/noop";
  if (access(subjects.noop.c_str(), X_OK) != 0) return errno_error("the built-in image lacks " + subjects.noop);
  return subjects;
}

/// Every target that can run here; what cannot is named in `skipped`, with the reason.
std::vector<Target> make_targets(const Subjects& subjects, const fs::path& scratch, InProcessLauncher* launcher,
                                 std::vector<std::string>& skipped) {
  std::vector<Target> targets;
  targets.emplace_back("raw floor (clone+exec)", [noop = subjects.noop](int) { return raw_clone_exec(noop); });
  targets.emplace_back("isobench run", [isobench = subjects.isobench](int) {
    return spawn_and_wait({isobench, "run", "--", "/bin/noop"});
  });
  if (launcher)
    targets.emplace_back("launcher (in-process)", [launcher](int) { return launcher->run(); });
  else
    skipped.push_back("in-process launcher: could not build the container spec");
  if (std::string bwrap = isobench::find_program("bwrap"); !bwrap.empty()) {
    targets.emplace_back("bwrap --unshare-all", [=, rootfs = subjects.rootfs](int) {
      return spawn_and_wait(
          {bwrap, "--unshare-all", "--ro-bind", rootfs, "/", "--proc", "/proc", "--dev", "/dev", "--", "/bin/noop"});
    });
  } else {
    skipped.push_back("bwrap: not installed (apt-get install bubblewrap)");
  }
  if (std::string runc = isobench::find_program("runc");
      !runc.empty() && write_runc_bundle(runc, scratch / "bundle", subjects.rootfs)) {
    std::string state = (scratch / "state").string();
    std::string bundle = (scratch / "bundle").string();
    targets.emplace_back("runc run", [=](int run) {
      return spawn_and_wait({runc, "--root", state, "run", "--bundle", bundle,
                             "isobench-bench-" + std::to_string(getpid()) + "-" + std::to_string(run)});
    });
  } else {
    skipped.push_back("runc: not installed or `runc spec` failed");
  }
  return targets;
}

/// Warmup rounds, then measured rounds, each target once a round in a shuffled order.
void run_rounds(std::vector<Target>& targets, int runs, int warmup) {
  // The in-process launcher passes our stdout to the workload: point it at /dev/null.
  std::fflush(stdout);
  int saved_stdout = dup(1);
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  dup2(null, 1);
  close(null);

  std::mt19937 shuffle_rng(42);
  std::vector<size_t> order(targets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int run = -warmup; run < runs; ++run) {
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    for (size_t index : order) {
      Target& target = targets[index];
      RunResult result = target.run(run + warmup);
      if (run < 0) continue;
      if (!result.ok) {
        ++target.failures;
        continue;
      }
      target.ms.push_back(result.ms);
    }
    if (isatty(2) && (run + 1) % 20 == 0) std::fprintf(stderr, "\r%d/%d rounds", run + 1, runs);
  }
  if (isatty(2)) std::fprintf(stderr, "\n");
  dup2(saved_stdout, 1);
  close(saved_stdout);
}

/// isobench's own memory, apart from the timed runs (it reports its VmHWM itself: wait4's
/// ru_maxrss would also count this benchmark's pages, inherited across the spawn).
std::vector<double> own_peak_rss_kib(const std::string& isobench, const fs::path& scratch) {
  std::vector<double> own_rss_kib;
  std::error_code ignored;
  fs::create_directories(scratch, ignored);
  std::string stats_path = (scratch / "stats.json").string();
  for (int i = 0; i < 20; ++i) {
    if (!spawn_and_wait({isobench, "run", "--stats-json", stats_path, "--", "/bin/noop"}).ok) continue;
    std::ifstream in(stats_path);
    auto stats = nlohmann::json::parse(in, nullptr, false);
    if (!stats.is_discarded() && stats.contains("runner_peak_rss_bytes") && stats["runner_peak_rss_bytes"].is_number())
      own_rss_kib.push_back(stats["runner_peak_rss_bytes"].get<double>() / 1024);
  }
  return own_rss_kib;
}

/// The table on stdout; the same figures, with every sample, as the JSON document.
nlohmann::json report(const std::vector<Target>& targets, const Settings& settings,
                      const std::vector<double>& own_rss_kib, const std::vector<std::string>& skipped) {
  const double floor_median = median(targets[0].ms);
  const double isobench_median = median(targets[1].ms);
  std::printf("startup: noop workload, start to exit, %d interleaved runs each (after %d warmup)\n", settings.runs,
              settings.warmup);
  std::printf("%-24s %9s %9s %9s %10s %11s\n", "target", "median", "p10", "p90", "vs floor", "vs isobench");
  nlohmann::json json = {{"schema", "isobench-startup-compare/1"}, {"runs", settings.runs}, {"warmup", settings.warmup}};
  for (const Target& target : targets) {
    double m = median(target.ms);
    std::printf("%-24s %7.3fms %7.3fms %7.3fms %9.2fx %10.2fx%s\n", target.name.c_str(), m, quantile(target.ms, 0.1),
                quantile(target.ms, 0.9), m / floor_median, m / isobench_median,
                target.failures ? (" (" + std::to_string(target.failures) + " failed)").c_str() : "");
    json["targets"].push_back({{"name", target.name},
                               {"median_ms", m},
                               {"p10_ms", quantile(target.ms, 0.1)},
                               {"p90_ms", quantile(target.ms, 0.9)},
                               {"samples_ms", target.ms},
                               {"failures", target.failures}});
  }
  if (!own_rss_kib.empty()) {
    std::printf("isobench's own peak RSS (VmHWM, median of %zu runs): %.0f KiB\n", own_rss_kib.size(),
                median(own_rss_kib));
    json["isobench_peak_rss_kib_median"] = median(own_rss_kib);
  }
  for (const std::string& reason : skipped) std::printf("skipped: %s\n", reason.c_str());
  return json;
}

Result<int> compare(const Settings& settings) {
  auto subjects = find_subjects(settings);
  if (!subjects) return subjects.error();
  fs::path scratch = fs::temp_directory_path() / ("isobench-startup-" + std::to_string(getpid()));
  std::vector<std::string> skipped;
  std::unique_ptr<InProcessLauncher> launcher = InProcessLauncher::make(subjects->rootfs);
  std::vector<Target> targets = make_targets(*subjects, scratch, launcher.get(), skipped);
  run_rounds(targets, settings.runs, settings.warmup);
  std::vector<double> own_rss_kib = own_peak_rss_kib(subjects->isobench, scratch);
  std::error_code ignored;
  fs::remove_all(scratch, ignored);
  nlohmann::json json = report(targets, settings, own_rss_kib, skipped);
  if (!settings.json_path.empty()) ISOBENCH_TRY(isobench::write_regular_file(settings.json_path, json.dump(2) + "\n"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  isobench::bench::ToolCommandLine command_line(
      argc, argv, "startup_compare", "[--runs N] [--warmup N] [--isobench PATH] [-o FILE]",
      "Container start to exit of the noop workload: the raw clone+exec floor, `isobench run`, the\n"
      "in-process launcher, bwrap and runc when installed, interleaved in a shuffled order.");
  declare_options(command_line, settings);
  if (auto code = command_line.parse()) return *code;
  const std::string& program = command_line.program();
  try {
    auto code = compare(settings);
    if (code) return *code;
    std::fprintf(stderr, "%s: %s\n", program.c_str(), code.error().text().c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.what());
  }
  return 1;
}
