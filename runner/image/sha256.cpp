// SHA-256 with OpenSSL's libcrypto: in isobench_image_transfer, so the static isobench that
// starts containers does not carry libcrypto (it only reads digests: digest.cpp).
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>

#include "common/unique_fd.h"
#include "runner/image/digest.h"

namespace isobench::runner::image {

struct Sha256::Context {
  EVP_MD_CTX* evp = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(evp); }
  void start() { EVP_DigestInit_ex(evp, EVP_sha256(), nullptr); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) { context_->start(); }
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size) { EVP_DigestUpdate(context_->evp, data, size); }

Digest Sha256::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> raw{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->evp, raw.data(), &length);
  context_->start();
  static constexpr char kHex[] = "0123456789abcdef";
  Digest digest;
  digest.hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    digest.hex += kHex[raw[i] >> 4];
    digest.hex += kHex[raw[i] & 0xf];
  }
  return digest;
}

Digest sha256_of(std::string_view bytes) {
  Sha256 hasher;
  hasher.update(bytes);
  return hasher.finish();
}

Result<Digest> sha256_of_file(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("open " + path);
  Sha256 hasher;
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t got = read(fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno_error("read " + path);
    }
    if (got == 0) break;
    hasher.update(buffer.data(), static_cast<size_t>(got));
  }
  return hasher.finish();
}

Digest next_chain_id(const Digest& parent_chain_id, const Digest& diff_id) {
  if (parent_chain_id.empty()) return diff_id;
  return sha256_of(parent_chain_id.str() + " " + diff_id.str());
}

}  // namespace isobench::runner::image
