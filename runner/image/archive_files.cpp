#include "runner/image/archive_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "common/text.h"
#include "common/file_io.h"
#include "runner/image/archive_blocks.h"
#include "common/unique_fd.h"

namespace isobench::runner::image::detail {

namespace {

struct ReadFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
using Reader = std::unique_ptr<archive, ReadFree>;

Error reader_error(archive* reader, const std::string& where) {
  const char* why = archive_error_string(reader);
  return plain_error("reading the image archive " + where + ": " + (why ? why : "unreadable"));
}

Result<Reader> open_reader(int fd) {
  Reader reader(archive_read_new());
  if (!reader) return plain_error("libarchive: out of memory");
  archive_read_support_filter_gzip(reader.get());
  // Built-in zstd only: an external program must not run on untrusted input.
  archive_read_support_filter_zstd(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_fd(reader.get(), fd, 1 << 16) != ARCHIVE_OK) return reader_error(reader.get(), "at its start");
  return reader;
}

Result<ArchiveFile> copy_entry(archive* reader, const std::string& path, const std::string& name, const std::string& key) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return errno_error("cannot create " + path);
  ArchiveFile file{path, {}, 0};
  Sha256 hasher;
  ISOBENCH_TRY(for_each_data_block(reader, "reading the image archive at '" + name + "'", [&](const char* block, size_t size, off_t) -> Status {
    ISOBENCH_TRY(write_fully(fd.get(), std::string_view(block, size), path));
    hasher.update(block, size);
    file.size += size;
    return Status{};
  }));
  file.digest = hasher.finish();
  const std::string blob_prefix = "blobs/sha256/";
  if (key.starts_with(blob_prefix) && key.size() == blob_prefix.size() + 64 && file.digest.hex != key.substr(blob_prefix.size())) {
    return plain_error("the image archive's blob " + key.substr(blob_prefix.size(), 12) + " does not match its digest (it is " +
                       file.digest.str() + ")");
  }
  return file;
}

std::string parent_of(const std::string& key) {
  const size_t slash = key.rfind('/');
  return slash == std::string::npos ? "" : key.substr(0, slash);
}

}  // namespace

std::string archive_entry_key(std::string_view name) {
  std::vector<std::string> parts;
  for (const std::string& part : split_list(name, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return join(parts, "/");
}

Result<ArchiveFiles> ArchiveFiles::extract(int input_fd, const std::string& directory, uint64_t max_entries) {
  auto reader = open_reader(input_fd);
  if (!reader) return reader.error();
  ArchiveFiles files;
  for (uint64_t count = 0;; ++count) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(reader->get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return reader_error(reader->get(), count == 0 ? "at its start" : "after " + std::to_string(count) + " entries");
    if (count >= max_entries) return plain_error("the image archive has more than " + std::to_string(max_entries) + " entries");
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name ? raw_name : "";
    const std::string key = archive_entry_key(name);
    const std::vector<std::string> parts = split_list(name, '/');
    const bool climbs = std::find(parts.begin(), parts.end(), "..") != parts.end();
    if (climbs || (key.empty() && archive_entry_filetype(entry) != AE_IFDIR)) {
      return plain_error("the image archive has an entry named '" + name.substr(0, 200) + "' outside it");
    }
    if (key.empty()) continue;  // "./"
    if (const char* target = archive_entry_hardlink(entry)) {
      files.aliases_[key] = archive_entry_key(target);
    } else if (archive_entry_filetype(entry) == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      files.aliases_[key] = archive_entry_key(parent_of(key) + "/" + (target ? target : ""));
    } else if (archive_entry_filetype(entry) == AE_IFREG) {
      auto file = copy_entry(reader->get(), directory + "/" + std::to_string(count), name, key);
      if (!file) return file.error();
      files.files_[key] = std::move(*file);
    }
  }
  return files;
}

const ArchiveFile* ArchiveFiles::find(const std::string& name) const {
  std::string key = archive_entry_key(name);
  for (int hops = 0; hops < 16; ++hops) {
    if (auto file = files_.find(key); file != files_.end()) return &file->second;
    auto alias = aliases_.find(key);
    if (alias == aliases_.end()) return nullptr;
    key = alias->second;
  }
  return nullptr;
}

Result<const ArchiveFile*> ArchiveFiles::require(const std::string& name) const {
  if (const ArchiveFile* file = find(name)) return file;
  return plain_error("the image archive has no file '" + name.substr(0, 200) + "'");
}

}  // namespace isobench::runner::image::detail
