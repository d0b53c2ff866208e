// The JSON documents of the OCI image spec and Docker's image manifest v2 schema 2:
// descriptors, image manifests, image indexes (manifest lists), and platform selection.
// Parsing checks every field's type and never throws: a registry's answer is untrusted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/image/digest.h"

namespace isobench::runner::image {

namespace media_types {
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
/// What a pull accepts, for the Accept header, in order of preference.
inline constexpr std::string_view kAcceptManifests =
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
}  // namespace media_types

bool is_index_media_type(std::string_view media_type);
bool is_manifest_media_type(std::string_view media_type);
/// A layer this store can unpack (tar, gzip, zstd; OCI or Docker names). Foreign and
/// non-distributable layers (Windows base layers) are not.
bool is_layer_media_type(std::string_view media_type);

struct Platform {
  std::string os = "linux";
  std::string architecture;
  std::string variant;  ///< "v8" for arm64, may be empty

  /// "linux/amd64", "linux/arm64/v8"; the error names the text.
  static Result<Platform> parse(std::string_view text);
  /// This machine's, in the spec's names (amd64, arm64, ...).
  static Platform host();
  std::string str() const;
  /// Whether an index entry for `offered` runs here when `*this` is wanted: same os and
  /// architecture; a variant matches when either side leaves it out.
  bool accepts(const Platform& offered) const;
  bool operator==(const Platform&) const = default;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::optional<Platform> platform;
  std::map<std::string, std::string> annotations;
};

struct ImageManifest {
  std::string media_type;  ///< from the document, or the Content-Type it came with
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct ImageIndex {
  std::string media_type;
  std::vector<Descriptor> manifests;
};

/// `content_type` is the HTTP Content-Type (or the descriptor's media type); the document's
/// own mediaType wins when both are present and they must then agree.
Result<ImageManifest> parse_image_manifest(std::string_view json, std::string_view content_type);
Result<ImageIndex> parse_image_index(std::string_view json, std::string_view content_type);
/// The media type of a manifest-like document: its mediaType field, else `content_type`.
Result<std::string> manifest_media_type(std::string_view json, std::string_view content_type);

/// The manifest for `wanted` in `index`; the error lists the platforms the index offers.
Result<Descriptor> select_platform(const ImageIndex& index, const Platform& wanted);

/// Documents this store writes (an OCI manifest for `import`, an index for `save`).
std::string serialize_image_manifest(const ImageManifest& manifest);
std::string serialize_image_index(const ImageIndex& index);

}  // namespace isobench::runner::image
