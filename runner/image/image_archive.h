// The documents of an image archive, as `save` writes and `load` reads them: an OCI image
// layout (oci-layout, index.json, blobs/sha256/...) with Docker's manifest.json beside it,
// so that both `docker load` and OCI tools (skopeo's oci-archive:) read what `save` wrote;
// and the manifest.json of a `docker save` archive from before Docker wrote OCI layouts.
// Pure: documents in, documents out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/image/manifest.h"
#include "runner/image/store.h"

namespace isobench::runner::image {

inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
/// The whole name, as Docker (25+) and containerd write it beside the bare tag of ref.name.
inline constexpr std::string_view kImageNameAnnotation = "io.containerd.image.name";
inline constexpr std::string_view kOciLayoutFile = "{\"imageLayoutVersion\":\"1.0.0\"}";

/// One image of an archive and the names it is saved under (normalised "repository:tag").
struct ArchivedImage {
  ImageRecord record;
  int64_t manifest_size = 0;
  std::vector<std::string> names;
};

/// The archive path of a blob: "blobs/sha256/HEX".
std::string archive_blob_path(const Digest& digest);

/// index.json: one entry per name, annotated with the name (kImageNameAnnotation) and its tag
/// (kRefNameAnnotation); an image saved without a name gets one entry without annotations.
std::string oci_layout_index(const std::vector<ArchivedImage>& images);

/// manifest.json: one entry per image, Config and Layers as archive paths, RepoTags as
/// Docker prints names ("busybox:latest").
std::string docker_archive_manifest(const std::vector<ArchivedImage>& images);

/// The name an index.json entry gives its image: kImageNameAnnotation, else a ref.name that
/// is a whole reference ("busybox:1", "localhost:5000/x:y"), normalised. A bare tag
/// ("latest", as skopeo writes) or none: no name.
std::optional<std::string> layout_entry_name(const Descriptor& entry);

/// One entry of a `docker save` manifest.json.
struct DockerArchiveEntry {
  std::string config;                  ///< archive path of the config ("HEX.json", "blobs/sha256/HEX")
  std::vector<std::string> repo_tags;  ///< normalised "repository:tag"
  std::vector<std::string> layers;     ///< archive paths of the layer tars, bottom first
};

/// Parses manifest.json; every field type-checked, every RepoTag a valid reference with a tag.
Result<std::vector<DockerArchiveEntry>> parse_docker_archive_manifest(std::string_view json);

}  // namespace isobench::runner::image
