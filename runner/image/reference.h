// Image references as Docker writes and normalises them: "busybox" is
// docker.io/library/busybox:latest, "localhost:5000/x" names a registry, "@sha256:..." pins a
// digest. The grammar is that of the distribution project's reference package.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "runner/image/digest.h"

namespace isobench::runner::image {

inline constexpr std::string_view kDockerHubDomain = "docker.io";

struct Reference {
  std::string domain;            ///< "docker.io", "localhost:5000", "127.0.0.1:5000", "quay.io"
  std::string path;              ///< "library/busybox", "team/app"
  std::string tag;               ///< "latest" when the text named neither a tag nor a digest
  std::optional<Digest> digest;  ///< "@sha256:..." when given

  /// "docker.io/library/busybox": the repository, without tag or digest.
  std::string repository() const { return domain + "/" + path; }
  /// The whole normalised reference: "docker.io/library/busybox:latest", or "...@sha256:..".
  std::string str() const;
  /// The repository as Docker prints it: "busybox", "team/app", "localhost:5000/x".
  std::string familiar_repository() const;
  /// "busybox:latest", "localhost:5000/x:1": the name as Docker prints it in lists.
  std::string familiar() const { return familiar_repository() + ":" + tag; }
  /// Where the registry's API is: Docker Hub's is registry-1.docker.io.
  std::string registry_host() const;
  /// The registry is on a loopback address (localhost, 127.0.0.0/8, ::1), which Docker
  /// speaks to over plain HTTP.
  bool loopback_registry() const;
  /// What the manifest is fetched by: the digest when pinned, else the tag.
  std::string manifest_key() const { return digest ? digest->str() : tag; }
  bool operator==(const Reference&) const = default;
};

/// Parses and normalises `text`; the error names what is wrong ("repository name must be
/// lowercase", "invalid tag", ...), quoting the reference.
Result<Reference> parse_reference(std::string_view text);

/// A normalised "repository:tag" of the store's index as Docker prints it ("busybox:latest");
/// `name` itself when it does not parse.
std::string familiar_name(const std::string& name);

}  // namespace isobench::runner::image
