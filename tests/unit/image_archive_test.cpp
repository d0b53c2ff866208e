#include "runner/image/image_archive.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace isobench::runner::image {
namespace {

using nlohmann::json;

Digest digest_of(char c) { return Digest{std::string(64, c)}; }

ArchivedImage image_named(std::vector<std::string> names) {
  ArchivedImage image;
  image.record.id = digest_of('c');
  image.record.manifest_digest = digest_of('e');
  image.record.manifest_media_type = std::string(media_types::kOciManifest);
  image.record.layer_blobs = {digest_of('1'), digest_of('2')};
  image.manifest_size = 405;
  image.names = std::move(names);
  return image;
}

TEST(OciLayoutIndex, HasOneEntryPerNameAnnotatedWithTheNameAndItsTag) {
  const json index = json::parse(oci_layout_index({image_named({"docker.io/library/busybox:latest", "localhost:5000/x/y:2"})}));
  EXPECT_EQ(index["schemaVersion"], 2);
  EXPECT_EQ(index["mediaType"], media_types::kOciIndex);
  ASSERT_EQ(index["manifests"].size(), 2u);
  const json& first = index["manifests"][0];
  EXPECT_EQ(first["digest"], digest_of('e').str());
  EXPECT_EQ(first["size"], 405);
  EXPECT_EQ(first["mediaType"], media_types::kOciManifest);
  EXPECT_EQ(first["annotations"][std::string(kImageNameAnnotation)], "docker.io/library/busybox:latest");
  EXPECT_EQ(first["annotations"][std::string(kRefNameAnnotation)], "latest");
  EXPECT_EQ(index["manifests"][1]["annotations"][std::string(kRefNameAnnotation)], "2");
}

TEST(OciLayoutIndex, AnImageSavedByIdHasOneEntryWithoutAnnotations) {
  const json index = json::parse(oci_layout_index({image_named({})}));
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_FALSE(index["manifests"][0].contains("annotations"));
}

TEST(OciLayoutIndex, EntriesReadBackToTheirNames) {
  auto index = parse_image_index(oci_layout_index({image_named({"localhost:5000/x/y:2"})}), media_types::kOciIndex);
  ASSERT_TRUE(index) << index.error().text();
  EXPECT_EQ(layout_entry_name(index->manifests[0]), "localhost:5000/x/y:2");
}

TEST(OciLayoutIndex, ABareRefNameTagGivesNoNameAndAWholeReferenceOneIsNormalised) {
  Descriptor entry;
  entry.annotations[std::string(kRefNameAnnotation)] = "latest";
  EXPECT_EQ(layout_entry_name(entry), std::nullopt);
  entry.annotations[std::string(kRefNameAnnotation)] = "busybox:1";
  EXPECT_EQ(layout_entry_name(entry), "docker.io/library/busybox:1");
  entry.annotations.clear();
  EXPECT_EQ(layout_entry_name(entry), std::nullopt);
}

TEST(DockerArchiveManifest, ListsConfigLayersAndFamiliarTagsAsArchivePaths) {
  const json manifest = json::parse(docker_archive_manifest({image_named({"docker.io/library/busybox:latest"}), image_named({})}));
  ASSERT_EQ(manifest.size(), 2u);
  EXPECT_EQ(manifest[0]["Config"], "blobs/sha256/" + std::string(64, 'c'));
  EXPECT_EQ(manifest[0]["RepoTags"], json::array({"busybox:latest"}));
  EXPECT_EQ(manifest[0]["Layers"], json::array({"blobs/sha256/" + std::string(64, '1'), "blobs/sha256/" + std::string(64, '2')}));
  EXPECT_TRUE(manifest[1]["RepoTags"].is_null());
}

TEST(DockerArchiveManifest, ParsesADockerSaveManifestWithNormalisedTags) {
  auto entries = parse_docker_archive_manifest(
      R"([{"Config":"abc.json","RepoTags":["busybox:latest","localhost:5000/app:1"],"Layers":["1/layer.tar","2/layer.tar"]},
          {"Config":"def.json","RepoTags":null,"Layers":[]}])");
  ASSERT_TRUE(entries) << entries.error().text();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].config, "abc.json");
  EXPECT_EQ((*entries)[0].repo_tags, (std::vector<std::string>{"docker.io/library/busybox:latest", "localhost:5000/app:1"}));
  EXPECT_EQ((*entries)[0].layers, (std::vector<std::string>{"1/layer.tar", "2/layer.tar"}));
  EXPECT_TRUE((*entries)[1].repo_tags.empty());
}

TEST(DockerArchiveManifest, MalformedDocumentsAreRefused) {
  for (const char* bad : {"{}", "[]", "not json", R"([{"RepoTags":[]}])", R"([{"Config":1}])", R"([{"Config":"a","Layers":"x"}])",
                          R"([{"Config":"a","RepoTags":["UPPER:case"]}])", R"([{"Config":"a","RepoTags":["x@sha256:)" "0000000000000000000000000000000000000000000000000000000000000000\"]}]"}) {
    EXPECT_FALSE(parse_docker_archive_manifest(bad)) << bad;
  }
}

}  // namespace
}  // namespace isobench::runner::image
