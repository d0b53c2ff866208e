#include "runner/lifecycle/container_codec.h"

#include <time.h>

#include <array>
#include <cstdio>
#include <initializer_list>
#include <limits>

#include "runner/image/json_fields.h"
#include "runner/lifecycle/container_names.h"

namespace isobench::runner::lifecycle {

namespace {

using image::JsonFields;
using nlohmann::json;

constexpr int kConfigVersion = 1;
constexpr int kStateVersion = 1;

constexpr std::array<std::string_view, 4> kStatusNames = {"created", "running", "exited", "removing"};

/// Refuses members this version does not know: a typo in a hand-edited file, or a newer
/// writer's field, must not be dropped without a word.
void reject_unknown_fields(const json& object, JsonFields& fields, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (std::string_view name : known) found = found || key == name;
    if (!found) fields.fail("unknown field '" + key.substr(0, 100) + "'");
  }
}

bool read_bool(const json& object, JsonFields& fields, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return false;
  if (!found->is_boolean()) {
    fields.fail(std::string("field '") + key + "' is not a boolean");
    return false;
  }
  return found->get<bool>();
}

/// An integer field within [low, high]; JsonFields checks the type, this the range.
int64_t read_ranged(JsonFields& fields, const char* key, int64_t low, int64_t high, bool required = false) {
  const int64_t value = fields.integer(key, required);
  if (fields.ok() && (value < low || value > high)) {
    fields.fail(std::string("field '") + key + "' is out of range (" + std::to_string(value) + ")");
    return 0;
  }
  return value;
}

void check_version(JsonFields& fields, int expected) {
  const int64_t version = fields.integer("version", true);
  if (fields.ok() && version != expected) {
    fields.fail("unknown version " + std::to_string(version) + " (this isobench reads version " +
                std::to_string(expected) + ")");
  }
}

}  // namespace

std::string_view status_name(ContainerStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

Result<ContainerStatus> parse_status(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<ContainerStatus>(i);
  }
  return plain_error("unknown container status '" + std::string(name.substr(0, 100)) + "'");
}

std::string serialize_container_config(const ContainerConfig& config) {
  return json{{"version", kConfigVersion},
              {"id", config.id},
              {"name", config.name},
              {"image", config.image},
              {"image_id", config.image_id},
              {"entrypoint", config.entrypoint},
              {"command", config.command},
              {"env", config.env},
              {"workdir", config.workdir},
              {"user", config.user},
              {"hostname", config.hostname},
              {"stop_signal", config.stop_signal},
              {"auto_remove", config.auto_remove},
              {"tty", config.tty},
              {"interactive", config.interactive},
              {"log_max_size", config.log_max_size},
              {"created", config.created},
              {"run_arguments", config.run_arguments}}
      .dump(1);
}

Result<ContainerConfig> parse_container_config(std::string_view text, std::string_view what) {
  auto document = image::parse_json_object(text, what);
  if (!document) return document.error();
  JsonFields fields(*document, std::string(what));
  reject_unknown_fields(
      *document, fields,
      {"version", "id", "name", "image", "image_id", "entrypoint", "command", "env", "workdir", "user", "hostname",
       "stop_signal", "auto_remove", "tty", "interactive", "log_max_size", "created", "run_arguments"});
  check_version(fields, kConfigVersion);
  ContainerConfig config;
  config.id = fields.string("id", true);
  config.name = fields.string("name", true);
  config.image = fields.string("image");
  config.image_id = fields.string("image_id");
  config.entrypoint = fields.strings("entrypoint");
  config.command = fields.strings("command");
  config.env = fields.strings("env");
  config.workdir = fields.string("workdir");
  config.user = fields.string("user");
  config.hostname = fields.string("hostname");
  config.stop_signal = static_cast<int>(read_ranged(fields, "stop_signal", 1, 64, true));
  config.auto_remove = read_bool(*document, fields, "auto_remove");
  config.tty = read_bool(*document, fields, "tty");
  config.interactive = read_bool(*document, fields, "interactive");
  config.log_max_size = read_ranged(fields, "log_max_size", 0, std::numeric_limits<int64_t>::max());
  config.created = fields.string("created");
  config.run_arguments = fields.strings("run_arguments");
  if (fields.ok() && !is_container_id(config.id)) fields.fail("field 'id' is not 64 hex digits");
  if (fields.ok() && !is_valid_container_name(config.name)) fields.fail("field 'name' is not a valid container name");
  if (!fields.ok()) return fields.error();
  return config;
}

std::string serialize_container_state(const ContainerState& state) {
  return json{{"version", kStateVersion},
              {"status", status_name(state.status)},
              {"pid", state.pid},
              {"pid_start_time", state.pid_start_time},
              {"monitor_pid", state.monitor_pid},
              {"started_at", state.started_at},
              {"finished_at", state.finished_at},
              {"exit_code", state.exit_code ? json(*state.exit_code) : json(nullptr)},
              {"oom_killed", state.oom_killed},
              {"error", state.error},
              {"restart_count", state.restart_count}}
      .dump(1);
}

Result<ContainerState> parse_container_state(std::string_view text, std::string_view what) {
  auto document = image::parse_json_object(text, what);
  if (!document) return document.error();
  JsonFields fields(*document, std::string(what));
  reject_unknown_fields(*document, fields,
                        {"version", "status", "pid", "pid_start_time", "monitor_pid", "started_at", "finished_at",
                         "exit_code", "oom_killed", "error", "restart_count"});
  check_version(fields, kStateVersion);
  constexpr int64_t kIntMax = std::numeric_limits<int>::max();
  ContainerState state;
  const std::string status = fields.string("status", true);
  state.pid = static_cast<int>(read_ranged(fields, "pid", 0, kIntMax));
  state.pid_start_time =
      static_cast<uint64_t>(read_ranged(fields, "pid_start_time", 0, std::numeric_limits<int64_t>::max()));
  state.monitor_pid = static_cast<int>(read_ranged(fields, "monitor_pid", 0, kIntMax));
  state.started_at = fields.string("started_at");
  state.finished_at = fields.string("finished_at");
  if (auto code = document->find("exit_code"); code != document->end() && !code->is_null()) {
    state.exit_code = static_cast<int>(read_ranged(fields, "exit_code", std::numeric_limits<int>::min(), kIntMax));
  }
  state.oom_killed = read_bool(*document, fields, "oom_killed");
  state.error = fields.string("error");
  state.restart_count = static_cast<int>(read_ranged(fields, "restart_count", 0, kIntMax));
  if (!fields.ok()) return fields.error();
  auto parsed_status = parse_status(status);
  if (!parsed_status) return plain_error(std::string(what) + ": " + parsed_status.error().message);
  state.status = *parsed_status;
  return state;
}

std::string timestamp_now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  ::gmtime_r(&now.tv_sec, &utc);
  char seconds[32];
  std::strftime(seconds, sizeof seconds, "%Y-%m-%dT%H:%M:%S", &utc);
  char text[48];
  std::snprintf(text, sizeof text, "%s.%09ldZ", seconds, static_cast<long>(now.tv_nsec));
  return text;
}

}  // namespace isobench::runner::lifecycle
