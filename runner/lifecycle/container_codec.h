// The documents of a stored container: config.json (ContainerConfig) and state.json
// (ContainerState). Versioned and read strictly: a wrong type, an unknown field, a missing
// required field or an unknown version is an error naming the document and the field, never
// a silently defaulted record (these files steer signals to pids).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "runner/lifecycle/container_record.h"

namespace isobench::runner::lifecycle {

/// Docker's words for a status: "created", "running", "exited", "removing".
std::string_view status_name(ContainerStatus status);
Result<ContainerStatus> parse_status(std::string_view name);

std::string serialize_container_config(const ContainerConfig& config);
/// `what` names the document in errors ("container abc123def456 config.json").
Result<ContainerConfig> parse_container_config(std::string_view json, std::string_view what = "container config");

std::string serialize_container_state(const ContainerState& state);
Result<ContainerState> parse_container_state(std::string_view json, std::string_view what = "container state");

/// Now as RFC 3339 in UTC with nanoseconds ("2026-01-02T03:04:05.123456789Z"), as Docker
/// writes Created, StartedAt and FinishedAt.
std::string timestamp_now();

}  // namespace isobench::runner::lifecycle
