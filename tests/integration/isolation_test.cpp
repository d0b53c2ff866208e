// A container sees its own process tree, hostname, network and mounts, not the host's.
#include <algorithm>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

using Isolation = IsobenchTest;

TEST_F(Isolation, CommandRunsAsPid1) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["pid"], 1);
}

TEST_F(Isolation, HostProcessesAreInvisible) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["pids"], Json::array({1}));
}

TEST_F(Isolation, HostnameIsIsobenchByDefault) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["hostname"], "isobench");
}

TEST_F(Isolation, HostnameOptionNamesTheContainer) {
  Json status = container_status({"--hostname", "box-42"});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["hostname"], "box-42");
}

TEST_F(Isolation, NetworkHasOnlyLoopback) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["interfaces"], Json::array({"lo"}));
}

TEST_F(Isolation, LoopbackIsUp) {
  ProcessResult flags = run_in_container({}, {"inspect", "read", "/sys/class/net/lo/flags"});
  ASSERT_EQ(flags.exit_code, 0) << flags;
  ASSERT_FALSE(trim(flags.out).empty()) << flags;
  constexpr unsigned long kIffUp = 0x1;
  EXPECT_TRUE(std::stoul(trim(flags.out), nullptr, 16) & kIffUp) << "lo flags: " << flags.out;
}

TEST_F(Isolation, ShareNetShowsTheHostInterfaces) {
  Json status = container_status({"--share", "net"});
  ASSERT_TRUE(status.is_object());
  std::vector<std::string> inside = status["interfaces"].get<std::vector<std::string>>();
  std::vector<std::string> host = host_interfaces();
  std::sort(inside.begin(), inside.end());
  std::sort(host.begin(), host.end());
  EXPECT_EQ(inside, host);
  EXPECT_EQ(namespace_in(status, "net"), host_namespace("net"));
}

TEST_F(Isolation, PidMntUtsIpcNetAndCgroupNamespacesAreNew) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  for (const char* name : {"pid", "mnt", "uts", "ipc", "net", "cgroup"}) {
    SCOPED_TRACE(name);
    ASSERT_FALSE(namespace_in(status, name).empty()) << status["namespaces"];
    EXPECT_NE(namespace_in(status, name), host_namespace(name));
  }
}

TEST_F(Isolation, UserAndTimeNamespacesAreTheHostsByDefault) {
  Json status = container_status();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(namespace_in(status, "user"), host_namespace("user"));
  EXPECT_EQ(namespace_in(status, "time"), host_namespace("time"));
}

}  // namespace
}  // namespace isobench::integration
