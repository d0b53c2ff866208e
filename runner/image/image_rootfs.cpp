#include "runner/image/image_rootfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>

#include "common/text.h"
#include "common/unique_fd.h"
#include "runner/image/index_lookup.h"
#include "runner/spec.h"

namespace isobench::runner::image {

namespace {

bool all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

/// A file of the image (etc/passwd) from the topmost layer that has it, read inside that
/// layer (symlinks stay beneath it); small files only.
std::optional<std::string> read_image_file(const std::vector<std::string>& layers, const char* relative) {
  for (const std::string& layer : layers) {
    UniqueFd root(::open(layer.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) continue;
    // Found as a path first, opened only if it is a regular file: a running container's
    // /etc/passwd may be a device node or a FIFO of its making, which the host must not open.
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    UniqueFd found(static_cast<int>(syscall(SYS_openat2, root.get(), relative, &how, sizeof how)));
    struct stat info;
    if (!found || ::fstat(found.get(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    UniqueFd file(::open(("/proc/self/fd/" + std::to_string(found.get())).c_str(),
                         O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!file) continue;
    std::string text;
    char buffer[8192];
    for (ssize_t got; (got = ::read(file.get(), buffer, sizeof buffer)) > 0 && text.size() < (1 << 20);) text.append(buffer, got);
    return text;
  }
  return std::nullopt;
}

/// Field 2 (the id) and field 3 (passwd's primary gid) of the line whose first field is `name`.
std::optional<std::pair<std::string, std::string>> database_entry(const std::string& text, const std::string& name) {
  for (const std::string& line : split_list(text, '\n')) {
    const std::vector<std::string> fields = split_list(line, ':');
    if (fields.size() >= 3 && fields[0] == name) return std::pair{fields[2], fields.size() >= 4 ? fields[3] : std::string()};
  }
  return std::nullopt;
}

std::vector<std::string> layer_trees(const Store& store, const ImageRecord& image) {
  std::vector<std::string> trees;
  for (auto chain = image.layer_chain_ids.rbegin(); chain != image.layer_chain_ids.rend(); ++chain) trees.push_back(store.layer_tree(*chain));
  return trees;
}

}  // namespace

Result<ImageRootfs> open_image_rootfs(const Store& store, std::string_view name) {
  auto held = hold_index(store);
  if (!held) return held.error();
  auto image = find_held_image(store, *held, name);
  if (!image) return image.error();
  ImageRootfs rootfs;
  auto in_use = store.hold_in_use(*image);
  if (!in_use) return in_use.error();
  rootfs.in_use = std::move(*in_use);
  // rmi may have deleted it between the lookup and the lock: holding the lock, look again,
  // which costs one stat when the index is still the file we read.
  if (index_replaced(store, *held)) {
    auto again = store.read_index();
    if (!again) return again.error();
    if (!again->images.contains(image->id.hex)) return plain_error("image " + std::string(name) + " was removed while starting");
  }
  rootfs.image = std::move(*image);
  for (const Digest& chain : rootfs.image.layer_chain_ids) {
    if (!store.has_layer(chain)) return plain_error("image " + std::string(name) + ": layer " + chain.short_id() + " is missing from the store; pull it again");
  }
  if (rootfs.image.layer_chain_ids.empty()) return plain_error("image " + std::string(name) + " has no layers");
  auto config = store.read_config(rootfs.image);
  if (!config) return config.error();
  rootfs.config = std::move(*config);
  rootfs.layers = layer_trees(store, rootfs.image);
  return rootfs;
}

Result<std::string> resolve_image_user(const std::vector<std::string>& layers, const std::string& user) {
  const size_t colon = user.find(':');
  std::string uid = user.substr(0, colon);
  std::string gid = colon == std::string::npos ? "" : user.substr(colon + 1);
  if (!all_digits(uid)) {
    auto passwd = read_image_file(layers, "etc/passwd");
    auto entry = passwd ? database_entry(*passwd, uid) : std::nullopt;
    if (!entry || !all_digits(entry->first)) return plain_error("user '" + uid + "' is not in the image's /etc/passwd");
    if (gid.empty()) gid = entry->second;
    uid = entry->first;
  }
  if (!gid.empty() && !all_digits(gid)) {
    auto group = read_image_file(layers, "etc/group");
    auto entry = group ? database_entry(*group, gid) : std::nullopt;
    if (!entry || !all_digits(entry->first)) return plain_error("group '" + gid + "' is not in the image's /etc/group");
    gid = entry->first;
  }
  return gid.empty() ? uid : uid + ":" + gid;
}

Status apply_image(const ImageRootfs& image, const ImageOverrides& overrides, ContainerRequest& request) {
  request.command = container_argv(image.config, overrides.command, overrides.entrypoint);
  if (request.command.empty()) return usage_error("the image has no Cmd or Entrypoint: give a command after its name");
  request.rootfs = image.layers.front();
  request.lower_layers.assign(image.layers.begin() + 1, image.layers.end());
  // The image's variables are defaults: -e values win, as they do over isobench's own.
  std::vector<std::string> env = image.config.env;
  env.insert(env.end(), request.env.begin(), request.env.end());
  request.env = std::move(env);
  if (!overrides.workdir_given && !image.config.working_dir.empty()) request.workdir = image.config.working_dir;
  const std::string user = overrides.user_given ? request.user : image.config.user;
  if (!user.empty()) {
    auto resolved = resolve_image_user(image.layers, user);
    if (!resolved) return resolved.error();
    request.user = *resolved;
  }
  return {};
}

}  // namespace isobench::runner::image
