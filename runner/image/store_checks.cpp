#include "runner/image/store_checks.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <set>

#include "runner/image/store.h"
#include "runner/vm/vm_assets.h"

namespace isobench::runner::image {

namespace {

using Verdict = HostCheck::Verdict;
constexpr const char* kArea = "images";

std::string mib_text(uint64_t bytes) { return std::to_string((bytes + (1 << 19)) >> 20) + " MiB"; }

/// Bytes in ROOT/blobs/sha256 (allocated blocks of each file).
uint64_t blob_bytes(const std::string& directory) {
  uint64_t total = 0;
  DIR* stream = ::opendir(directory.c_str());
  if (!stream) return 0;
  while (const dirent* entry = ::readdir(stream)) {
    struct stat status{};
    if (::fstatat(::dirfd(stream), entry->d_name, &status, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(status.st_mode))
      total += static_cast<uint64_t>(status.st_blocks) * 512;
  }
  ::closedir(stream);
  return total;
}

HostCheck contents_check(const Store& store) {
  auto index = store.read_index();
  if (!index) return {kArea, "store contents", Verdict::kUnavailable, index.error().text()};
  uint64_t layer_bytes = 0;
  size_t layers = 0;
  std::set<std::string> seen;  // layers shared between images count once
  for (const auto& [id, image] : index->images) {
    for (const Digest& chain : image.layer_chain_ids) {
      if (!seen.insert(chain.hex).second) continue;
      layer_bytes += static_cast<uint64_t>(store.layer_size(chain));
      ++layers;
    }
  }
  return {kArea, "store contents", Verdict::kOk,
          std::to_string(index->images.size()) + " images, " + std::to_string(index->tags.size()) + " names, " +
              std::to_string(layers) + " layers (" + mib_text(layer_bytes) + " unpacked), blobs " +
              mib_text(blob_bytes(store.root() + "/blobs/sha256"))};
}

HostCheck free_space_check(const Store& store) {
  // The store may not exist yet: its free space is that of the nearest existing parent.
  std::string path = store.root();
  struct statvfs space{};
  while (::statvfs(path.c_str(), &space) != 0 && path.size() > 1) path = path.substr(0, std::max<size_t>(path.rfind('/'), 1));
  const uint64_t free_bytes = static_cast<uint64_t>(space.f_bavail) * space.f_frsize;
  return {kArea, "store free space", free_bytes < (uint64_t{1} << 30) ? Verdict::kUnavailable : Verdict::kOk,
          mib_text(free_bytes) + " free on the filesystem of " + path + (free_bytes < (uint64_t{1} << 30) ? ": pulls may fail; free some space or set ISOBENCH_STORE" : "")};
}

}  // namespace

std::vector<HostCheck> check_image_store() {
  Store store(default_store_root());
  std::vector<HostCheck> checks;
  struct stat status{};
  const bool exists = ::stat(store.root().c_str(), &status) == 0;
  checks.push_back({kArea, "store", Verdict::kOk, store.root() + (exists ? "" : " (not created yet: the first pull makes it)") +
                                                      " ($ISOBENCH_STORE chooses another)"});
  if (exists) checks.push_back(contents_check(store));
  checks.push_back(free_space_check(store));
  auto companion = sibling_executable("isobench-image");
  checks.push_back({kArea, "isobench-image", companion ? Verdict::kOk : Verdict::kUnavailable,
                    companion ? *companion + " (pull, images, rmi, tag, ...)" : "missing: reinstall isobench; " + companion.error().text()});
  return checks;
}

}  // namespace isobench::runner::image
