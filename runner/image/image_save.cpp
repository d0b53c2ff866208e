#include "runner/image/image_save.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <memory>
#include <set>

#include "common/unique_fd.h"
#include "runner/image/reference.h"

namespace isobench::runner::image {

namespace {

struct WriteFree {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
using Writer = std::unique_ptr<archive, WriteFree>;
using Entry = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

Entry make_entry(const std::string& path, mode_t type, int64_t size) {
  Entry entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), type);
  archive_entry_set_perm(entry.get(), type == AE_IFDIR ? 0755 : 0644);
  archive_entry_set_size(entry.get(), size);
  archive_entry_set_mtime(entry.get(), std::time(nullptr), 0);
  return entry;
}

Error writer_error(archive* writer, const std::string& what) {
  const char* why = archive_error_string(writer);
  return plain_error("writing the image archive (" + what + "): " + (why ? why : "failed"));
}

Status write_text(archive* writer, const std::string& path, std::string_view text) {
  Entry entry = make_entry(path, AE_IFREG, static_cast<int64_t>(text.size()));
  if (archive_write_header(writer, entry.get()) != ARCHIVE_OK) return writer_error(writer, path);
  if (archive_write_data(writer, text.data(), text.size()) != static_cast<la_ssize_t>(text.size())) return writer_error(writer, path);
  return {};
}

Status write_blob_file(archive* writer, const Store& store, const Digest& digest) {
  UniqueFd fd(::open(store.blob_path(digest).c_str(), O_RDONLY | O_CLOEXEC));
  struct stat status{};
  if (!fd || ::fstat(fd.get(), &status) != 0) return errno_error("cannot read blob " + digest.short_id() + " of the store");
  const std::string path = archive_blob_path(digest);
  Entry entry = make_entry(path, AE_IFREG, status.st_size);
  if (archive_write_header(writer, entry.get()) != ARCHIVE_OK) return writer_error(writer, path);
  std::vector<char> buffer(1 << 16);
  for (int64_t left = status.st_size; left > 0;) {
    const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return errno_error("cannot read blob " + digest.short_id() + " of the store");
    if (archive_write_data(writer, buffer.data(), static_cast<size_t>(got)) != got) return writer_error(writer, path);
    left -= got;
  }
  return {};
}

/// Every blob the images use, each once: manifests, configs, layers.
std::vector<Digest> blobs_of(const std::vector<ArchivedImage>& images) {
  std::vector<Digest> blobs;
  std::set<std::string> seen;
  for (const ArchivedImage& image : images) {
    std::vector<Digest> parts = {image.record.manifest_digest, image.record.id};
    parts.insert(parts.end(), image.record.layer_blobs.begin(), image.record.layer_blobs.end());
    for (const Digest& part : parts) {
      if (seen.insert(part.hex).second) blobs.push_back(part);
    }
  }
  return blobs;
}

/// The tag `name` names in the index, if it is one.
std::optional<std::string> tag_named(const StoreIndex& index, const std::string& name) {
  auto reference = parse_reference(name);
  if (!reference || reference->digest || name.starts_with("sha256:")) return std::nullopt;
  const std::string tag = reference->repository() + ":" + reference->tag;
  return index.tags.contains(tag) ? std::optional(tag) : std::nullopt;
}

}  // namespace

Result<std::vector<ArchivedImage>> images_to_save(const Store& store, const StoreIndex& index, const std::vector<std::string>& names) {
  std::vector<ArchivedImage> images;
  for (const std::string& name : names) {
    auto record = find_image(index, name);
    if (!record) return record.error();
    auto same = std::find_if(images.begin(), images.end(), [&](const ArchivedImage& image) { return image.record.id == record->id; });
    if (same == images.end()) {
      struct stat status{};
      if (::stat(store.blob_path(record->manifest_digest).c_str(), &status) != 0) {
        return errno_error("the manifest of image " + record->id.short_id() + " is missing from the store");
      }
      images.push_back(ArchivedImage{*record, status.st_size, {}});
      same = images.end() - 1;
    }
    const auto tag = tag_named(index, name);
    if (tag && std::find(same->names.begin(), same->names.end(), *tag) == same->names.end()) same->names.push_back(*tag);
  }
  return images;
}

Status write_image_archive(const Store& store, const std::vector<ArchivedImage>& images, int output_fd) {
  Writer writer(archive_write_new());
  if (!writer) return plain_error("libarchive: out of memory");
  archive_write_set_format_pax_restricted(writer.get());
  if (archive_write_open_fd(writer.get(), output_fd) != ARCHIVE_OK) return writer_error(writer.get(), "open");
  for (const char* directory : {"blobs", "blobs/sha256"}) {
    Entry entry = make_entry(directory, AE_IFDIR, 0);
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) return writer_error(writer.get(), directory);
  }
  for (const Digest& blob : blobs_of(images)) ISOBENCH_TRY(write_blob_file(writer.get(), store, blob));
  ISOBENCH_TRY(write_text(writer.get(), "oci-layout", kOciLayoutFile));
  ISOBENCH_TRY(write_text(writer.get(), "index.json", oci_layout_index(images)));
  ISOBENCH_TRY(write_text(writer.get(), "manifest.json", docker_archive_manifest(images)));
  if (archive_write_close(writer.get()) != ARCHIVE_OK) return writer_error(writer.get(), "close");
  return {};
}

}  // namespace isobench::runner::image
