// Content addresses: "sha256:<64 lowercase hex>", as the OCI image spec writes them, and a
// streaming SHA-256 (OpenSSL's libcrypto) so that a blob is verified while it arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace isobench::runner::image {

/// A validated digest. Only sha256 is accepted: it is what every registry and both image
/// specs use, and refusing the rest keeps a store path from ever holding an odd algorithm.
struct Digest {
  std::string hex;  ///< 64 lowercase hex digits

  /// "sha256:..." with exactly 64 lowercase hex digits; anything else is refused by name.
  static Result<Digest> parse(std::string_view text);
  std::string str() const { return "sha256:" + hex; }
  /// The 12-digit form Docker prints as an IMAGE ID.
  std::string short_id() const { return hex.substr(0, 12); }
  bool empty() const { return hex.empty(); }
  auto operator<=>(const Digest&) const = default;
};

/// Incremental SHA-256. Move-only (it owns an EVP_MD_CTX). This and the functions below are
/// in isobench_image_transfer (sha256.cpp), which links libcrypto.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  /// The digest of everything fed so far; the hasher starts over afterwards.
  Digest finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

/// The digest of `bytes` (a manifest, a config).
Digest sha256_of(std::string_view bytes);
/// The digest of a whole file, read in chunks.
Result<Digest> sha256_of_file(const std::string& path);

/// The chain id of a layer stack (OCI image spec, "Layer ChainID"): the first layer's is its
/// diff id; each next one is sha256("<parent chain id> <diff id>").
Digest next_chain_id(const Digest& parent_chain_id, const Digest& diff_id);

}  // namespace isobench::runner::image
