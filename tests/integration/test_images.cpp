#include "tests/integration/test_images.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <sstream>

#include "common/file_io.h"
#include "common/unique_fd.h"

namespace isobench::integration {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kBusybox = "/bin/busybox";
constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";
constexpr const char* kDebianCacheDir = "/var/cache/isobench-tests";

Status fs_status(const std::error_code& error, const std::string& what) {
  if (!error) return {};
  return Error{error.value(), what};
}

Status write_files(const std::string& root, const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [path, text] : files) {
    std::error_code error;
    fs::create_directories(fs::path(root + path).parent_path(), error);
    ISOBENCH_TRY(fs_status(error, "cannot create the directory of " + root + path));
    ISOBENCH_TRY(write_regular_file(root + path, text));
  }
  return {};
}

/// Layer 1: what a shell needs to start, the users the tests switch to, and a /data that
/// layer 3 replaces.
Status fill_busybox_root(const std::string& rootfs) {
  std::error_code error;
  fs::create_directories(rootfs + "/bin", error);
  ISOBENCH_TRY(fs_status(error, "cannot create " + rootfs + "/bin"));
  fs::copy_file(kBusybox, rootfs + "/bin/busybox", fs::copy_options::overwrite_existing, error);
  ISOBENCH_TRY(fs_status(error, std::string("cannot copy ") + kBusybox + " (install busybox-static)"));
  fs::permissions(rootfs + "/bin/busybox", fs::perms(0755), error);
  for (const char* applet : {"sh", "ls", "cat", "echo", "true", "false", "id", "env", "pwd"}) {
    fs::create_symlink("busybox", rootfs + "/bin/" + applet, error);
    ISOBENCH_TRY(fs_status(error, std::string("cannot link /bin/") + applet));
  }
  return write_files(rootfs, {{"/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"},
                              {"/etc/group", "root:x:0:\napp:x:1000:\n"},
                              {"/data/a", "a\n"},
                              {"/data/b", "b\n"},
                              {"/data/keep/x", "x\n"}});
}

/// Layer 2: files to read, and /opt/doomed.txt for layer 3 to delete.
Status fill_second_layer(const std::string& rootfs) {
  return write_files(rootfs, {{"/etc/motd", "welcome to the layered test image\n"},
                              {"/opt/hello.txt", "hello from layer 2\n"},
                              {"/opt/doomed.txt", "deleted by layer 3\n"}});
}

/// One layer made the way image builders make them: unpack the image so far, change the
/// root, repack (umoci diffs the root against what it unpacked).
Status layer_by_repack(const std::string& image_ref, const std::string& bundle,
                       const std::function<Status(const std::string&)>& change) {
  std::error_code error;
  fs::remove_all(bundle, error);
  if (auto unpacked = run_tool({"umoci", "unpack", "--image", image_ref, bundle}); !unpacked) return unpacked.error();
  Status changed = change(bundle + "/rootfs");
  if (changed) {
    if (auto repacked = run_tool({"umoci", "repack", "--image", image_ref, bundle}); !repacked)
      changed = repacked.error();
  }
  fs::remove_all(bundle, error);
  return changed;
}

/// Layer 3, written by hand: umoci's repack turns a replaced directory into one whiteout
/// per old entry (data/.wh.a, data/.wh.b, ...), never an opaque marker, so this layer's
/// tar is made with tar(1) and appended verbatim (umoci raw add-layer takes it
/// uncompressed and gzips it itself). The marker comes first within data/, as docker does.
Status add_whiteout_layer(const std::string& work_dir, const std::string& image_ref) {
  const std::string staging = work_dir + "/layer3", tarball = work_dir + "/layer3.tar";
  ISOBENCH_TRY(write_files(
      staging, {{"/data/.wh..wh..opq", ""}, {"/data/new", "new contents of /data\n"}, {"/opt/.wh.doomed.txt", ""}}));
  auto packed =
      run_tool({"tar", "--create", "--file", tarball, "--numeric-owner", "--owner=0", "--group=0", "--no-recursion",
                "-C", staging, "data", "data/.wh..wh..opq", "data/new", "opt", "opt/.wh.doomed.txt"});
  if (!packed) return packed.error();
  auto added = run_tool({"umoci", "raw", "add-layer", "--image", image_ref, "--history.created_by",
                         "isobench test: whiteout opt/doomed.txt, opaque data/", tarball});
  std::error_code error;
  fs::remove_all(staging, error);
  fs::remove(tarball, error);
  if (!added) return added.error();
  return {};
}

Status configure_layered(const std::string& image_ref) {
  auto configured = run_tool({"umoci",
                              "config",
                              "--image",
                              image_ref,
                              "--clear",
                              "config.entrypoint",
                              "--config.cmd",
                              "/bin/sh",
                              "--config.cmd",
                              "-c",
                              "--config.cmd",
                              kLayeredCommand,
                              "--config.env",
                              "FOO=bar",
                              "--config.env",
                              "PATH=/bin:/usr/bin:/sbin:/usr/sbin",
                              "--config.workingdir",
                              "/opt",
                              "--config.label",
                              kLayeredLabel,
                              "--os",
                              "linux",
                              "--architecture",
                              "amd64"});
  if (!configured) return configured.error();
  return {};
}

/// The promise of layer 3, checked in the blobs themselves: a whiteout and an opaque marker.
Status check_whiteouts(const std::string& layout_dir) {
  auto layers = layout_layers(layout_dir, kLayeredTag);
  if (!layers) return layers.error();
  if (layers->size() < 3) return plain_error("the layered image has " + std::to_string(layers->size()) + " layers");
  bool whiteout = false, opaque = false;
  for (const std::string& layer : *layers) {
    auto entries = layer_entries(layout_dir, layer);
    if (!entries) return entries.error();
    whiteout |= std::count(entries->begin(), entries->end(), "opt/.wh.doomed.txt") > 0;
    opaque |= std::count(entries->begin(), entries->end(), "data/.wh..wh..opq") > 0;
  }
  if (!whiteout || !opaque)
    return plain_error(std::string("the layered image lacks ") + (whiteout ? "" : "opt/.wh.doomed.txt ") +
                       (opaque ? "" : "data/.wh..wh..opq"));
  return {};
}

Result<Json> read_json(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  Json parsed = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return plain_error(path + " is not JSON");
  return parsed;
}

std::string blob_path(const std::string& layout_dir, const std::string& digest) {
  const size_t colon = digest.find(':');
  return layout_dir + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

/// The descriptor in the layout's index.json tagged `tag`.
Result<Json> tagged_descriptor(const std::string& layout_dir, const std::string& tag) {
  auto index = read_json(layout_dir + "/index.json");
  if (!index) return index.error();
  for (const Json& descriptor : (*index)["manifests"]) {
    if (descriptor.value("annotations", Json::object()).value(kRefNameAnnotation, "") == tag) return descriptor;
  }
  return plain_error("no tag " + tag + " in " + layout_dir + "/index.json");
}

/// Stores `content` as a blob of the layout and returns its descriptor's digest.
Result<std::string> add_blob(const std::string& layout_dir, const std::string& content) {
  const std::string staging = layout_dir + "/blobs/sha256/.isobench-new-blob";
  ISOBENCH_TRY(write_regular_file(staging, content));
  auto sum = run_tool({"sha256sum", staging});
  if (!sum) return sum.error();
  const std::string digest = "sha256:" + sum->substr(0, sum->find(' '));
  std::error_code error;
  fs::rename(staging, blob_path(layout_dir, digest), error);
  ISOBENCH_TRY(fs_status(error, "cannot store blob " + digest));
  return digest;
}

Json platform_entry(const Json& descriptor, const std::string& architecture) {
  return {{"mediaType", descriptor["mediaType"]},
          {"digest", descriptor["digest"]},
          {"size", descriptor["size"]},
          {"platform", {{"architecture", architecture}, {"os", "linux"}}}};
}

/// The skopeo options that reach `registry`: PREFIX is "--" (inspect) or "--dest-" (copy).
std::vector<std::string> registry_flags(const LocalRegistry& registry, const std::string& prefix) {
  std::vector<std::string> flags;
  if (registry.options().tls)
    flags.insert(flags.end(), {prefix + "cert-dir", registry.ca_certificate_dir()});
  else
    flags.push_back(prefix + "tls-verify=false");
  if (!registry.options().user.empty())
    flags.insert(flags.end(), {prefix + "creds", registry.options().user + ":" + registry.options().password});
  return flags;
}

/// The Debian sources this machine's apt uses, as a file mmdebstrap takes for its mirror.
Result<std::string> configured_debian_sources() {
  for (const char* candidate : {"/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"}) {
    auto text = read_file(candidate);
    if (text && text->find("debian") != std::string::npos) return std::string(candidate);
  }
  return plain_error("no configured Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list");
}

}  // namespace

Result<std::string> build_layered_busybox_image(const std::string& work_dir) {
  if (access(kBusybox, X_OK) != 0) return errno_error(std::string(kBusybox) + " (install busybox-static)");
  const std::string layout = work_dir + "/layout", image_ref = layout + ":" + kLayeredTag;
  std::error_code error;
  fs::remove_all(layout, error);
  if (auto made = run_tool({"umoci", "init", "--layout", layout}); !made) return made.error();
  if (auto made = run_tool({"umoci", "new", "--image", image_ref}); !made) return made.error();
  const std::string bundle = work_dir + "/bundle";
  ISOBENCH_TRY(layer_by_repack(image_ref, bundle, fill_busybox_root));
  ISOBENCH_TRY(layer_by_repack(image_ref, bundle, fill_second_layer));
  ISOBENCH_TRY(add_whiteout_layer(work_dir, image_ref));
  ISOBENCH_TRY(configure_layered(image_ref));
  ISOBENCH_TRY(check_whiteouts(layout));
  return "oci:" + image_ref;
}

Result<std::string> build_multi_platform_index(const std::string& work_dir) {
  auto layered = build_layered_busybox_image(work_dir);
  if (!layered) return layered.error();
  const std::string layout = work_dir + "/layout", arm64_tag = std::string(kLayeredTag) + "-arm64";
  // A second config and manifest over the same layers; only the architecture differs.
  auto retagged = run_tool({"umoci", "config", "--image", layout + ":" + kLayeredTag, "--tag", arm64_tag,
                            "--architecture", "arm64", "--no-history"});
  if (!retagged) return retagged.error();
  auto amd64 = tagged_descriptor(layout, kLayeredTag);
  if (!amd64) return amd64.error();
  auto arm64 = tagged_descriptor(layout, arm64_tag);
  if (!arm64) return arm64.error();
  const Json image_index = {{"schemaVersion", 2},
                            {"mediaType", "application/vnd.oci.image.index.v1+json"},
                            {"manifests", {platform_entry(*amd64, "amd64"), platform_entry(*arm64, "arm64")}}};
  const std::string content = image_index.dump();
  auto digest = add_blob(layout, content);
  if (!digest) return digest.error();
  auto index = read_json(layout + "/index.json");
  if (!index) return index.error();
  (*index)["manifests"].push_back({{"mediaType", "application/vnd.oci.image.index.v1+json"},
                                   {"digest", *digest},
                                   {"size", content.size()},
                                   {"annotations", {{kRefNameAnnotation, kMultiPlatformTag}}}});
  ISOBENCH_TRY(replace_file(layout + "/index.json", index->dump()));
  return "oci:" + layout + ":" + kMultiPlatformTag;
}

Result<std::vector<std::string>> layout_layers(const std::string& layout_dir, const std::string& tag) {
  auto descriptor = tagged_descriptor(layout_dir, tag);
  if (!descriptor) return descriptor.error();
  auto manifest = read_json(blob_path(layout_dir, descriptor->value("digest", "")));
  if (!manifest) return manifest.error();
  std::vector<std::string> layers;
  for (const Json& layer : manifest->value("layers", Json::array())) layers.push_back(layer.value("digest", ""));
  return layers;
}

Result<std::vector<std::string>> layer_entries(const std::string& layout_dir, const std::string& layer_digest) {
  auto listing = run_tool({"tar", "-tzf", blob_path(layout_dir, layer_digest)});
  if (!listing) return listing.error();
  std::vector<std::string> entries;
  std::istringstream lines(*listing);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("./", 0) == 0) line.erase(0, 2);
    while (line.size() > 1 && line.back() == '/') line.pop_back();
    if (!line.empty() && line != ".") entries.push_back(line);
  }
  return entries;
}

std::string docker_reference(const LocalRegistry& registry, const std::string& repo_tag) {
  return "docker://" + registry.host() + "/" + repo_tag;
}

Status push_with_skopeo(const std::string& source_ref, const std::string& dest_ref, const LocalRegistry& registry,
                        bool all_platforms) {
  // --insecure-policy: a test fixture must not depend on the host's /etc/containers/policy.json.
  std::vector<std::string> argv = {"skopeo", "--command-timeout", "120s", "--insecure-policy", "copy"};
  if (all_platforms) argv.push_back("--all");
  const std::vector<std::string> flags = registry_flags(registry, "--dest-");
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(source_ref);
  argv.push_back(dest_ref.rfind("docker://", 0) == 0 ? dest_ref : docker_reference(registry, dest_ref));
  if (auto copied = run_tool(argv, 150s); !copied) return copied.error();
  return {};
}

Result<Json> skopeo_inspect(const LocalRegistry& registry, const std::string& repo_tag, bool raw) {
  std::vector<std::string> argv = {"skopeo", "--command-timeout", "60s", "inspect"};
  if (raw) argv.push_back("--raw");
  const std::vector<std::string> flags = registry_flags(registry, "--");
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(docker_reference(registry, repo_tag));
  auto output = run_tool(argv, 90s);
  if (!output) return output.error();
  Json parsed = Json::parse(*output, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return plain_error("skopeo inspect printed no JSON: " + *output);
  return parsed;
}

std::string debian_python3_rootfs_cache_path() {
  return std::string(kDebianCacheDir) + "/debian-python3-bookworm.tar";
}

Result<std::string> debian_python3_rootfs_tar() {
  const std::string path = debian_python3_rootfs_cache_path();
  // The tar appears only by rename, whole: its existence means it is complete.
  if (access(path.c_str(), R_OK) == 0) return path;
  std::error_code error;
  fs::create_directories(kDebianCacheDir, error);
  ISOBENCH_TRY(fs_status(error, std::string("cannot create ") + kDebianCacheDir));
  UniqueFd lock(::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!lock) return errno_error("cannot open " + path + ".lock");
  // Concurrent test runs wait for the one that builds it instead of building it twice.
  while (flock(lock.get(), LOCK_EX) != 0)
    if (errno != EINTR) return errno_error("flock " + path + ".lock");
  if (access(path.c_str(), R_OK) == 0) return path;
  auto sources = configured_debian_sources();
  if (!sources) return sources.error();
  const std::string partial = std::string(kDebianCacheDir) + "/debian-python3-bookworm.partial.tar";
  fs::remove(partial, error);
  auto built = run_tool(
      {"mmdebstrap", "--variant=minbase", "--include=python3-minimal", "--format=tar", "bookworm", partial, *sources},
      600s);
  if (!built) {
    fs::remove(partial, error);
    return built.error();
  }
  fs::rename(partial, path, error);
  ISOBENCH_TRY(fs_status(error, "cannot rename " + partial + " to " + path));
  return path;
}

}  // namespace isobench::integration
