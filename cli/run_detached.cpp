#include "cli/run_detached.h"

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "cli/host_cgroups.h"
#include "common/file_io.h"
#include "common/file_lock.h"
#include "runner/image/store.h"
#include "runner/spec_codec.h"
#include "runner/image/image_rootfs.h"
#include "runner/lifecycle/container_control.h"
#include "runner/lifecycle/monitor.h"
#include "runner/units.h"

namespace isobench::cli {

namespace lifecycle = runner::lifecycle;

namespace {

/// --log-opt max-size=SIZE in bytes (0: unbounded); Docker's k8s-file and json-file take it.
Result<int64_t> log_max_size(const RunOptions& options) {
  int64_t max_size = 0;
  for (const std::string& option : options.log_options) {
    const size_t equals = option.find('=');
    const std::string key = option.substr(0, equals);
    if (equals == std::string::npos || key != "max-size")
      return usage_error("unknown log opt '" + key + "' for the k8s-file log driver: it takes max-size=SIZE");
    auto bytes = runner::parse_bytes(option.substr(equals + 1));
    if (!bytes) return usage_error("--log-opt " + option + ": " + bytes.error().text());
    max_size = static_cast<int64_t>(*bytes);
  }
  return max_size;
}

Result<lifecycle::ContainerConfig> record_of(const RunOptions& options, const runner::ContainerSpec& spec) {
  lifecycle::ContainerConfig config;
  config.name = options.name;
  if (!options.image_name.empty()) config.image = options.image_name;
  else config.image = options.rootfs.empty() ? std::string(runner::image::kBuiltinImageName) : options.rootfs;
  config.image_id = options.image_id;
  config.command = spec.args;
  config.env = spec.env;
  config.workdir = spec.cwd;
  config.user = options.user;
  config.hostname = spec.hostname;
  if (!options.stop_signal.empty()) {
    auto signal = lifecycle::parse_signal(options.stop_signal);
    if (!signal) return plain_error("the image's StopSignal: " + signal.error().text());
    config.stop_signal = *signal;
  }
  config.auto_remove = options.auto_remove;
  config.tty = options.tty;
  config.interactive = options.interactive;
  auto max_size = log_max_size(options);
  if (!max_size) return max_size.error();
  config.log_max_size = *max_size;
  return config;
}

}  // namespace

Status check_detach_options(const RunOptions& options) {
  if (!keeps_container(options)) {
    if (!options.log_options.empty()) return usage_error("--log-opt configures the log of a kept container: add -d or --name");
    return {};
  }
  const std::string kept = options.detach ? "-d" : "--name";
  if (options.vm) return usage_error(kept + " keeps a container under a monitor; --vm runs a guest in the foreground only");
  if (!options.layer_size.empty())
    return usage_error("--layer-size bounds the tmpfs layer of an anonymous run; the layer of a container kept with " +
                       kept + " is on disk, where isobench sets no size bound yet");
  if (options.stats || !options.stats_json.empty())
    return usage_error("--stats measures an anonymous run; for a container kept with " + kept + " see `isobench stats`");
  // The descriptors 3.. of a kept container's start are its monitor's (the log, the attach
  // socket), not the caller's: none may cross.
  if (options.preserve_fds > 0)
    return usage_error("--preserve-fds passes the caller's descriptors to an anonymous run; a container kept with " +
                       kept + " is started by its monitor, whose descriptors must not cross");
  ISOBENCH_TRY(log_max_size(options));
  return {};
}

bool keeps_container(const RunOptions& options) { return options.detach || !options.name.empty(); }

Result<std::string> create_and_start(const RunOptions& options, runner::ContainerSpec spec,
                                     runner::CgroupManager* cgroups, bool attached, std::string* created_id) {
  auto config = record_of(options, spec);
  if (!config) return config.error();
  lifecycle::ContainerStore store = lifecycle::ContainerStore::open_default();
  auto created = store.create(std::move(*config));
  if (!created) return created.error();
  spec.id = created->id;
  if (created_id) *created_id = created->id;
  spec.layer_dir = store.layer_dir(created->id);
  Status saved = replace_file(store.spec_path(created->id), runner::serialize_spec(spec));
  if (saved && !options.image_id.empty()) {
    // Until rm, running or not: the image stays (rmi refuses it), as Docker keeps it.
    auto digest = runner::image::Digest::parse(options.image_id);
    saved = digest ? runner::image::Store(runner::image::default_store_root()).add_kept_user(*digest, created->id)
                   : Status(digest.error());
  }
  if (!saved) {
    (void)store.remove(created->id);
    return saved.error();
  }
  lifecycle::DetachedLaunch launch{&store, created->id, std::move(spec), cgroups, created->log_max_size,
                                   created->auto_remove && !attached, created->interactive, attached};
  auto started = lifecycle::start_detached(launch);
  if (!started) return started.error();
  return created->id;
}

Result<int> run_detached(const RunOptions& options, runner::ContainerSpec spec, runner::CgroupManager* cgroups) {
  auto id = create_and_start(options, std::move(spec), cgroups, false);
  if (!id) return id.error();
  std::cout << *id << "\n";
  return 0;
}

Result<lifecycle::DetachedStart> start_kept_container(const lifecycle::ContainerStore& store,
                                                      const lifecycle::ContainerConfig& config) {
  auto text = read_file(store.spec_path(config.id));
  if (!text) return text.error();
  auto spec = runner::parse_spec(*text, "container " + config.id.substr(0, 12) + " spec.json");
  if (!spec) return spec.error();
  // Held across the fork: the monitor keeps the image in use while the container runs.
  UniqueFd image_in_use;
  if (!config.image_id.empty()) {
    auto digest = runner::image::Digest::parse(config.image_id);
    if (!digest) return digest.error();
    const runner::image::Store images(runner::image::default_store_root());
    ::mkdir((images.root() + "/in-use").c_str(), 0700);
    auto held = lock_file(images.in_use_path(*digest), LockKind::kShared, LockWait::kBlock);
    if (!held) return held.error();
    image_in_use = std::move(*held);
  }
  for (const std::string& layer : spec->lower_layers)
    if (::access(layer.c_str(), F_OK) != 0) return errno_error("container " + config.name + ": its image layer " + layer);
  if (::access(spec->rootfs.c_str(), F_OK) != 0) return errno_error("container " + config.name + ": its root " + spec->rootfs);
  runner::HostCgroupFs cgroup_fs;
  std::unique_ptr<runner::CgroupManager> cgroups;
  ISOBENCH_TRY(open_cgroups(*spec, cgroup_fs, cgroups));
  lifecycle::DetachedLaunch launch{&store, config.id, std::move(*spec), cgroups.get(), config.log_max_size,
                                   config.auto_remove, config.interactive};
  return lifecycle::start_detached(launch);
}

}  // namespace isobench::cli
