// runc and crun (the target itself is made by make_target): what else knows about their state.
#pragma once

#include <string>

namespace isobench::bench {

/// Force-deletes every container that runc or crun still lists in the state directories
/// of the scratch directory `scratch` (their `run` was killed with the harness; the
/// containers were not): what a killed bench leaves running. Best effort.
void delete_leftover_oci_containers(const std::string& scratch);

}  // namespace isobench::bench
