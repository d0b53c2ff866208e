// `isobench doctor --json` reports host checks in a stable, machine-readable schema.
#include <sys/statfs.h>

#include <linux/magic.h>

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

}  // namespace
}  // namespace isobench::integration
