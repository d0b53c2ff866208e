// OCI runtime bundles for runc and crun: one config.json written by isobench, so that both
// runtimes run byte-identical bundles of the same image and workload.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace isobench::bench {

/// The config.json (OCI runtime spec 1.0.2) matching `isobench run`'s default isolation as
/// closely as the spec allows: pid, network, ipc, uts, mount and cgroup namespaces; the image
/// read-only with a tmpfs on /tmp (OCI has no overlay root); /proc, /dev, /dev/pts,
/// /dev/shm, /dev/mqueue, read-only /sys; Docker's default capabilities; no_new_privs;
/// isobench's default seccomp profile (Docker's); runc's masked and read-only paths.
nlohmann::json oci_config(const std::string& rootfs, const std::vector<std::string>& args,
                          const std::vector<std::string>& env);

/// Writes `config` to DIR/config.json, creating DIR.
Status write_bundle(const std::string& dir, const nlohmann::json& config);

}  // namespace isobench::bench
