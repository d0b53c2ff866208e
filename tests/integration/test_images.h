// Real OCI images for the image tests, made on this machine (nothing can be pulled from
// outside): a layered busybox image built with umoci whose layers exercise whiteouts and an
// opaque directory, a two-platform image index, and a cached Debian root with python3.
// skopeo pushes them into a LocalRegistry, as any client would.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "tests/integration/local_registry.h"

namespace isobench::integration {

/// The tag of the layered image inside its layout, and of the index built around it.
inline constexpr const char* kLayeredTag = "layered";
inline constexpr const char* kMultiPlatformTag = "multi";

/// What the layered image's config says, for tests to compare against.
inline constexpr const char* kLayeredCommand = "echo hello from layered";
inline constexpr const char* kLayeredLabel = "org.isobench.test=layered";

/// Builds WORK_DIR/layout, an OCI image layout, and returns "oci:WORK_DIR/layout:layered".
/// Its layers, bottom to top:
///  1. a busybox-static root: /bin/busybox and its links sh ls cat echo true false id env
///     pwd; /etc/passwd and /etc/group with root and app (uid and gid 1000); /data/a,
///     /data/b and /data/keep/x;
///  2. /etc/motd, /opt/hello.txt and /opt/doomed.txt;
///  3. a whiteout of /opt/doomed.txt (opt/.wh.doomed.txt) and /data made opaque
///     (data/.wh..wh..opq) holding only /data/new.
/// Config: no entrypoint, cmd /bin/sh -c "echo hello from layered", env FOO=bar and PATH,
/// working directory /opt, label org.isobench.test=layered; linux/amd64. WORK_DIR must exist.
Result<std::string> build_layered_busybox_image(const std::string& work_dir);

/// build_layered_busybox_image, plus an image index tagged "multi" in the same layout with
/// two manifests: linux/amd64 (the layered image) and linux/arm64 (the same layers under a
/// config saying arm64; never run). Returns "oci:WORK_DIR/layout:multi".
Result<std::string> build_multi_platform_index(const std::string& work_dir);

/// The layer digests ("sha256:...") of the manifest tagged `tag` in an OCI layout, bottom first.
Result<std::vector<std::string>> layout_layers(const std::string& layout_dir, const std::string& tag);

/// Every entry name of a layer blob of an OCI layout (tar -tzf), e.g. "data/.wh..wh..opq".
Result<std::vector<std::string>> layer_entries(const std::string& layout_dir, const std::string& layer_digest);

/// `skopeo copy SOURCE DEST` into `registry`, with its TLS and credentials. DEST is
/// "REPO:TAG" (the registry's host is put in front) or a whole "docker://HOST/REPO:TAG".
/// `all_platforms` copies an index with every manifest it lists (--all).
Status push_with_skopeo(const std::string& source_ref, const std::string& dest_ref, const LocalRegistry& registry,
                        bool all_platforms = false);

/// `skopeo inspect` (or with `raw`, --raw: the manifest itself) of REPO:TAG in `registry`.
Result<nlohmann::json> skopeo_inspect(const LocalRegistry& registry, const std::string& repo_tag, bool raw = false);

/// "docker://HOST/REPO:TAG" for REPO:TAG in `registry`.
std::string docker_reference(const LocalRegistry& registry, const std::string& repo_tag);

/// The path of a tar of a Debian bookworm minbase root with python3-minimal (mmdebstrap),
/// kept at /var/cache/isobench-tests/debian-python3-bookworm.tar and built once, under a
/// lock, from this machine's configured Debian mirror: the first call takes about a minute
/// and needs the mirror; later ones return at once.
Result<std::string> debian_python3_rootfs_tar();

/// Where debian_python3_rootfs_tar() keeps its tar.
std::string debian_python3_rootfs_cache_path();

}  // namespace isobench::integration
