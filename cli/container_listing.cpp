#include "cli/container_listing.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <set>

#include "cli/docker_text.h"
#include "cli/format_template.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;
using lifecycle::ContainerStatus;
using nlohmann::json;

namespace {

constexpr const char* kDefaultTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

// Whole seconds from `then` to `now` as go-units counts them (truncated); nullopt when `then`
// does not parse.
std::optional<int64_t> seconds_since(const std::string& then, int64_t now_nanos) {
  const std::optional<int64_t> nanos = parse_rfc3339_nanos(then);
  if (!nanos) return std::nullopt;
  return (now_nanos - *nanos) / 1000000000;
}

// The -f values by key, checked as Docker's daemon checks them.
struct Filters {
  std::map<std::string, std::vector<std::string>> values;
  std::set<int> exit_codes;

  bool matches_any(const std::string& key, const std::string& text) const {
    const auto found = values.find(key);
    if (found == values.end()) return true;
    return std::any_of(found->second.begin(), found->second.end(), [&](const std::string& pattern) {
      try {
        return std::regex_search(text, std::regex(pattern));
      } catch (const std::regex_error&) {
        return false;  // as Docker, a pattern that does not compile matches nothing
      }
    });
  }
};

Result<Filters> parse_filters(const std::vector<std::string>& given) {
  static const std::set<std::string> kStates = {"created", "restarting", "running", "removing", "paused", "exited", "dead"};
  Filters filters;
  for (const std::string& filter : given) {
    const size_t equals = filter.find('=');
    if (equals == std::string::npos) return usage_error("bad format of filter (expected name=value)");
    const std::string key = filter.substr(0, equals), value = filter.substr(equals + 1);
    if (key != "status" && key != "name" && key != "id" && key != "exited") return usage_error("invalid filter '" + key + "'");
    if (key == "status" && !kStates.contains(value)) return usage_error("invalid filter 'status=" + value + "'");
    if (key == "exited") {
      int code = 0;
      const auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), code);
      if (problem != std::errc() || end != value.data() + value.size()) {
        return usage_error("strconv.Atoi: parsing \"" + value + "\": invalid syntax");
      }
      filters.exit_codes.insert(code);
    }
    filters.values[key].push_back(value);
  }
  return filters;
}

bool included(const ContainerEntry& container, const Filters& filters, bool all) {
  const lifecycle::ContainerState& state = container.state;
  if (!all && !filters.values.contains("status") && state.status != ContainerStatus::kRunning) return false;
  if (const auto status = filters.values.find("status"); status != filters.values.end()) {
    const std::string text = container_state_text(state.status);
    if (std::find(status->second.begin(), status->second.end(), text) == status->second.end()) return false;
  }
  if (!filters.exit_codes.empty()) {
    if (state.status != ContainerStatus::kExited || !state.exit_code || !filters.exit_codes.contains(*state.exit_code)) return false;
  }
  return filters.matches_any("name", container.config.name) && filters.matches_any("id", container.config.id);
}

std::string image_text(const lifecycle::ContainerConfig& config, bool no_trunc) {
  if (config.image.empty()) return "<no image>";
  // An image named by its id prints as its short id, as Docker prints it.
  if (!no_trunc && !config.image_id.empty() && short_id(config.image_id) == short_id(config.image)) return short_id(config.image_id);
  return config.image;
}

}  // namespace

std::string container_state_text(ContainerStatus status) {
  switch (status) {
    case ContainerStatus::kCreated: return "created";
    case ContainerStatus::kRunning: return "running";
    case ContainerStatus::kExited: return "exited";
    case ContainerStatus::kRemoving: return "removing";
  }
  return "unknown";
}

std::string container_status_text(const lifecycle::ContainerState& state, int64_t now_nanos) {
  switch (state.status) {
    case ContainerStatus::kCreated: return "Created";
    case ContainerStatus::kRemoving: return "Removal In Progress";
    case ContainerStatus::kRunning: {
      const std::optional<int64_t> up = seconds_since(state.started_at, now_nanos);
      return up ? "Up " + docker_duration_text(*up) : "Up";
    }
    case ContainerStatus::kExited: {
      const std::string code = state.exit_code ? std::to_string(*state.exit_code) : "unknown";
      const std::optional<int64_t> ago = seconds_since(state.finished_at, now_nanos);
      return "Exited (" + code + ")" + (ago ? " " + docker_age_text(*ago) : "");
    }
  }
  return "";
}

std::vector<std::string> container_argv(const lifecycle::ContainerConfig& config) {
  std::vector<std::string> argv = config.entrypoint;
  argv.insert(argv.end(), config.command.begin(), config.command.end());
  return argv;
}

std::string container_command_text(const lifecycle::ContainerConfig& config) {
  std::string text;
  for (const std::string& argument : container_argv(config)) {
    if (!text.empty()) text += ' ';
    text += argument.find(' ') != std::string::npos ? "'" + argument + "'" : argument;
  }
  return text;
}

json container_row(const ContainerEntry& container, bool no_trunc, int64_t now_nanos) {
  const lifecycle::ContainerConfig& config = container.config;
  const std::string command = container_command_text(config);
  const std::optional<int64_t> created = parse_rfc3339_nanos(config.created);
  const int64_t created_seconds = created ? parse_rfc3339(config.created) : 0;
  return json{{"Command", go_quote(no_trunc ? command : ellipsis(command, 20))},
              {"CreatedAt", created ? go_time_text_utc(created_seconds) : ""},
              {"ID", no_trunc ? config.id : short_id(config.id)},
              {"Image", image_text(config, no_trunc)},
              {"Labels", ""},
              {"LocalVolumes", "0"},
              {"Mounts", ""},
              {"Names", config.name},
              {"Networks", "none"},
              {"Ports", ""},
              {"RunningFor", created ? docker_age_text((now_nanos - *created) / 1000000000) : "N/A"},
              {"Size", "0B"},
              {"State", container_state_text(container.state.status)},
              {"Status", container_status_text(container.state, now_nanos)}};
}

const json& container_headers() {
  static const json kHeaders = {{"ID", "CONTAINER ID"}, {"Names", "NAMES"},          {"Image", "IMAGE"},
                                {"Command", "COMMAND"}, {"CreatedAt", "CREATED AT"}, {"RunningFor", "CREATED"},
                                {"Ports", "PORTS"},     {"State", "STATE"},          {"Status", "STATUS"},
                                {"Size", "SIZE"},       {"Labels", "LABELS"},        {"Mounts", "MOUNTS"},
                                {"LocalVolumes", "LOCAL VOLUMES"}, {"Networks", "NETWORKS"}};
  return kHeaders;
}

Result<std::string> render_container_list(const std::vector<ContainerEntry>& containers, const ContainerListOptions& options,
                                          int64_t now_nanos) {
  auto filters = parse_filters(options.filters);
  if (!filters) return filters.error();
  std::vector<const ContainerEntry*> listed;
  for (const ContainerEntry& container : containers) {
    if (included(container, *filters, options.all)) listed.push_back(&container);
  }
  // Newest first, as Docker's daemon lists them; the id settles a tie.
  std::sort(listed.begin(), listed.end(), [](const ContainerEntry* a, const ContainerEntry* b) {
    const int64_t a_created = parse_rfc3339_nanos(a->config.created).value_or(0);
    const int64_t b_created = parse_rfc3339_nanos(b->config.created).value_or(0);
    return a_created != b_created ? a_created > b_created : a->config.id < b->config.id;
  });
  std::string format = options.format;
  if (options.quiet) format = "{{.ID}}";
  else if (format.empty() || format == "table") format = kDefaultTable;
  else if (format == "json") format = "{{json .}}";
  auto parsed = parse_listing_format(format);
  if (!parsed) return with_exit_code(plain_error("template parsing error: " + parsed.error().message), exit_codes::kUsage);
  std::vector<json> rows;
  for (const ContainerEntry* container : listed) rows.push_back(container_row(*container, options.no_trunc, now_nanos));
  return render_listing(*parsed, rows, container_headers());
}

}  // namespace isobench::cli
