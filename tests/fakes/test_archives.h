// Tar archives built in memory for the tests of the layer unpacker and of pull: entries of
// every kind, a pax tar with libarchive's default records, and whole-stream compression, the
// way a registry's layer blob holds it.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace isobench::testing {

struct Entry {
  std::string name;
  mode_t type = AE_IFREG;
  mode_t perm = 0644;
  std::string data;
  std::string symlink;
  std::string hardlink;
  int64_t uid = 0;
  int64_t gid = 0;
  unsigned major = 0;
  unsigned minor = 0;
  time_t mtime = 1'600'000'000;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

inline Entry entry_of(std::string name, mode_t type, mode_t perm) {
  Entry entry;
  entry.name = std::move(name);
  entry.type = type;
  entry.perm = perm;
  return entry;
}
inline Entry file(std::string name, std::string data = "content", mode_t perm = 0644) {
  Entry entry = entry_of(std::move(name), AE_IFREG, perm);
  entry.data = std::move(data);
  return entry;
}
inline Entry dir(std::string name, mode_t perm = 0755) {
  return entry_of(std::move(name), AE_IFDIR, perm);
}
inline Entry symlink_to(std::string name, std::string target) {
  Entry entry = entry_of(std::move(name), AE_IFLNK, 0777);
  entry.symlink = std::move(target);
  return entry;
}
inline Entry hardlink_to(std::string name, std::string target) {
  Entry entry = entry_of(std::move(name), AE_IFREG, 0644);
  entry.hardlink = std::move(target);
  return entry;
}
inline Entry node(std::string name, mode_t type, mode_t perm, unsigned major = 0, unsigned minor = 0) {
  Entry entry = entry_of(std::move(name), type, perm);
  entry.major = major;
  entry.minor = minor;
  return entry;
}

enum class Compression { kNone, kGzip, kZstd };

inline la_ssize_t append_to_string(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

inline void write_entry(archive* writer, const Entry& spec) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, spec.name.c_str());
  archive_entry_set_mtime(entry, spec.mtime, 0);
  archive_entry_set_uid(entry, spec.uid);
  archive_entry_set_gid(entry, spec.gid);
  archive_entry_set_perm(entry, spec.perm);
  for (const auto& [key, value] : spec.xattrs)
    archive_entry_xattr_add_entry(entry, key.c_str(), value.data(), value.size());
  if (!spec.hardlink.empty()) {
    archive_entry_set_hardlink(entry, spec.hardlink.c_str());
  } else {
    archive_entry_set_filetype(entry, spec.type);
    if (spec.type == AE_IFLNK) archive_entry_set_symlink(entry, spec.symlink.c_str());
    if (spec.type == AE_IFCHR || spec.type == AE_IFBLK) {
      archive_entry_set_rdevmajor(entry, spec.major);
      archive_entry_set_rdevminor(entry, spec.minor);
    }
    if (spec.type == AE_IFREG) archive_entry_set_size(entry, static_cast<la_int64_t>(spec.data.size()));
  }
  EXPECT_EQ(archive_write_header(writer, entry), ARCHIVE_OK) << archive_error_string(writer);
  if (!spec.data.empty() && spec.hardlink.empty()) archive_write_data(writer, spec.data.data(), spec.data.size());
  archive_entry_free(entry);
}

/// A pax tar with libarchive's default 10240-byte records, so the stream ends in padding.
inline std::string tar_of(const std::vector<Entry>& entries) {
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_pax(writer);
  archive_write_open(writer, &out, nullptr, append_to_string, nullptr);
  for (const Entry& entry : entries) write_entry(writer, entry);
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

/// `tar` compressed as a whole (format "raw"), byte for byte what a registry blob holds.
inline std::string compressed(const std::string& tar, Compression compression) {
  if (compression == Compression::kNone) return tar;
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_raw(writer);
  if (compression == Compression::kGzip) archive_write_add_filter_gzip(writer);
  if (compression == Compression::kZstd) archive_write_add_filter_zstd(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  archive_write_open(writer, &out, nullptr, append_to_string, nullptr);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, "data");
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_size(entry, static_cast<la_int64_t>(tar.size()));
  archive_write_header(writer, entry);
  archive_write_data(writer, tar.data(), tar.size());
  archive_entry_free(entry);
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

}  // namespace isobench::testing
