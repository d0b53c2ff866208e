#include "runner/image/digest.h"

#include <algorithm>

namespace isobench::runner::image {

namespace {

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<Digest> Digest::parse(std::string_view text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (!text.starts_with(kPrefix)) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return plain_error("digest '" + std::string(text.substr(0, 80)) + "' has no algorithm (expected sha256:<64 hex digits>)");
    return plain_error("digest algorithm '" + std::string(text.substr(0, std::min<size_t>(colon, 20))) +
                       "' is not supported (only sha256)");
  }
  const std::string_view hex = text.substr(kPrefix.size());
  if (hex.size() != 64 || !is_lower_hex(hex)) {
    return plain_error("digest '" + std::string(text.substr(0, 80)) + "' is not sha256 with 64 lowercase hex digits");
  }
  return Digest{std::string(hex)};
}

}  // namespace isobench::runner::image
