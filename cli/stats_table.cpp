#include "cli/stats_table.h"

#include <cstdio>

#include "cli/docker_text.h"
#include "cli/format_template.h"

namespace isobench::cli {

using nlohmann::json;

namespace {

constexpr const char* kDefaultTable =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

// The docker cli's formatPercentage: two decimals and "%".
std::string percentage_text(double value) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f%%", value);
  return text;
}

std::string pair_text(int64_t first, int64_t second) {
  return docker_size_text(first) + " / " + docker_size_text(second);
}

std::string cpu_text(const ContainerSample* before, const ContainerSample& after, int64_t wall_delta_ns) {
  if (before == nullptr || !before->valid) return "--";
  // As Docker: no CPU used, or no time between the samples, is 0%.
  if (after.cpu_ns <= before->cpu_ns || wall_delta_ns <= 0) return percentage_text(0.0);
  return percentage_text(static_cast<double>(after.cpu_ns - before->cpu_ns) / static_cast<double>(wall_delta_ns) * 100.0);
}

const json& stats_headers() {
  static const json kHeaders = {{"Container", "CONTAINER"}, {"Name", "NAME"},          {"ID", "CONTAINER ID"},
                                {"CPUPerc", "CPU %"},       {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"},
                                {"NetIO", "NET I/O"},       {"BlockIO", "BLOCK I/O"},  {"PIDs", "PIDS"}};
  return kHeaders;
}

}  // namespace

json stats_row(const ContainerSample* before, const ContainerSample& after, int64_t wall_delta_ns, bool no_trunc) {
  json row = {{"Container", after.container.empty() ? short_id(after.id) : after.container},
              {"ID", no_trunc ? after.id : short_id(after.id)},
              {"Name", after.name.empty() ? "--" : after.name}};
  if (!after.valid) {
    row.update(json{{"CPUPerc", "--"}, {"MemUsage", "-- / --"}, {"MemPerc", "--"}, {"NetIO", "--"}, {"BlockIO", "--"}, {"PIDs", "--"}});
    return row;
  }
  const double memory_share = after.mem_limit > 0 ? static_cast<double>(after.mem_bytes) / static_cast<double>(after.mem_limit) * 100.0 : 0.0;
  row.update(json{{"CPUPerc", cpu_text(before, after, wall_delta_ns)},
                  {"MemUsage", docker_binary_size_text(after.mem_bytes) + " / " + docker_binary_size_text(after.mem_limit)},
                  {"MemPerc", percentage_text(memory_share)},
                  {"NetIO", pair_text(after.net_rx, after.net_tx)},
                  {"BlockIO", pair_text(after.block_read, after.block_write)},
                  {"PIDs", std::to_string(after.pids)}});
  return row;
}

Result<std::string> render_stats(const std::vector<ContainerSample>& before, const std::vector<ContainerSample>& after,
                                 int64_t wall_delta_ns, const StatsOptions& options) {
  std::string format = options.format;
  if (format.empty() || format == "table") format = kDefaultTable;
  else if (format == "json") format = "{{json .}}";
  auto parsed = parse_listing_format(format);
  if (!parsed) return usage_error("template parsing error: " + parsed.error().message);
  std::vector<json> rows;
  for (const ContainerSample& sample : after) {
    const ContainerSample* earlier = nullptr;
    for (const ContainerSample& candidate : before) {
      if (candidate.id == sample.id) earlier = &candidate;
    }
    rows.push_back(stats_row(earlier, sample, wall_delta_ns, options.no_trunc));
  }
  return render_listing(*parsed, rows, stats_headers());
}

std::string stats_refresh_prefix() {
  return "\033[2J\033[H";
}

}  // namespace isobench::cli
