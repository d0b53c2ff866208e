#include "runner/image/image_archive.h"

#include "runner/image/json_fields.h"
#include "runner/image/reference.h"

namespace isobench::runner::image {

namespace {

using nlohmann::json;

Descriptor manifest_descriptor(const ArchivedImage& image) {
  Descriptor descriptor;
  descriptor.media_type = image.record.manifest_media_type;
  descriptor.digest = image.record.manifest_digest;
  descriptor.size = image.manifest_size;
  return descriptor;
}

Result<DockerArchiveEntry> read_entry(const json& item, size_t position) {
  const std::string what = "manifest.json entry " + std::to_string(position);
  if (!item.is_object()) return plain_error(what + " is not an object");
  JsonFields fields(item, what);
  DockerArchiveEntry entry;
  entry.config = fields.string("Config", true);
  const std::vector<std::string> tags = fields.strings("RepoTags");
  entry.layers = fields.strings("Layers");
  if (!fields.ok()) return fields.error();
  for (const std::string& tag : tags) {
    auto reference = parse_reference(tag);
    if (!reference) return plain_error(what + ": RepoTags: " + reference.error().message);
    if (reference->digest) return plain_error(what + ": RepoTags: '" + tag.substr(0, 200) + "' is a digest, not a tag");
    entry.repo_tags.push_back(reference->repository() + ":" + reference->tag);
  }
  return entry;
}

}  // namespace

std::string archive_blob_path(const Digest& digest) { return "blobs/sha256/" + digest.hex; }

std::string oci_layout_index(const std::vector<ArchivedImage>& images) {
  ImageIndex index{std::string(media_types::kOciIndex), {}};
  for (const ArchivedImage& image : images) {
    if (image.names.empty()) index.manifests.push_back(manifest_descriptor(image));
    for (const std::string& name : image.names) {
      Descriptor entry = manifest_descriptor(image);
      entry.annotations[std::string(kImageNameAnnotation)] = name;
      auto reference = parse_reference(name);
      entry.annotations[std::string(kRefNameAnnotation)] = reference ? reference->tag : name;
      index.manifests.push_back(std::move(entry));
    }
  }
  return serialize_image_index(index);
}

std::string docker_archive_manifest(const std::vector<ArchivedImage>& images) {
  json list = json::array();
  for (const ArchivedImage& image : images) {
    json tags = json::array(), layers = json::array();
    for (const std::string& name : image.names) tags.push_back(familiar_name(name));
    for (const Digest& layer : image.record.layer_blobs) layers.push_back(archive_blob_path(layer));
    list.push_back({{"Config", archive_blob_path(image.record.id)}, {"RepoTags", tags.empty() ? json(nullptr) : tags}, {"Layers", layers}});
  }
  return list.dump();
}

std::optional<std::string> layout_entry_name(const Descriptor& entry) {
  std::string name;
  if (auto full = entry.annotations.find(std::string(kImageNameAnnotation)); full != entry.annotations.end()) {
    name = full->second;
  } else if (auto ref = entry.annotations.find(std::string(kRefNameAnnotation)); ref != entry.annotations.end()) {
    if (ref->second.find_first_of(":/") == std::string::npos) return std::nullopt;  // a bare tag
    name = ref->second;
  } else {
    return std::nullopt;
  }
  auto reference = parse_reference(name);
  if (!reference || reference->digest) return std::nullopt;
  return reference->repository() + ":" + reference->tag;
}

Result<std::vector<DockerArchiveEntry>> parse_docker_archive_manifest(std::string_view text) {
  const json document = json::parse(text.substr(0, kMaxDocumentBytes), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_array()) return plain_error("manifest.json is not a JSON array");
  std::vector<DockerArchiveEntry> entries;
  for (size_t i = 0; i < document.size(); ++i) {
    auto entry = read_entry(document[i], i);
    if (!entry) return entry.error();
    entries.push_back(std::move(*entry));
  }
  if (entries.empty()) return plain_error("manifest.json lists no image");
  return entries;
}

}  // namespace isobench::runner::image
