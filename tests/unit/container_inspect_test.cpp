#include "cli/container_inspect.h"

#include <gtest/gtest.h>

namespace isobench::cli {
namespace {

using runner::lifecycle::ContainerConfig;
using runner::lifecycle::ContainerState;
using runner::lifecycle::ContainerStatus;

ContainerConfig sample_config() {
  ContainerConfig config;
  config.id = "aaaa1111bbbb2222";
  config.name = "web";
  config.image = "busybox";
  config.image_id = "sha256:1234";
  config.entrypoint = {"/bin/sh", "-c"};
  config.command = {"sleep 100"};
  config.env = {"PATH=/bin"};
  config.workdir = "/";
  config.hostname = "aaaa1111bbbb";
  config.log_max_size = 10485760;
  config.created = "2026-01-02T03:04:00.123456789Z";
  config.run_arguments = {"--memory", "64m"};
  return config;
}

ContainerState running_state() {
  ContainerState state;
  state.status = ContainerStatus::kRunning;
  state.pid = 4242;
  state.monitor_pid = 4241;
  state.started_at = "2026-01-02T03:04:01.5Z";
  return state;
}

const ContainerPaths kPaths = {"/store/containers/aaaa/container.log", "/sys/fs/cgroup/isobench/aaaa"};

TEST(ContainerInspect, PrintsDockersFieldsInDockersOrderIndentedByFourSpaces) {
  EXPECT_EQ(render_inspect({container_inspect_json(sample_config(), running_state(), kPaths)}), R"([
    {
        "Id": "aaaa1111bbbb2222",
        "Created": "2026-01-02T03:04:00.123456789Z",
        "Path": "/bin/sh",
        "Args": [
            "-c",
            "sleep 100"
        ],
        "State": {
            "Status": "running",
            "Running": true,
            "Paused": false,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": 4242,
            "ExitCode": 0,
            "Error": "",
            "StartedAt": "2026-01-02T03:04:01.5Z",
            "FinishedAt": "0001-01-01T00:00:00Z"
        },
        "Image": "sha256:1234",
        "LogPath": "/store/containers/aaaa/container.log",
        "Name": "/web",
        "RestartCount": 0,
        "HostConfig": {
            "AutoRemove": false,
            "LogConfig": {
                "Type": "k8s-file",
                "Config": {
                    "max-size": "10485760"
                }
            }
        },
        "Mounts": [],
        "Config": {
            "Hostname": "aaaa1111bbbb",
            "User": "",
            "Tty": false,
            "OpenStdin": false,
            "Env": [
                "PATH=/bin"
            ],
            "Cmd": [
                "sleep 100"
            ],
            "Image": "busybox",
            "WorkingDir": "/",
            "Entrypoint": [
                "/bin/sh",
                "-c"
            ],
            "StopSignal": "SIGTERM"
        },
        "Isobench": {
            "CgroupPath": "/sys/fs/cgroup/isobench/aaaa",
            "MonitorPid": 4241,
            "RunArguments": [
                "--memory",
                "64m"
            ]
        }
    }
]
)");
}

TEST(ContainerInspect, PrintsAnEmptyArrayForNoContainers) {
  EXPECT_EQ(render_inspect({}), "[]\n");
}

TEST(ContainerInspect, ACreatedContainerHasZeroTimesAndNoPid) {
  ContainerState state;
  state.pid = 99;  // stale: only a running container has a pid
  const auto document = container_inspect_json(sample_config(), state, kPaths);
  EXPECT_EQ(document["State"]["Status"], "created");
  EXPECT_EQ(document["State"]["Pid"], 0);
  EXPECT_EQ(document["State"]["StartedAt"], kZeroTime);
  EXPECT_EQ(document["State"]["FinishedAt"], kZeroTime);
}

TEST(ContainerInspect, AnExitedContainerWithAnUnknownCodeSaysMinusOne) {
  ContainerState state = running_state();
  state.status = ContainerStatus::kExited;
  state.finished_at = "2026-01-02T03:05:00Z";
  state.oom_killed = true;
  auto document = container_inspect_json(sample_config(), state, kPaths);
  EXPECT_EQ(document["State"]["ExitCode"], -1);
  EXPECT_EQ(document["State"]["Running"], false);
  EXPECT_EQ(document["State"]["Pid"], 0);
  EXPECT_EQ(document["State"]["OOMKilled"], true);
  state.exit_code = 137;
  document = container_inspect_json(sample_config(), state, kPaths);
  EXPECT_EQ(document["State"]["ExitCode"], 137);
}

TEST(ContainerInspect, EmptyListsAreNullAndAnUnboundedLogHasNoOptions) {
  ContainerConfig config = sample_config();
  config.entrypoint.clear();
  config.command = {"/hello"};
  config.env.clear();
  config.log_max_size = 0;
  config.stop_signal = 9;
  const auto document = container_inspect_json(config, running_state(), kPaths);
  EXPECT_TRUE(document["Config"]["Entrypoint"].is_null());
  EXPECT_TRUE(document["Config"]["Env"].is_null());
  EXPECT_EQ(document["Path"], "/hello");
  EXPECT_EQ(document["Args"], nlohmann::ordered_json::array());
  EXPECT_EQ(document["HostConfig"]["LogConfig"]["Config"], nlohmann::ordered_json::object());
  EXPECT_EQ(document["Config"]["StopSignal"], "SIGKILL");
}

TEST(ContainerInspectFormat, RendersTheTemplateForEachContainer) {
  ContainerConfig other = sample_config();
  other.name = "db";
  const std::vector documents = {container_inspect_json(sample_config(), running_state(), kPaths),
                                 container_inspect_json(other, ContainerState{}, kPaths)};
  EXPECT_EQ(*render_inspect_format("{{.Name}} {{.State.Status}} {{.State.Pid}} {{.Config.Cmd}}", documents),
            "/web running 4242 [sleep 100]\n/db created 0 [sleep 100]\n");
  EXPECT_EQ(*render_inspect_format("{{json .Isobench.RunArguments}}\\t", {documents[0]}), "[\"--memory\",\"64m\"]\\t\n");
}

TEST(ContainerInspectFormat, JsonKeepsDockersOrder) {
  const auto text = render_inspect_format("json", {container_inspect_json(sample_config(), running_state(), kPaths)});
  ASSERT_TRUE(text);
  EXPECT_TRUE(text->starts_with(R"({"Id":"aaaa1111bbbb2222","Created":)")) << *text;
  EXPECT_TRUE(text->ends_with("}\n"));
}

TEST(ContainerInspectFormat, ReportsTemplateErrorsAsUsageErrors) {
  const auto unparsed = render_inspect_format("{{.Name", {});
  ASSERT_FALSE(unparsed);
  EXPECT_EQ(unparsed.error().text(), "template parsing error: template: :1:0: unclosed action");
  EXPECT_EQ(unparsed.error().exit_code, exit_codes::kUsage);
  const auto failed = render_inspect_format("{{.Name.X}}", {container_inspect_json(sample_config(), running_state(), kPaths)});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().text(), "template: :1:2: executing \"\" at <.Name.X>: can't evaluate field X in type string");
}

}  // namespace
}  // namespace isobench::cli
