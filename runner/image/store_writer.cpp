#include "runner/image/store_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "common/file_io.h"
#include "common/file_lock.h"
#include "runner/image/index_lookup.h"
#include "runner/image/layer_unpack.h"

namespace isobench::runner::image {

namespace {

Status make_directory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return {};
  return errno_error("cannot create " + path);
}

std::vector<std::string> entries_of(const std::string& directory) {
  std::vector<std::string> names;
  DIR* stream = ::opendir(directory.c_str());
  if (!stream) return names;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(stream);
  return names;
}

/// Disk space of a tree (allocated blocks), without following symlinks or crossing mounts.
int64_t tree_bytes(const std::string& path) {
  static thread_local int64_t total = 0;
  total = 0;
  auto add = [](const char*, const struct stat* status, int, FTW*) {
    total += status->st_blocks * 512;
    return 0;
  };
  ::nftw(path.c_str(), add, 16, FTW_PHYS | FTW_MOUNT);
  return total;
}

}  // namespace

WorkArea::~WorkArea() {
  if (path_.empty()) return;  // moved from
  (void)remove_tree(path_);
  ::unlink((path_ + ".lock").c_str());
}

Result<StoreWriter> StoreWriter::open(const std::string& root) {
  Store store(root);
  ISOBENCH_TRY(make_directory(root, 0700));
  for (const char* part : {"/blobs", "/blobs/sha256", "/layers", "/layers/sha256", "/tmp", "/in-use"}) {
    ISOBENCH_TRY(make_directory(root + part, 0700));
  }
  auto writer_lock = lock_file(root + "/gc.lock", LockKind::kShared);
  if (!writer_lock) return writer_lock.error();
  return StoreWriter(std::move(store), std::move(*writer_lock));
}

Status StoreWriter::clean_abandoned_work_areas() {
  const std::string tmp = store_.root() + "/tmp";
  for (const std::string& name : entries_of(tmp)) {
    if (!name.ends_with(".lock")) continue;
    auto lock = lock_file(tmp + "/" + name, LockKind::kExclusive, LockWait::kTry);
    if (!lock) continue;  // its owner is alive
    const std::string area = tmp + "/" + name.substr(0, name.size() - 5);
    ISOBENCH_TRY(remove_tree(area));
    ::unlink((tmp + "/" + name).c_str());
  }
  return {};
}

Result<WorkArea> StoreWriter::make_work_area(std::string_view purpose) {
  ISOBENCH_TRY(clean_abandoned_work_areas());
  std::string path = store_.root() + "/tmp/" + std::string(purpose) + "-XXXXXX";
  if (!::mkdtemp(path.data())) return errno_error("cannot create a work area in " + store_.root() + "/tmp");
  // The lock is taken after the directory exists: a cleaner that sees the directory without
  // its lock file leaves it alone (it only looks at lock files).
  auto lock = lock_file(path + ".lock", LockKind::kExclusive, LockWait::kTry);
  if (!lock) {
    ::rmdir(path.c_str());
    return lock.error();
  }
  return WorkArea(std::move(path), std::move(*lock));
}

Status StoreWriter::commit_blob(const std::string& path, const Digest& digest) {
  if (store_.has_blob(digest)) {
    ::unlink(path.c_str());
    return {};
  }
  if (::chmod(path.c_str(), 0600) != 0 || ::rename(path.c_str(), store_.blob_path(digest).c_str()) != 0) {
    return errno_error("cannot store blob " + digest.short_id());
  }
  return {};
}

Status StoreWriter::write_blob(std::string_view bytes, const Digest& digest) {
  if (store_.has_blob(digest)) return {};
  return replace_file_durably(store_.blob_path(digest), std::string(bytes));
}

Status StoreWriter::commit_layer(const std::string& tree_dir, const Digest& chain_id, uint64_t size_bytes) {
  if (store_.has_layer(chain_id)) return remove_tree(tree_dir);
  const std::string layer = store_.layer_dir(chain_id);
  // Staged in the work area (same filesystem), so a crash between the two renames leaves
  // nothing under layers/ that a later writer would not clean.
  const std::string staged = tree_dir + ".layer";
  ISOBENCH_TRY(make_directory(staged, 0700));
  ISOBENCH_TRY(write_regular_file(staged + "/size", std::to_string(size_bytes) + "\n"));
  if (::rename(tree_dir.c_str(), (staged + "/diff").c_str()) != 0) return errno_error("cannot move layer " + chain_id.short_id());
  if (::rename(staged.c_str(), layer.c_str()) != 0) {
    const Error error = errno_error("cannot store layer " + chain_id.short_id());
    (void)remove_tree(staged);
    // Another pull stored the same layer meanwhile: theirs is as good as ours.
    return store_.has_layer(chain_id) ? Status{} : Status{error};
  }
  return {};
}

Status StoreWriter::update_index(const std::function<Status(StoreIndex&)>& change) {
  auto lock = lock_file(store_.root() + "/lock", LockKind::kExclusive);
  if (!lock) return lock.error();
  auto index = store_.read_index();
  if (!index) return index.error();
  ISOBENCH_TRY(change(*index));
  // The lookup goes first and comes back last: a crash in between leaves none, never a
  // lookup of another index (index_lookup.h).
  ::unlink(store_.lookup_path().c_str());
  ISOBENCH_TRY(replace_file_durably(store_.index_path(), serialize_store_index(*index)));
  refresh_index_lookup(store_, *index);
  return {};
}

Result<PruneReport> StoreWriter::remove_unreferenced() {
  // Our own shared lock would block the exclusive one: trade it for the exclusive lock, and
  // back afterwards.
  while (::flock(writer_lock_.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return errno_error("cannot lock " + store_.root() + "/gc.lock");
  }
  auto index_lock = lock_file(store_.root() + "/lock", LockKind::kExclusive);
  auto index = store_.read_index();
  PruneReport report;
  Status removed;
  if (index_lock && index) {
    std::set<std::string> blobs, layers;
    for (const auto& [id, image] : index->images) {
      blobs.insert({id, image.manifest_digest.hex});
      for (const Digest& blob : image.layer_blobs) blobs.insert(blob.hex);
      for (const Digest& layer : image.layer_chain_ids) layers.insert(layer.hex);
    }
    for (const std::string& name : entries_of(store_.root() + "/layers/sha256")) {
      if (layers.contains(name)) continue;
      const std::string path = store_.root() + "/layers/sha256/" + name;
      report.bytes_freed += tree_bytes(path);
      if (removed = remove_tree(path); !removed) break;
      ++report.layers_removed;
    }
    for (const std::string& name : entries_of(store_.root() + "/blobs/sha256")) {
      if (blobs.contains(name) || !removed) continue;
      const std::string path = store_.root() + "/blobs/sha256/" + name;
      report.bytes_freed += tree_bytes(path);
      if (::unlink(path.c_str()) == 0) ++report.blobs_removed;
    }
  }
  while (::flock(writer_lock_.get(), LOCK_SH) != 0 && errno == EINTR) {
  }
  if (!index_lock) return index_lock.error();
  if (!index) return index.error();
  if (!removed) return removed.error();
  return report;
}

bool image_in_use(const Store& store, const Digest& id) {
  auto lock = lock_file(store.in_use_path(id), LockKind::kExclusive, LockWait::kTry);
  return !lock && lock_is_busy(lock.error());
}

}  // namespace isobench::runner::image
