#include "runner/lifecycle/container_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "common/file_io.h"
#include "common/file_lock.h"
#include "runner/image/store.h"
#include "runner/lifecycle/container_codec.h"
#include "runner/lifecycle/container_liveness.h"
#include "runner/lifecycle/container_names.h"
#include "runner/lifecycle/container_store_files.h"
#include "runner/image/layer_unpack.h"

namespace isobench::runner::lifecycle {

using detail::entries_of;
using detail::exists;
using detail::no_such_container;

std::string default_container_root() {
  return image::default_store_root() + "/containers";
}

std::string default_runtime_dir() {
  if (const char* chosen = std::getenv("ISOBENCH_RUNTIME_DIR"); chosen && *chosen) return chosen;
  if (::geteuid() == 0) return "/run/isobench";
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime == '/') {
    return std::string(runtime) + "/isobench";
  }
  return "/tmp/isobench-" + std::to_string(::geteuid());
}

Result<ContainerConfig> ContainerStore::create(ContainerConfig config) {
  ISOBENCH_TRY(detail::make_directories(root_ + "/names"));
  clean_abandoned();
  if (config.id.empty()) {
    auto id = generate_id();
    if (!id) return id.error();
    config.id = std::move(*id);
  } else if (!is_container_id(config.id)) {
    return plain_error("invalid container id '" + config.id.substr(0, 100) + "': not 64 hex digits");
  } else if (exists(container_dir(config.id))) {
    return plain_error("a container with id " + config.id + " already exists");
  }
  if (config.name.starts_with('/')) config.name.erase(0, 1);
  if (!config.name.empty()) ISOBENCH_TRY(check_container_name(config.name));
  if (config.created.empty()) config.created = timestamp_now();
  return create_named(std::move(config));
}

Result<ContainerConfig> ContainerStore::create_named(ContainerConfig config) const {
  // Staged and locked before the name is taken: another creator that finds the name taken
  // tells a live holder from a dead one by this lock.
  auto staged = detail::stage_directory(root_, config.id);
  if (!staged) return staged.error();
  const bool generated = config.name.empty();
  for (int attempt = 0;; ++attempt) {
    if (generated) {
      auto name = attempt < 16 ? generate_name(attempt) : Result<std::string>(config.id.substr(0, 12));
      if (!name) return name.error();
      config.name = std::move(*name);
    }
    auto holder = take_name(config.name, config.id);
    if (!holder) return holder.error();
    if (holder->empty()) break;
    if (!generated || attempt >= 16) {
      return plain_error("the container name \"/" + config.name + "\" is already in use by container \"" + *holder +
                         "\": remove that container to reuse the name");
    }
  }
  Status built = build_directory(config, staged->path);
  if (built) built = detail::move_into_place(staged->path, container_dir(config.id));
  if (!built) {
    (void)release_name(config.name, config.id);
    return built.error();
  }
  staged->path.clear();  // now the container's directory: not the stage's to remove
  return config;
}

Status ContainerStore::build_directory(const ContainerConfig& config, const std::string& staged) const {
  ISOBENCH_TRY(replace_file(staged + "/config.json", serialize_container_config(config)));
  // The kept writable layer (ContainerSpec::layer_dir): overlay's upper and work directories
  // and the mount point of the container's root, as the tmpfs layer has them.
  for (const char* dir : {"/layer", "/layer/upper", "/layer/work", "/layer/root"})
    if (::mkdir((staged + dir).c_str(), 0755) != 0) return errno_error("cannot create " + staged + dir);
  return replace_file(staged + "/state.json", serialize_container_state(ContainerState{}));
}

Result<std::string> ContainerStore::take_name(const std::string& name, const std::string& id) const {
  const std::string link = root_ + "/names/" + name;
  for (int tries = 0; tries < 4; ++tries) {
    if (::symlink(id.c_str(), link.c_str()) == 0) return std::string();
    if (errno != EEXIST) return errno_error("cannot take the container name " + name);
    const std::string holder = detail::link_target(link);
    if (holder.empty() || !holder_is_dead(holder)) {
      if (holder.empty()) continue;  // given back meanwhile: try again
      return holder;
    }
    // Given back under names.lock, after checking again: another reclaimer may have given
    // it back and a new creator taken it since we looked.
    auto lock = lock_file(root_ + "/names.lock", LockKind::kExclusive);
    if (!lock) return lock.error();
    if (detail::link_target(link) == holder && holder_is_dead(holder)) ::unlink(link.c_str());
  }
  return plain_error("cannot take the container name " + name + ": it keeps changing hands");
}

bool ContainerStore::holder_is_dead(const std::string& holder) const {
  if (!is_container_id(holder)) return true;
  // In the order a creator moves its directory (.new-, .tmp- locked, then its id), so that
  // a creator moving on while we look is seen at a later step.
  if (exists(root_ + "/.new-" + holder)) return false;
  if (lock_is_held(root_ + "/.tmp-" + holder + "/lock")) return false;
  return !exists(container_dir(holder));
}

Status ContainerStore::release_name(const std::string& name, const std::string& id) const {
  auto lock = lock_file(root_ + "/names.lock", LockKind::kExclusive);
  if (!lock) return lock.error();
  const std::string link = root_ + "/names/" + name;
  if (!name.empty() && detail::link_target(link) == id && ::unlink(link.c_str()) != 0 && errno != ENOENT) {
    return errno_error("cannot give back the container name " + name);
  }
  return {};
}

Result<std::string> ContainerStore::resolve(std::string_view name_or_id) const {
  if (name_or_id.empty()) return plain_error("a container name or id is required (it was empty)");
  std::string_view name = name_or_id;
  if (name.starts_with('/')) name.remove_prefix(1);
  if (is_valid_container_name(name)) {
    const std::string holder = detail::link_target(root_ + "/names/" + std::string(name));
    if (is_container_id(holder) && exists(container_dir(holder))) return holder;
  }
  const std::string text(name_or_id);
  if (is_container_id(text) && exists(container_dir(text))) return text;
  if (text.size() < 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos) {
    std::string match;
    for (const std::string& entry : entries_of(root_)) {
      if (!is_container_id(entry) || !entry.starts_with(text)) continue;
      if (!match.empty()) {
        return with_exit_code(plain_error("multiple containers found with prefix " + text), exit_codes::kFailed);
      }
      match = entry;
    }
    if (!match.empty()) return match;
  }
  return no_such_container(name_or_id);
}

Result<std::vector<StoredContainer>> ContainerStore::list() const {
  std::vector<StoredContainer> containers;
  for (const std::string& entry : entries_of(root_)) {
    if (!is_container_id(entry)) continue;  // names/, locks, and directories in passage
    auto container = read(entry);
    if (container) containers.push_back(std::move(*container));
  }
  std::sort(containers.begin(), containers.end(), [](const StoredContainer& a, const StoredContainer& b) {
    if (a.config.created != b.config.created) return a.config.created > b.config.created;
    return a.config.id < b.config.id;
  });
  return containers;
}

Result<StoredContainer> ContainerStore::read(const std::string& id) const {
  if (!is_container_id(id)) return no_such_container(id);
  const std::string shown = "container " + id.substr(0, 12);
  auto config_text = read_file(container_dir(id) + "/config.json");
  if (!config_text) return config_text.error().errno_value == ENOENT ? no_such_container(id) : config_text.error();
  auto state_text = read_file(container_dir(id) + "/state.json");
  if (!state_text) return state_text.error().errno_value == ENOENT ? no_such_container(id) : state_text.error();
  auto config = parse_container_config(*config_text, shown + " config.json");
  if (!config) return config.error();
  auto state = parse_container_state(*state_text, shown + " state.json");
  if (!state) return state.error();
  return StoredContainer{std::move(*config), std::move(*state)};
}

Status ContainerStore::update_state(const std::string& id, const std::function<Status(ContainerState&)>& change) const {
  if (!is_container_id(id)) return no_such_container(id);
  auto lock = lock_file(container_dir(id) + "/lock", LockKind::kExclusive);
  if (!lock) return lock.error().errno_value == ENOENT ? no_such_container(id) : lock.error();
  // Read under the lock, and by its path: a remover that ran first has moved the directory.
  const std::string path = container_dir(id) + "/state.json";
  auto text = read_file(path);
  if (!text) return text.error().errno_value == ENOENT ? no_such_container(id) : text.error();
  auto state = parse_container_state(*text, "container " + id.substr(0, 12) + " state.json");
  if (!state) return state.error();
  ISOBENCH_TRY(change(*state));
  return replace_file(path, serialize_container_state(*state));
}

Status ContainerStore::remove(const std::string& id) const {
  if (!is_container_id(id)) return no_such_container(id);
  const std::string removed = root_ + "/.rm-" + id;
  {
    auto lock = lock_file(container_dir(id) + "/lock", LockKind::kExclusive);
    if (!lock) return lock.error().errno_value == ENOENT ? no_such_container(id) : lock.error();
    const std::string state_path = container_dir(id) + "/state.json";
    auto text = read_file(state_path);
    if (!text && text.error().errno_value == ENOENT) return no_such_container(id);  // removed meanwhile
    // A state that does not parse must not keep a container from being removed.
    if (auto state = text ? parse_container_state(*text) : text.error(); state) {
      state->status = ContainerStatus::kRemoving;
      ISOBENCH_TRY(replace_file(state_path, serialize_container_state(*state)));
    }
    auto config_text = read_file(container_dir(id) + "/config.json");
    auto config = config_text ? parse_container_config(*config_text) : config_text.error();
    if (config) {
      ISOBENCH_TRY(release_name(config->name, id));
      if (auto image_id = image::Digest::parse(config->image_id); image_id)
        image::Store(image::default_store_root()).drop_kept_user(*image_id, id);
    } else {
      for (const std::string& name : entries_of(root_ + "/names")) ISOBENCH_TRY(release_name(name, id));
    }
    // Out of sight in one step: readers never meet a half-deleted container.
    if (::rename(container_dir(id).c_str(), removed.c_str()) != 0) {
      return errno == ENOENT ? Status{no_such_container(id)} : Status{errno_error("cannot remove container " + id)};
    }
  }
  ISOBENCH_TRY(image::remove_tree(removed));
  return image::remove_tree(runtime_dir_of(id));
}

bool ContainerStore::monitor_alive(const std::string& id) const {
  return lock_is_held(monitor_lock_path(id));
}

Result<std::string> ContainerStore::make_runtime_dir(const std::string& id) const {
  if (!is_container_id(id)) return no_such_container(id);
  ISOBENCH_TRY(detail::make_directories(runtime_dir_of(id)));
  return runtime_dir_of(id);
}

void ContainerStore::clean_abandoned() const {
  for (const std::string& entry : entries_of(root_)) {
    const std::string path = root_ + "/" + entry;
    const bool abandoned = (entry.starts_with(".tmp-") && !lock_is_held(path + "/lock")) ||
                           (entry.starts_with(".new-") && detail::older_than(path, 60)) || entry.starts_with(".rm-");
    if (abandoned) (void)image::remove_tree(path);
  }
}

}  // namespace isobench::runner::lifecycle
