// `run IMAGE`: an image from the store as a container's root filesystem (its layers, top
// first, as the overlay's lower directories) and its config as the container's defaults
// (Entrypoint, Cmd, Env, WorkingDir, User), with Docker's override rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "runner/container_request.h"
#include "runner/image/image_config.h"
#include "runner/image/store.h"

namespace isobench::runner::image {

/// The name the built-in image answers to in `run` (it is not in the store).
inline constexpr std::string_view kBuiltinImageName = "isobench/builtin";

struct ImageRootfs {
  ImageRecord image;
  ImageConfig config;
  std::vector<std::string> layers;  ///< layer trees, top first
  UniqueFd in_use;                  ///< held while the container runs: rmi refuses the image
};

/// Finds `name` in `store`, marks it in use and checks that every layer is present.
Result<ImageRootfs> open_image_rootfs(const Store& store, std::string_view name);

/// What the user typed on top of the image: the command after IMAGE, --entrypoint, and
/// whether -w / -u were given.
struct ImageOverrides {
  std::vector<std::string> command;
  std::optional<std::string> entrypoint;
  bool workdir_given = false;
  bool user_given = false;
};

/// Fills `request` from the image: its layers as the rootfs, the command by Docker's rules,
/// the image's Env under the request's -e values, WorkingDir and User unless given. A user
/// name is looked up in the image's /etc/passwd (and a group name in /etc/group).
Status apply_image(const ImageRootfs& image, const ImageOverrides& overrides, ContainerRequest& request);

/// "name[:group]" or numbers, as "uid:gid", looked up in the topmost layer that has the
/// file (whiteouts of /etc/passwd itself are not followed).
Result<std::string> resolve_image_user(const std::vector<std::string>& layers, const std::string& user);

}  // namespace isobench::runner::image
