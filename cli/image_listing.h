// How `isobench images` prints, as `docker images` does; the sizes, ages and columns come from
// docker_text.h, which the container verbs share. Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "cli/docker_text.h"
#include "runner/image/store.h"

namespace isobench::cli {

struct ImageListOptions {
  bool digests = false;   ///< a DIGEST column
  bool no_trunc = false;  ///< full "sha256:..." ids
  bool quiet = false;     ///< ids only, one per line, each image once
};

/// One row per tag (an untagged image once, as <none> <none>), newest first, as `docker
/// images` lists them; `now` for the CREATED column.
std::string render_image_list(const runner::image::StoreIndex& index, const ImageListOptions& options, int64_t now);

}  // namespace isobench::cli
