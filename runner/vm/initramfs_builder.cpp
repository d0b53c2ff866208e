// initramfs_builder OUT ROOTFS INIT: writes OUT as an uncompressed cpio (newc) archive of
// ROOTFS with INIT as /init, through libarchive. A separate, dynamically linked tool: the
// static isobench executable runs it only when its initramfs cache misses.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

bool add(archive* disk, archive* out, const fs::path& source, const std::string& name) {
  archive_entry* entry = archive_entry_new();
  archive_entry_copy_sourcepath(entry, source.c_str());
  // libarchive reads type, mode, size and symlink target the way it archives them.
  bool ok = archive_read_disk_entry_from_file(disk, entry, -1, nullptr) == ARCHIVE_OK;
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  archive_entry_set_nlink(entry, 1);  // no hard-link bookkeeping: every entry stands alone
  std::string data;
  if (ok && archive_entry_filetype(entry) == AE_IFREG) {
    std::ifstream in(source, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  ok = ok && archive_write_header(out, entry) == ARCHIVE_OK &&
       (data.empty() || archive_write_data(out, data.data(), data.size()) == static_cast<la_ssize_t>(data.size()));
  archive_entry_free(entry);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: initramfs_builder OUT.cpio ROOTFS INIT\n");
    return 2;
  }
  const fs::path rootfs = argv[2];
  archive* disk = archive_read_disk_new();
  archive* out = archive_write_new();
  archive_write_set_format_cpio_newc(out);
  if (archive_write_open_filename(out, argv[1]) != ARCHIVE_OK) {
    std::fprintf(stderr, "initramfs_builder: %s\n", archive_error_string(out));
    return 1;
  }
  bool ok = true;
  std::error_code error;
  std::vector<fs::path> paths;
  for (auto it = fs::recursive_directory_iterator(rootfs, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error))
    paths.push_back(it->path());
  std::sort(paths.begin(), paths.end());  // reproducible archives
  for (const fs::path& path : paths) {
    std::string name = path.lexically_relative(rootfs).string();
    if (name == "init") continue;
    ok = ok && add(disk, out, path, name);
  }
  ok = ok && add(disk, out, argv[3], "init");
  ok = ok && archive_write_close(out) == ARCHIVE_OK;
  if (!ok) std::fprintf(stderr, "initramfs_builder: %s\n", archive_error_string(out));
  archive_write_free(out);
  archive_read_free(disk);
  return ok && !error ? 0 : 1;
}
