// The workloads a benchmark can run: the built-in image's programs with their default
// arguments, parameters from sweeps (`mem.size=64m`), or any command (`--cmd`).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace isobench::bench {

struct WorkloadCommand {
  std::string name;                           ///< "noop", "mem", or "cmd" for --cmd
  std::map<std::string, std::string> params;  ///< as given: {"size": "64m"}
  std::vector<std::string> argv;              ///< inside the image: {"/bin/mem", "--size", "64m"}
  bool reports_json = true;                   ///< prints the workloads' JSON line (not --cmd)

  /// "mem(size=64m)" or "noop": the name results and tables use.
  std::string label() const;
};

/// Names of the built-in workloads, in the order tables show them.
const std::vector<std::string>& builtin_workloads();

/// builtin_workloads() as a list for --help and error messages: "noop, hello, ...".
std::string known_workloads();

/// The command for a built-in workload with `params` (each becomes --KEY VALUE). Unknown
/// workload names are an error naming the known ones.
Result<WorkloadCommand> workload_command(const std::string& name, const std::map<std::string, std::string>& params);

/// The start stamper (bench/workloads/start.c) inside every image the targets run, the
/// built-in one and, added below its layers, any from the store: `--cmd` runs under it, so a
/// command that writes no handshake of its own still has a startup figure (launch to the
/// moment the command is exec'd inside the target).
inline constexpr const char* kStartStamper = "/.isobench/start";

/// Whether `workload` runs under the stamper: argv[0] is kStartStamper, argv[1] the command.
bool runs_under_stamper(const WorkloadCommand& workload);

/// A user command, run as it is: `argv` as split by split_command_words, argv[0] the
/// program's path in the image (harness_options finds it there).
WorkloadCommand custom_command(const std::vector<std::string>& argv);

/// "mem.size=16m,64m" -> {"mem", "size", {"16m", "64m"}}: one parameter sweep.
struct ParamSweep {
  std::string workload;
  std::string key;
  std::vector<std::string> values;
};
Result<ParamSweep> parse_param_sweep(const std::string& text);

}  // namespace isobench::bench
