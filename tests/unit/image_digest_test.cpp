// Content addresses: only "sha256:" with 64 lowercase hex digits is a digest; SHA-256 gives
// the published test vectors whether fed at once or in pieces; chain ids follow the OCI image
// spec ("Layer ChainID").
#include "runner/image/digest.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

using namespace isobench;
using namespace isobench::runner::image;

namespace {

constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// FIPS 180-2's two-block message.
constexpr const char* kTwoBlockMessage = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* kTwoBlock = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ImageDigest, ParsesSha256WithSixtyFourLowercaseHexDigits) {
  auto digest = Digest::parse(std::string("sha256:") + kAbc);
  ASSERT_TRUE(digest) << digest.error().message;
  EXPECT_EQ(digest->hex, kAbc);
  EXPECT_EQ(digest->str(), std::string("sha256:") + kAbc);
  EXPECT_EQ(digest->short_id(), "ba7816bf8f01");
  EXPECT_FALSE(digest->empty());
}

TEST(ImageDigest, RefusesUppercaseHex) {
  std::string upper = kAbc;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto digest = Digest::parse("sha256:" + upper);
  ASSERT_FALSE(digest);
  EXPECT_TRUE(contains(digest.error().message, "64 lowercase hex digits")) << digest.error().message;
  EXPECT_FALSE(Digest::parse(std::string("SHA256:") + kAbc));
}

TEST(ImageDigest, RefusesTheWrongLengthAndNonHex) {
  EXPECT_FALSE(Digest::parse("sha256:abc"));
  EXPECT_FALSE(Digest::parse("sha256:"));
  EXPECT_FALSE(Digest::parse(std::string("sha256:") + kAbc + "0"));
  EXPECT_FALSE(Digest::parse("sha256:" + std::string(63, 'a') + "g"));
  EXPECT_FALSE(Digest::parse("sha256:" + std::string(63, 'a') + "/"));
}

TEST(ImageDigest, RefusesOtherAlgorithmsByName) {
  auto sha512 = Digest::parse("sha512:" + std::string(128, 'a'));
  ASSERT_FALSE(sha512);
  EXPECT_TRUE(contains(sha512.error().message, "'sha512' is not supported")) << sha512.error().message;
  auto bare = Digest::parse(kAbc);
  ASSERT_FALSE(bare);
  EXPECT_TRUE(contains(bare.error().message, "no algorithm")) << bare.error().message;
}

TEST(ImageDigest, Sha256GivesTheKnownVectors) {
  EXPECT_EQ(sha256_of("").hex, kEmpty);
  EXPECT_EQ(sha256_of("abc").hex, kAbc);
  EXPECT_EQ(sha256_of(kTwoBlockMessage).hex, kTwoBlock);
}

TEST(ImageDigest, StreamingInPiecesEqualsOneShot) {
  std::string text;
  for (int i = 0; i < 10'000; ++i) text += static_cast<char>('a' + i % 26);
  Sha256 hasher;
  for (size_t offset = 0, step = 1; offset < text.size(); offset += step, step = step * 3 % 1000 + 1) {
    hasher.update(std::string_view(text).substr(offset, step));
  }
  EXPECT_EQ(hasher.finish(), sha256_of(text));
}

TEST(ImageDigest, AHasherStartsOverAfterFinish) {
  Sha256 hasher;
  hasher.update("something else");
  (void)hasher.finish();
  hasher.update("abc");
  EXPECT_EQ(hasher.finish().hex, kAbc);
  EXPECT_EQ(hasher.finish().hex, kEmpty);
}

TEST(ImageDigest, AMovedHasherKeepsItsState) {
  Sha256 first;
  first.update("a");
  Sha256 second = std::move(first);
  second.update("bc");
  EXPECT_EQ(second.finish().hex, kAbc);
}

TEST(ImageDigest, AFileHashesLikeItsBytes) {
  char scratch[] = "/tmp/isobench-digest-test-XXXXXX";
  ASSERT_NE(mkdtemp(scratch), nullptr);
  const std::string path = std::string(scratch) + "/file";
  const std::string bytes(200'000, 'z');  // more than one read buffer
  std::ofstream(path, std::ios::binary) << bytes;
  auto digest = sha256_of_file(path);
  ASSERT_TRUE(digest) << digest.error().text();
  EXPECT_EQ(*digest, sha256_of(bytes));
  EXPECT_FALSE(sha256_of_file(std::string(scratch) + "/missing"));
  std::filesystem::remove_all(scratch);
}

TEST(ImageDigest, TheFirstChainIdIsTheDiffId) {
  const Digest diff_id = sha256_of("layer one");
  EXPECT_EQ(next_chain_id(Digest{}, diff_id), diff_id);
}

TEST(ImageDigest, TheNextChainIdHashesParentSpaceDiffId) {
  const Digest a = sha256_of("layer one");
  const Digest b = sha256_of("layer two");
  const Digest c = sha256_of("layer three");
  const Digest chain_b = next_chain_id(next_chain_id(Digest{}, a), b);
  EXPECT_EQ(chain_b, sha256_of("sha256:" + a.hex + " sha256:" + b.hex));
  EXPECT_EQ(next_chain_id(chain_b, c), sha256_of(chain_b.str() + " " + c.str()));
  EXPECT_NE(next_chain_id(next_chain_id(Digest{}, b), a), chain_b) << "order matters";
}

}  // namespace
