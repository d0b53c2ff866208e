#include "cli/container_inspect.h"

#include <cstring>

#include "cli/container_listing.h"
#include "cli/format_template.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;
using nlohmann::ordered_json;

namespace {

ordered_json strings_or_null(const std::vector<std::string>& items) {
  return items.empty() ? ordered_json(nullptr) : ordered_json(items);
}

std::string time_or_zero(const std::string& time) {
  return time.empty() ? kZeroTime : time;
}

// Docker keeps StopSignal as a name ("SIGTERM").
std::string signal_name(int signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return abbreviation ? std::string("SIG") + abbreviation : std::to_string(signal);
}

ordered_json state_json(const lifecycle::ContainerState& state) {
  const bool running = state.status == lifecycle::ContainerStatus::kRunning;
  return ordered_json{{"Status", container_state_text(state.status)},
                      {"Running", running},
                      {"Paused", false},
                      {"Restarting", false},
                      {"OOMKilled", state.oom_killed},
                      {"Dead", false},
                      {"Pid", running ? state.pid : 0},
                      {"ExitCode", state.exit_code.value_or(state.status == lifecycle::ContainerStatus::kExited ? -1 : 0)},
                      {"Error", state.error},
                      {"StartedAt", time_or_zero(state.started_at)},
                      {"FinishedAt", time_or_zero(state.finished_at)}};
}

ordered_json config_json(const lifecycle::ContainerConfig& config) {
  return ordered_json{{"Hostname", config.hostname},
                      {"User", config.user},
                      {"Tty", config.tty},
                      {"OpenStdin", config.interactive},
                      {"Env", strings_or_null(config.env)},
                      {"Cmd", strings_or_null(config.command)},
                      {"Image", config.image},
                      {"WorkingDir", config.workdir},
                      {"Entrypoint", strings_or_null(config.entrypoint)},
                      {"StopSignal", signal_name(config.stop_signal)}};
}

std::string dump(const ordered_json& document, int indent) {
  return document.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

ordered_json container_inspect_json(const lifecycle::ContainerConfig& config, const lifecycle::ContainerState& state,
                                    const ContainerPaths& paths) {
  const std::vector<std::string> argv = container_argv(config);
  ordered_json log_options = ordered_json::object();
  if (config.log_max_size > 0) log_options["max-size"] = std::to_string(config.log_max_size);
  return ordered_json{
      {"Id", config.id},
      {"Created", time_or_zero(config.created)},
      {"Path", argv.empty() ? "" : argv.front()},
      {"Args", argv.empty() ? std::vector<std::string>{} : std::vector<std::string>(argv.begin() + 1, argv.end())},
      {"State", state_json(state)},
      {"Image", config.image_id},
      {"LogPath", paths.log_path},
      {"Name", "/" + config.name},
      {"RestartCount", state.restart_count},
      {"HostConfig", {{"AutoRemove", config.auto_remove}, {"LogConfig", {{"Type", "k8s-file"}, {"Config", log_options}}}}},
      {"Mounts", ordered_json::array()},
      {"Config", config_json(config)},
      {"Isobench", {{"CgroupPath", paths.cgroup_path}, {"MonitorPid", state.monitor_pid}, {"RunArguments", config.run_arguments}}}};
}

std::string render_inspect(const std::vector<ordered_json>& documents) {
  ordered_json array = ordered_json::array();
  for (const ordered_json& document : documents) array.push_back(document);
  return dump(array, 4) + "\n";
}

Result<std::string> render_inspect_format(std::string_view format, const std::vector<ordered_json>& documents) {
  std::string text;
  if (format == "json") {
    for (const ordered_json& document : documents) text += dump(document, -1) + "\n";
    return text;
  }
  auto parsed = FormatTemplate::parse(format);
  if (!parsed) return usage_error("template parsing error: " + parsed.error().message);
  for (const ordered_json& document : documents) {
    // The template reads plain nlohmann::json; the order of keys does not change what it prints.
    auto rendered = parsed->render(nlohmann::json::parse(dump(document, -1), nullptr, false));
    if (!rendered) return rendered.error();
    text += *rendered + "\n";
  }
  return text;
}

}  // namespace isobench::cli
