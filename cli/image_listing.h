// How the image verbs print, as Docker prints: sizes in decimal units with three significant
// digits ("4.26MB"), ages in words ("2 days ago"), and tab-aligned columns. Pure functions.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "runner/image/store.h"

namespace isobench::cli {

/// go-units' HumanSize: 1000-based, "B", "kB", "MB", "GB", "TB", three significant digits.
std::string docker_size_text(int64_t bytes);
/// go-units' HumanDuration + " ago": "Less than a second ago", "About a minute ago",
/// "5 minutes ago", "About an hour ago", "3 hours ago", "2 days ago", "3 weeks ago", ...
std::string docker_age_text(int64_t seconds);
/// Seconds since the epoch of an RFC 3339 time ("2026-01-02T03:04:05.123Z", "+01:00" offsets);
/// -1 when it does not parse.
int64_t parse_rfc3339(const std::string& text);

/// Columns separated by at least three spaces, each as wide as its widest cell (Docker's
/// tabwriter settings); no trailing spaces.
std::string render_columns(const std::vector<std::vector<std::string>>& rows);

struct ImageListOptions {
  bool digests = false;   ///< a DIGEST column
  bool no_trunc = false;  ///< full "sha256:..." ids
  bool quiet = false;     ///< ids only, one per line, each image once
};

/// One row per tag (an untagged image once, as <none> <none>), newest first, as `docker
/// images` lists them; `now` for the CREATED column.
std::string render_image_list(const runner::image::StoreIndex& index, const ImageListOptions& options, int64_t now);

}  // namespace isobench::cli
