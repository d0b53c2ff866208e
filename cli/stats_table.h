// What `isobench stats` prints, as `docker stats` prints it: one row per container with CPU %,
// memory usage / limit, memory %, network and block I/O, and pids, in Docker's units (memory
// in binary "MiB"/"GiB" as go-units' BytesSize, I/O in decimal "kB"/"MB" as HumanSize with
// three digits). Pure: the caller samples the cgroups twice and passes both samples and the
// wall-clock time between them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::cli {

/// One container's counters at one instant.
struct ContainerSample {
  std::string id;         ///< the full id
  std::string name;
  std::string container;  ///< as the user named it on the command line; "" for the short id
  bool valid = true;      ///< false when the counters could not be read (every column "--")
  uint64_t cpu_ns = 0;    ///< CPU time used so far, all threads, user and system
  int64_t mem_bytes = 0;  ///< memory used, without the inactive page cache (as Docker counts it)
  int64_t mem_limit = 0;  ///< the memory limit; the host's memory when the container has none
  uint64_t pids = 0;
  int64_t net_rx = 0, net_tx = 0;
  int64_t block_read = 0, block_write = 0;
};

struct StatsOptions {
  bool no_trunc = false;    ///< full ids
  std::string format = {};  ///< "" or "table": the default table; "json"; or a template
};

/// The object a --format template sees for one container, Docker's keys (BlockIO, CPUPerc,
/// Container, ID, MemPerc, MemUsage, Name, NetIO, PIDs), every value a string. CPU % is the
/// CPU time used between the two samples over the wall-clock time between them (so above
/// 100% on several cores, as Docker's); "--" without an earlier sample of the container.
nlohmann::json stats_row(const ContainerSample* before, const ContainerSample& after, int64_t wall_delta_ns, bool no_trunc);

/// The rows for the containers of `after`, in its order, each matched by id with its sample
/// in `before`: Docker's table (CONTAINER ID, NAME, CPU %, MEM USAGE / LIMIT, MEM %, NET I/O,
/// BLOCK I/O, PIDS), one JSON object per line for "json", or a template (format_template.h,
/// prepared as the docker cli prepares it). Usage errors for a template that does not parse
/// or render.
Result<std::string> render_stats(const std::vector<ContainerSample>& before, const std::vector<ContainerSample>& after,
                                 int64_t wall_delta_ns, const StatsOptions& options);

/// What Docker writes before each refresh of the table on a terminal: clear the screen, then
/// move the cursor home.
std::string stats_refresh_prefix();

}  // namespace isobench::cli
