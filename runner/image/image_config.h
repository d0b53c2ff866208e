// An image's configuration (OCI image spec "config", Docker's container image JSON): what
// `run IMAGE` honours (Entrypoint, Cmd, Env, WorkingDir, User, StopSignal) and the layers'
// diff ids. Parsed with every field type-checked; unknown fields are kept verbatim in the
// store's copy (the blob), not here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/image/digest.h"

namespace isobench::runner::image {

struct ImageConfig {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string created;  ///< RFC 3339, as written by the builder; may be empty
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  ///< "KEY=VALUE"
  std::string working_dir;
  std::string user;  ///< "uid", "uid:gid", "name", "name:group"; empty: root
  std::string stop_signal;
  std::map<std::string, std::string> labels;
  std::vector<Digest> diff_ids;  ///< rootfs.diff_ids, bottom layer first
};

Result<ImageConfig> parse_image_config(std::string_view json);
/// A config document for an image made here (`import`): the fields above, rootfs of type
/// "layers", and one history entry saying how it was made.
std::string serialize_image_config(const ImageConfig& config, std::string_view history_comment);

/// The argv a container of this image runs: `override_cmd` replaces Cmd, a non-empty
/// `override_entrypoint` replaces Entrypoint (Docker's rules; `--entrypoint ""` clears it).
std::vector<std::string> container_argv(const ImageConfig& config, const std::vector<std::string>& override_cmd,
                                        const std::optional<std::string>& override_entrypoint);

}  // namespace isobench::runner::image
