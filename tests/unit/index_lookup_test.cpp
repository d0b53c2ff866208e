#include "runner/image/index_lookup.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/file_io.h"
#include "runner/image/store_writer.h"

namespace isobench::runner::image {
namespace {

Digest digest_of(char c) { return Digest{std::string(64, c)}; }

ImageRecord record(char id) {
  ImageRecord image;
  image.id = digest_of(id);
  image.manifest_digest = digest_of('e');
  image.manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
  image.layer_blobs = {digest_of('1')};
  image.layer_chain_ids = {digest_of('3')};
  image.size = 99;
  image.created = "2026-01-01T00:00:00Z";
  image.platform = "linux/amd64";
  image.repo_digests = {"docker.io/library/busybox@sha256:" + std::string(64, 'e')};
  return image;
}

StoreIndex index_of(std::initializer_list<std::pair<const char*, char>> tags) {
  StoreIndex index;
  for (const auto& [tag, id] : tags) {
    index.images.emplace(std::string(64, id), record(id));
    index.tags[tag] = std::string(64, id);
  }
  return index;
}

const IndexIdentity kIdentity{1, 2, 3, 4};

TEST(IndexLookup, FindsTheRecordOfATagInTheIndexItWasMadeFrom) {
  const StoreIndex index = index_of({{"docker.io/library/busybox:latest", 'a'}, {"localhost/x:1", 'b'}});
  const std::string lookup = serialize_index_lookup(index, kIdentity);
  auto found = lookup_tag(lookup, kIdentity, "localhost/x:1");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, index.images.at(std::string(64, 'b')));
}

TEST(IndexLookup, SaysNothingOfAnotherIndexOrAnUnknownTag) {
  const std::string lookup = serialize_index_lookup(index_of({{"localhost/x:1", 'b'}}), kIdentity);
  EXPECT_FALSE(lookup_tag(lookup, IndexIdentity{1, 2, 3, 5}, "localhost/x:1"));
  EXPECT_FALSE(lookup_tag(lookup, kIdentity, "localhost/x:2"));
  // A tag that is a prefix of another's is not that other one.
  EXPECT_FALSE(lookup_tag(lookup, kIdentity, "localhost/x:"));
}

TEST(IndexLookup, AMalformedRecordLineIsNoAnswer) {
  std::string lookup = serialize_index_lookup(index_of({{"localhost/x:1", 'b'}}), kIdentity);
  lookup = lookup.substr(0, lookup.rfind("{")) + "{not json\n";
  EXPECT_FALSE(lookup_tag(lookup, kIdentity, "localhost/x:1"));
}

class IndexLookupStore : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/isobench-lookup-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  Status write_index(const StoreIndex& wanted) {
    auto writer = StoreWriter::open(root_);
    if (!writer) return writer.error();
    return writer->update_index([&](StoreIndex& index) -> Status {
      index = wanted;
      return {};
    });
  }

  std::string root_;
};

TEST_F(IndexLookupStore, AnIndexUpdateLeavesALookupOfTheNewIndex) {
  ASSERT_TRUE(write_index(index_of({{"localhost/x:1", 'b'}})));
  Store store(root_);
  auto held = hold_index(store);
  ASSERT_TRUE(held) << held.error().text();
  auto lookup = read_file(store.lookup_path());
  ASSERT_TRUE(lookup);
  EXPECT_TRUE(lookup_tag(*lookup, held->identity, "localhost/x:1"));
  EXPECT_FALSE(index_replaced(store, *held));
}

TEST_F(IndexLookupStore, AHeldIndexKnowsWhenItWasReplaced) {
  ASSERT_TRUE(write_index(index_of({{"localhost/x:1", 'b'}})));
  Store store(root_);
  auto held = hold_index(store);
  ASSERT_TRUE(held);
  ASSERT_TRUE(write_index(index_of({{"localhost/y:1", 'c'}})));
  EXPECT_TRUE(index_replaced(store, *held));
}

TEST_F(IndexLookupStore, FindingFallsBackToTheIndexWithoutAMatchingLookup) {
  ASSERT_TRUE(write_index(index_of({{"docker.io/library/busybox:latest", 'a'}})));
  Store store(root_);
  // A lookup of another index that would answer differently must not be believed.
  const StoreIndex lying = index_of({{"docker.io/library/busybox:latest", 'f'}});
  ASSERT_TRUE(write_regular_file(store.lookup_path(), serialize_index_lookup(lying, kIdentity)));
  auto held = hold_index(store);
  ASSERT_TRUE(held);
  auto found = find_held_image(store, *held, "busybox");
  ASSERT_TRUE(found) << found.error().text();
  EXPECT_EQ(found->id.hex, std::string(64, 'a'));
  // Names the lookup does not carry (an id prefix, a digest) come from the index.
  EXPECT_EQ(find_held_image(store, *held, "aaaa")->id.hex, std::string(64, 'a'));
  EXPECT_EQ(find_held_image(store, *held, "busybox@sha256:" + std::string(64, 'e'))->id.hex, std::string(64, 'a'));
  auto unknown = find_held_image(store, *held, "debian:12");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "no such image: debian:12");
}

TEST_F(IndexLookupStore, AStoreWithoutAnIndexHasNoImages) {
  Store store(root_ + "/none");
  auto held = hold_index(store);
  ASSERT_TRUE(held);
  EXPECT_FALSE(held->file);
  EXPECT_FALSE(find_held_image(store, *held, "busybox"));
  EXPECT_FALSE(index_replaced(store, *held));
}

}  // namespace
}  // namespace isobench::runner::image
