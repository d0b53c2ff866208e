// Containers on disk, shared by every isobench process at once without a daemon: `run -d` x50
// in parallel, `ps` meanwhile, `rm -f` of all in parallel, and no state is ever corrupted.
//
//   ROOT/ID/...             a container (container_record.h has the files)
//   ROOT/names/NAME         symlink to ID: symlink(2) is the atomic "take this name"
//   ROOT/names.lock         held while a name is given back (so no stale check races a taker)
//   ROOT/.tmp-ID            a container being created, locked (ID/lock) by its creator
//   ROOT/.new-ID            the same for the instant before it is locked
//   ROOT/.rm-ID             a container being removed (renamed away first, so readers never
//                           see it half deleted)
//
// Writers replace files by rename, so readers (read, list, resolve) take no lock; state
// changes take ROOT/ID/lock exclusively. Nothing is fsynced: each change is atomic for every
// reader, but a power loss may take the newest ones (fsyncs were 2 to 5 ms of every `run -d`
// here). That loses nothing that matters: after a reboot no container runs, a record whose
// files do not parse is left out of list() and still removed by id, and the kernel's truth
// (the monitor's lock) decides what runs, never state.json.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runner/lifecycle/container_record.h"

namespace isobench::runner::lifecycle {

/// `<image store root>/containers` (image::default_store_root(): $ISOBENCH_STORE, ...).
std::string default_container_root();
/// $ISOBENCH_RUNTIME_DIR when set; else /run/isobench for root, $XDG_RUNTIME_DIR/isobench,
/// or /tmp/isobench-UID when there is no runtime directory.
std::string default_runtime_dir();

struct StoredContainer {
  ContainerConfig config;
  ContainerState state;  ///< as recorded; see observed_state() for the kernel's view
};

class ContainerStore {
 public:
  /// The store at `root` with per-boot files under `runtime_dir`; nothing is touched until a
  /// writer needs it. A missing root is an empty store.
  ContainerStore(std::string root, std::string runtime_dir)
      : root_(std::move(root)), runtime_dir_(std::move(runtime_dir)) {}
  /// The default places.
  static ContainerStore open_default() { return {default_container_root(), default_runtime_dir()}; }

  const std::string& root() const { return root_; }
  const std::string& runtime_dir() const { return runtime_dir_; }
  std::string container_dir(const std::string& id) const { return root_ + "/" + id; }
  std::string layer_dir(const std::string& id) const { return container_dir(id) + "/layer"; }
  std::string log_path(const std::string& id) const { return container_dir(id) + "/container.log"; }
  /// The ContainerSpec it runs (runner/spec_codec.h), so that `start` makes it again as it was.
  std::string spec_path(const std::string& id) const { return container_dir(id) + "/spec.json"; }
  std::string runtime_dir_of(const std::string& id) const { return runtime_dir_ + "/" + id; }
  std::string monitor_lock_path(const std::string& id) const { return runtime_dir_of(id) + "/monitor.lock"; }

  /// Makes a container (status kCreated) from `config`, filling an empty id, name (generated,
  /// retried on collision) and created time; returns the config as stored. The name is taken
  /// first; a taken one is Docker's conflict error (`the container name "/x" is already in
  /// use by container "ID"`). The directory appears whole (built aside, renamed into place) or
  /// not at all: a failure leaves neither it nor the name behind. Names left by a creator that
  /// died are reclaimed.
  Result<ContainerConfig> create(ContainerConfig config);

  /// The id of the container the user means, as Docker resolves it: an exact name (with or
  /// without a leading "/"), then a full id, then a unique id prefix. Errors: "no such
  /// container: X", "multiple containers found with prefix X" (both exit code kFailed).
  Result<std::string> resolve(std::string_view name_or_id) const;

  /// Every container, newest first. One removed meanwhile, or one being created or removed, is
  /// left out; one whose files do not parse too (it can still be removed by id). No locks.
  Result<std::vector<StoredContainer>> list() const;

  /// One container by full id; "no such container" when it is not there.
  Result<StoredContainer> read(const std::string& id) const;

  /// Locks the container's state, lets `change` edit it, and replaces state.json durably. An
  /// error from `change` leaves the state as it was. Serialised against every other
  /// update_state and remove of the same container, in any process.
  Status update_state(const std::string& id, const std::function<Status(ContainerState&)>& change) const;

  /// Removes the container: marks it kRemoving, gives back its name (only if the name still
  /// names it), takes the directory out of sight and deletes it without following any symlink
  /// in it, then its runtime directory. It does not ask whether the container runs: that is
  /// the caller's policy.
  Status remove(const std::string& id) const;

  /// Whether the container's monitor is alive (it holds RUNDIR/ID/monitor.lock).
  bool monitor_alive(const std::string& id) const;

  /// Creates RUNDIR (0700) and RUNDIR/ID for the container's monitor; returns RUNDIR/ID.
  Result<std::string> make_runtime_dir(const std::string& id) const;

  /// Removes what dead creators and removers left: unlocked .tmp-ID, stale .new-ID, .rm-ID.
  /// create() calls it; nothing depends on it running.
  void clean_abandoned() const;

 private:
  /// Takes `name` for `id`: "" when taken, else the id of the container holding it.
  Result<std::string> take_name(const std::string& name, const std::string& id) const;
  /// Whether the name link to `holder` was left by a creator that died (no container, no
  /// creator holding its lock).
  bool holder_is_dead(const std::string& holder) const;
  Status release_name(const std::string& name, const std::string& id) const;
  Result<ContainerConfig> create_named(ContainerConfig config) const;
  Status build_directory(const ContainerConfig& config, const std::string& staged) const;

  std::string root_;
  std::string runtime_dir_;
};

}  // namespace isobench::runner::lifecycle
