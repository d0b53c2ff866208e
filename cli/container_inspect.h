// What `isobench inspect` prints for containers, as `docker inspect` does: one JSON document
// per container with the fields Docker has for what isobench records (Docker's names and
// order), plus isobench's own under "Isobench". Pure: the caller reads the store and passes
// the paths it knows.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/lifecycle/container_record.h"

namespace isobench::cli {

/// Where a container's files are, as the caller's store and cgroup layout name them.
struct ContainerPaths {
  std::string log_path;     ///< STORE/containers/ID/container.log
  std::string cgroup_path;  ///< the container's cgroup, as /proc/PID/cgroup names it; "" if none
};

/// Docker's time for "never": what StartedAt and FinishedAt say before they happen.
inline constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

/// One container's document: Id, Created, Path, Args, State {Status, Running, Paused,
/// Restarting, OOMKilled, Dead, Pid, ExitCode, Error, StartedAt, FinishedAt}, Image (the image
/// id), LogPath, Name ("/name"), RestartCount, HostConfig {AutoRemove, LogConfig {Type
/// "k8s-file", Config {"max-size" in bytes, when bounded}}}, Mounts [], Config {Hostname, User,
/// Tty, OpenStdin, Env, Cmd, Image, WorkingDir, Entrypoint, StopSignal ("SIGTERM")}, and
/// Isobench {CgroupPath, MonitorPid, RunArguments}. Pid is 0 unless running; ExitCode is -1
/// when it is unknown (the monitor died before it saw the end); empty lists are null where
/// Docker's are (Cmd, Entrypoint, Env).
nlohmann::ordered_json container_inspect_json(const runner::lifecycle::ContainerConfig& config,
                                              const runner::lifecycle::ContainerState& state, const ContainerPaths& paths);

/// `docker inspect` without --format: the documents as one JSON array indented by four spaces
/// and a newline; "[]\n" for none.
std::string render_inspect(const std::vector<nlohmann::ordered_json>& documents);

/// `docker inspect --format`: the template (format_template.h, taken literally: "\t" stays two
/// characters, as Docker's inspect keeps it) rendered for each document, each followed by a
/// newline; "json" prints each document as compact JSON in Docker's field order. Errors are
/// usage errors: "template parsing error: ..." for a template that does not parse, the
/// execution error of the first document that fails.
Result<std::string> render_inspect_format(std::string_view format, const std::vector<nlohmann::ordered_json>& documents);

}  // namespace isobench::cli
