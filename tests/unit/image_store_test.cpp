#include "runner/image/store.h"

#include <gtest/gtest.h>

namespace isobench::runner::image {
namespace {

Digest digest_of(char c) { return Digest{std::string(64, c)}; }

ImageRecord record(char id, char manifest) {
  ImageRecord image;
  image.id = digest_of(id);
  image.manifest_digest = digest_of(manifest);
  image.manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
  image.layer_blobs = {digest_of('1'), digest_of('2')};
  image.layer_chain_ids = {digest_of('3'), digest_of('4')};
  image.size = 1234;
  image.created = "2026-01-01T00:00:00Z";
  image.platform = "linux/amd64";
  image.repo_digests = {"docker.io/library/busybox@sha256:" + std::string(64, manifest)};
  return image;
}

StoreIndex two_images() {
  StoreIndex index;
  index.images.emplace(std::string(64, 'a'), record('a', 'e'));
  ImageRecord other = record('a', 'f');
  other.id = Digest{"ab" + std::string(62, '0')};
  index.images.emplace(other.id.hex, other);
  index.tags["docker.io/library/busybox:latest"] = std::string(64, 'a');
  index.tags["localhost:5000/x:1"] = other.id.hex;
  return index;
}

TEST(ImageStoreIndex, RoundTripsThroughItsDocument) {
  const StoreIndex index = two_images();
  auto again = parse_store_index(serialize_store_index(index));
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(again->images, index.images);
  EXPECT_EQ(again->tags, index.tags);
}

TEST(ImageStoreIndex, ATagNamingAMissingImageIsACorruptIndex) {
  StoreIndex index = two_images();
  index.tags["docker.io/library/gone:latest"] = std::string(64, '9');
  auto parsed = parse_store_index(serialize_store_index(index));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("missing image"), std::string::npos);
}

TEST(ImageStoreIndex, ImagesAreFoundByNameTagDigestAndUniqueIdPrefix) {
  const StoreIndex index = two_images();
  EXPECT_EQ(find_image(index, "busybox")->id.hex, std::string(64, 'a'));
  EXPECT_EQ(find_image(index, "docker.io/library/busybox:latest")->id.hex, std::string(64, 'a'));
  EXPECT_EQ(find_image(index, "localhost:5000/x:1")->id.hex.substr(0, 2), "ab");
  EXPECT_EQ(find_image(index, "busybox@sha256:" + std::string(64, 'e'))->id.hex, std::string(64, 'a'));
  EXPECT_EQ(find_image(index, "aaaa")->id.hex, std::string(64, 'a'));
  EXPECT_EQ(find_image(index, "sha256:ab0")->id.hex.substr(0, 2), "ab");
}

TEST(ImageStoreIndex, AmbiguousAndUnknownNamesAreRefused) {
  const StoreIndex index = two_images();
  auto ambiguous = find_image(index, "a");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message.find("ambiguous"), std::string::npos);
  auto unknown = find_image(index, "debian:12");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "no such image: debian:12");
  EXPECT_FALSE(find_image(index, "busybox:other"));
}

TEST(ImageStoreIndex, TagsOfAnImageAreListed) {
  const StoreIndex index = two_images();
  EXPECT_EQ(index.tags_of(std::string(64, 'a')), std::vector<std::string>{"docker.io/library/busybox:latest"});
}

TEST(ImageStore, AMissingStoreIsEmpty) {
  Store store("/nonexistent/isobench-store");
  auto index = store.read_index();
  ASSERT_TRUE(index) << index.error().text();
  EXPECT_TRUE(index->images.empty());
  EXPECT_FALSE(store.has_blob(digest_of('a')));
  EXPECT_EQ(store.layer_tree(digest_of('b')), "/nonexistent/isobench-store/layers/sha256/" + std::string(64, 'b') + "/diff");
}

}  // namespace
}  // namespace isobench::runner::image
