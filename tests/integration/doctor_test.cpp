// `isobench doctor --json` reports host checks in a stable, machine-readable schema.
#include <sys/statfs.h>

#include <linux/magic.h>

#include <filesystem>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class Doctor : public IsobenchTest {
 protected:
  /// The parsed report (null, with a failure recorded, if doctor failed).
  static Json report() {
    ProcessResult run = run_isobench({"doctor", "--json"});
    if (run.exit_code != 0) {
      ADD_FAILURE() << run;
      return Json();
    }
    Json parsed = parse_json(run.out);
    if (!parsed.is_object()) ADD_FAILURE() << "not a JSON object\n" << run;
    return parsed;
  }

  /// The check named AREA/NAME, or null.
  static Json check(const Json& report, const std::string& area, const std::string& name) {
    for (const Json& entry : report["checks"])
      if (entry.value("area", "") == area && entry.value("name", "") == name) return entry;
    return Json();
  }
};

/// How this host mounts cgroups, decided the way the kernel documents it.
std::string host_cgroup_mode() {
  struct statfs root, unified;
  if (statfs("/sys/fs/cgroup", &root) == 0 && root.f_type == CGROUP2_SUPER_MAGIC) return "v2";
  if (statfs("/sys/fs/cgroup/unified", &unified) == 0 && unified.f_type == CGROUP2_SUPER_MAGIC) return "hybrid";
  return "v1";
}

TEST_F(Doctor, JsonHasTheDoctorSchema) {
  Json doctor = report();
  ASSERT_TRUE(doctor.is_object());
  EXPECT_EQ(doctor["schema"], "isobench-doctor/1");
  ASSERT_TRUE(doctor["checks"].is_array());
  for (const Json& entry : doctor["checks"]) {
    for (const char* key : {"area", "name", "verdict", "detail"})
      EXPECT_TRUE(entry.contains(key) && entry[key].is_string()) << key << " in " << entry;
  }
}

TEST_F(Doctor, NetNamespacesAreOk) {
  Json doctor = report();
  ASSERT_TRUE(doctor.is_object());
  Json net = check(doctor, "namespaces", "net");
  ASSERT_TRUE(net.is_object()) << doctor;
  EXPECT_EQ(net["verdict"], "ok") << net;
}

TEST_F(Doctor, CgroupModeIsTheHosts) {
  Json doctor = report();
  ASSERT_TRUE(doctor.is_object());
  Json mode = check(doctor, "cgroups", "mode");
  ASSERT_TRUE(mode.is_object()) << doctor;
  const std::string detail = mode.value("detail", "");
  const std::string expected = host_cgroup_mode();
  EXPECT_EQ(detail.rfind(expected, 0), 0u) << "expected the detail to start with '" << expected << "': " << mode;
}

/// The names bench's --targets takes, each of which doctor lists with its kind.
const std::vector<std::pair<std::string, std::string>> kTargetFamilies = {
    {"bare", "process"},         {"isobench", "OCI runtime"},
    {"isobench:ns", "namespaces only"}, {"runc", "OCI runtime"},
    {"crun", "OCI runtime"},     {"runsc", "user-space kernel"},
    {"bwrap", "namespaces only"}, {"nspawn", "container manager"},
    {"lxc", "container manager"}, {"docker", "engine with a daemon or monitor"},
    {"podman", "engine with a daemon or monitor"}, {"vm", "virtual machine"}};

TEST_F(Doctor, EveryBenchTargetIsListedWithItsKindAndAVersionOrWhyNot) {
  Json doctor = report();
  ASSERT_TRUE(doctor.is_object());
  for (const auto& [name, family] : kTargetFamilies) {
    Json target = check(doctor, "bench targets", name);
    ASSERT_TRUE(target.is_object()) << name << " is not listed: " << doctor;
    const std::string detail = target.value("detail", "");
    const std::string prefix = "(" + family + ") ";
    EXPECT_EQ(detail.rfind(prefix, 0), 0u) << target;
    EXPECT_GT(detail.size(), prefix.size()) << "no version and no reason: " << target;
    EXPECT_TRUE(target["verdict"] == "ok" || target["verdict"] == "unavailable") << target;
  }
  EXPECT_EQ(check(doctor, "bench targets", "bare")["verdict"], "ok");
}

TEST_F(Doctor, AMissingRuntimeIsUnavailableNamingThePackageToInstall) {
  // /usr/bin out of PATH: bubblewrap's bwrap is there, so doctor cannot find it.
  ProcessResult run = isobench_shell("PATH=/usr/sbin:/sbin \"$ISOBENCH\" doctor --json");
  ASSERT_EQ(run.exit_code, 0) << run;
  Json bwrap = check(parse_json(run.out), "bench targets", "bwrap");
  ASSERT_TRUE(bwrap.is_object()) << run;
  EXPECT_EQ(bwrap["verdict"], "unavailable") << bwrap;
  EXPECT_NE(bwrap.value("detail", "").find("apt-get install bubblewrap"), std::string::npos) << bwrap;
}

TEST_F(Doctor, ListingTheTargetsStartsNoDaemonAndLeavesNoScratchDirectory) {
  Json doctor = report();
  ASSERT_TRUE(doctor.is_object());
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto command = read_file(entry.path().string() + "/cmdline");
    if (command && command->find("/isobench-doctor-") != std::string::npos) left.push_back(entry.path().string());
  }
  for (const auto& entry : std::filesystem::directory_iterator("/tmp"))
    if (entry.path().filename().string().rfind("isobench-doctor-", 0) == 0) left.push_back(entry.path().string());
  EXPECT_TRUE(left.empty()) << "left by doctor: " << left.size() << ", first " << left.front();
}

}  // namespace
}  // namespace isobench::integration
