#include "runner/image/manifest.h"

#include <sys/utsname.h>

#include "common/text.h"
#include "runner/image/json_fields.h"

namespace isobench::runner::image {

namespace {

using nlohmann::json;

bool one_of(std::string_view value, std::initializer_list<std::string_view> options) {
  for (std::string_view option : options) {
    if (value == option) return true;
  }
  return false;
}

std::optional<Platform> read_platform(JsonFields& fields) {
  const json* platform = fields.object("platform");
  if (!platform) return std::nullopt;
  JsonFields platform_fields(*platform, fields.what() + " platform");
  Platform result;
  result.os = platform_fields.string("os", true);
  result.architecture = platform_fields.string("architecture", true);
  result.variant = platform_fields.string("variant");
  if (!platform_fields.ok()) fields.fail(platform_fields.error().message);
  return result;
}

Result<Descriptor> read_descriptor(const json& item, const std::string& what) {
  if (!item.is_object()) return plain_error(what + " is not an object");
  JsonFields fields(item, what);
  Descriptor descriptor;
  descriptor.media_type = fields.string("mediaType", true);
  const std::string digest = fields.string("digest", true);
  descriptor.size = fields.integer("size", true);
  descriptor.platform = read_platform(fields);
  descriptor.annotations = fields.string_map("annotations");
  if (!fields.ok()) return fields.error();
  if (descriptor.size < 0) return plain_error(what + ": size is negative");
  auto parsed = Digest::parse(digest);
  if (!parsed) return plain_error(what + ": " + parsed.error().message);
  descriptor.digest = std::move(*parsed);
  return descriptor;
}

Result<std::vector<Descriptor>> read_descriptors(const json& list, const std::string& what) {
  std::vector<Descriptor> descriptors;
  for (size_t i = 0; i < list.size(); ++i) {
    auto descriptor = read_descriptor(list[i], what + " " + std::to_string(i));
    if (!descriptor) return descriptor.error();
    descriptors.push_back(std::move(*descriptor));
  }
  return descriptors;
}

json descriptor_json(const Descriptor& descriptor) {
  json item = {{"mediaType", descriptor.media_type}, {"digest", descriptor.digest.str()}, {"size", descriptor.size}};
  if (descriptor.platform) {
    item["platform"] = {{"os", descriptor.platform->os}, {"architecture", descriptor.platform->architecture}};
    if (!descriptor.platform->variant.empty()) item["platform"]["variant"] = descriptor.platform->variant;
  }
  if (!descriptor.annotations.empty()) item["annotations"] = descriptor.annotations;
  return item;
}

}  // namespace

bool is_index_media_type(std::string_view media_type) {
  return one_of(media_type, {media_types::kOciIndex, media_types::kDockerManifestList});
}

bool is_manifest_media_type(std::string_view media_type) {
  return one_of(media_type, {media_types::kOciManifest, media_types::kDockerManifest});
}

bool is_layer_media_type(std::string_view media_type) {
  return one_of(media_type, {media_types::kOciLayer, media_types::kOciLayerGzip, media_types::kOciLayerZstd,
                             media_types::kDockerLayerGzip, "application/vnd.docker.image.rootfs.diff.tar"});
}

Result<Platform> Platform::parse(std::string_view text) {
  const std::vector<std::string> parts = split_list(text, '/');
  for (const std::string& part : parts) {
    if (part.empty()) return usage_error("invalid platform '" + std::string(text) + "' (expected OS/ARCH[/VARIANT], e.g. linux/amd64)");
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return usage_error("invalid platform '" + std::string(text) + "' (expected OS/ARCH[/VARIANT], e.g. linux/amd64)");
  }
  Platform platform{parts[0], parts[1], parts.size() == 3 ? parts[2] : ""};
  return platform;
}

Platform Platform::host() {
  utsname name{};
  uname(&name);
  const std::string machine = name.machine;
  Platform platform;
  if (machine == "x86_64") {
    platform.architecture = "amd64";
  } else if (machine == "aarch64") {
    platform.architecture = "arm64";
    platform.variant = "v8";
  } else if (machine == "i686" || machine == "i386") {
    platform.architecture = "386";
  } else if (machine.starts_with("armv7")) {
    platform.architecture = "arm";
    platform.variant = "v7";
  } else {
    platform.architecture = machine;  // ppc64le, s390x, riscv64 have the same names
  }
  return platform;
}

std::string Platform::str() const {
  return variant.empty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
}

bool Platform::accepts(const Platform& offered) const {
  if (os != offered.os || architecture != offered.architecture) return false;
  return variant.empty() || offered.variant.empty() || variant == offered.variant;
}

Result<std::string> manifest_media_type(std::string_view text, std::string_view content_type) {
  auto document = parse_json_object(text, "manifest");
  if (!document) return document.error();
  JsonFields fields(*document, "manifest");
  std::string media_type = fields.string("mediaType");
  if (!fields.ok()) return fields.error();
  // Content-Type may carry parameters ("...+json; charset=utf-8").
  const std::string_view header_type = content_type.substr(0, content_type.find(';'));
  if (media_type.empty()) return std::string(header_type);
  return media_type;
}

Result<ImageManifest> parse_image_manifest(std::string_view text, std::string_view content_type) {
  auto document = parse_json_object(text, "image manifest");
  if (!document) return document.error();
  auto media_type = manifest_media_type(text, content_type);
  if (!media_type) return media_type.error();
  if (!is_manifest_media_type(*media_type)) return plain_error("unsupported manifest media type '" + media_type->substr(0, 100) + "'");
  JsonFields fields(*document, "image manifest");
  if (fields.integer("schemaVersion", true) != 2 && fields.ok()) fields.fail("schemaVersion is not 2");
  const json* config = fields.object("config", true);
  const json* layers = fields.array("layers", true);
  if (!fields.ok()) return fields.error();
  ImageManifest manifest;
  manifest.media_type = *media_type;
  auto config_descriptor = read_descriptor(*config, "image manifest config");
  if (!config_descriptor) return config_descriptor.error();
  manifest.config = std::move(*config_descriptor);
  auto layer_descriptors = read_descriptors(*layers, "image manifest layer");
  if (!layer_descriptors) return layer_descriptors.error();
  manifest.layers = std::move(*layer_descriptors);
  for (const Descriptor& layer : manifest.layers) {
    if (!is_layer_media_type(layer.media_type)) {
      return plain_error("layer " + layer.digest.short_id() + " has an unsupported media type '" + layer.media_type.substr(0, 100) + "'");
    }
  }
  return manifest;
}

Result<ImageIndex> parse_image_index(std::string_view text, std::string_view content_type) {
  auto document = parse_json_object(text, "image index");
  if (!document) return document.error();
  auto media_type = manifest_media_type(text, content_type);
  if (!media_type) return media_type.error();
  if (!is_index_media_type(*media_type)) return plain_error("unsupported index media type '" + media_type->substr(0, 100) + "'");
  JsonFields fields(*document, "image index");
  const json* manifests = fields.array("manifests", true);
  if (!fields.ok()) return fields.error();
  auto descriptors = read_descriptors(*manifests, "image index entry");
  if (!descriptors) return descriptors.error();
  return ImageIndex{*media_type, std::move(*descriptors)};
}

Result<Descriptor> select_platform(const ImageIndex& index, const Platform& wanted) {
  std::vector<std::string> offered;
  for (const Descriptor& entry : index.manifests) {
    if (!entry.platform) continue;
    // Attestation manifests (BuildKit's "unknown/unknown") are not images.
    if (entry.platform->os == "unknown") continue;
    if (wanted.accepts(*entry.platform) && is_manifest_media_type(entry.media_type)) return entry;
    offered.push_back(entry.platform->str());
  }
  return plain_error("no image for platform " + wanted.str() + " (the index offers: " +
                     (offered.empty() ? std::string("none") : join(offered, ", ")) + ")");
}

std::string serialize_image_manifest(const ImageManifest& manifest) {
  json document = {{"schemaVersion", 2}, {"mediaType", manifest.media_type}, {"config", descriptor_json(manifest.config)}};
  document["layers"] = json::array();
  for (const Descriptor& layer : manifest.layers) document["layers"].push_back(descriptor_json(layer));
  return document.dump();
}

std::string serialize_image_index(const ImageIndex& index) {
  json document = {{"schemaVersion", 2}, {"mediaType", index.media_type}, {"manifests", json::array()}};
  for (const Descriptor& entry : index.manifests) document["manifests"].push_back(descriptor_json(entry));
  return document.dump();
}

}  // namespace isobench::runner::image
