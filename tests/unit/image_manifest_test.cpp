#include "runner/image/manifest.h"

#include <gtest/gtest.h>

#include "runner/image/image_config.h"

namespace isobench::runner::image {
namespace {

std::string hex(char c) { return std::string(64, c); }

std::string oci_manifest(const std::string& layer_type = std::string(media_types::kOciLayerGzip)) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" + hex('c') + R"(","size":10},
    "layers":[{"mediaType":")" + layer_type + R"(","digest":"sha256:)" + hex('1') + R"(","size":100}]})";
}

TEST(ImageManifest, AnOciManifestGivesItsConfigAndLayers) {
  auto manifest = parse_image_manifest(oci_manifest(), "");
  ASSERT_TRUE(manifest) << manifest.error().text();
  EXPECT_EQ(manifest->media_type, media_types::kOciManifest);
  EXPECT_EQ(manifest->config.digest.hex, hex('c'));
  ASSERT_EQ(manifest->layers.size(), 1u);
  EXPECT_EQ(manifest->layers[0].size, 100);
}

TEST(ImageManifest, ADockerManifestWithoutMediaTypeTakesTheContentType) {
  std::string text = oci_manifest(std::string(media_types::kDockerLayerGzip));
  text.replace(text.find(R"("mediaType":"application/vnd.oci.image.manifest.v1+json",)"),
               std::string(R"("mediaType":"application/vnd.oci.image.manifest.v1+json",)").size(), "");
  auto manifest = parse_image_manifest(text, "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8");
  ASSERT_TRUE(manifest) << manifest.error().text();
  EXPECT_EQ(manifest->media_type, media_types::kDockerManifest);
}

TEST(ImageManifest, UnsupportedTypesAreRefusedByName) {
  auto schema1 = parse_image_manifest(R"({"schemaVersion":1,"name":"x"})", "application/vnd.docker.distribution.manifest.v1+prettyjws");
  ASSERT_FALSE(schema1);
  EXPECT_NE(schema1.error().message.find("unsupported manifest media type"), std::string::npos);
  auto foreign = parse_image_manifest(oci_manifest("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"), "");
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message.find("unsupported media type"), std::string::npos);
}

TEST(ImageManifest, WrongFieldTypesAreErrorsNotExceptions) {
  for (const char* text : {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":[],"layers":[]})",
                           R"({"schemaVersion":"2","mediaType":"application/vnd.oci.image.manifest.v1+json"})",
                           R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":1}})",
                           R"([1,2])", "not json", R"({"mediaType":7})"}) {
    EXPECT_FALSE(parse_image_manifest(text, "")) << text;
  }
  std::string negative = oci_manifest();
  negative.replace(negative.find("\"size\":100"), 10, "\"size\":-1");
  EXPECT_FALSE(parse_image_manifest(negative, ""));
}

std::string index_with(const std::string& platforms) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" + platforms + "]}";
}

std::string entry(const std::string& platform, char digit) {
  return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" + hex(digit) +
         R"(","size":5,"platform":)" + platform + "}";
}

TEST(ImageIndex, ThePlatformAskedForIsChosen) {
  auto index = parse_image_index(index_with(entry(R"({"os":"linux","architecture":"arm64","variant":"v8"})", '2') + "," +
                                            entry(R"({"os":"linux","architecture":"amd64"})", '3')),
                                 "");
  ASSERT_TRUE(index) << index.error().text();
  auto amd64 = select_platform(*index, Platform{"linux", "amd64", ""});
  ASSERT_TRUE(amd64);
  EXPECT_EQ(amd64->digest.hex, hex('3'));
  auto arm64 = select_platform(*index, *Platform::parse("linux/arm64"));
  ASSERT_TRUE(arm64);
  EXPECT_EQ(arm64->digest.hex, hex('2'));
}

TEST(ImageIndex, AMissingPlatformListsWhatTheIndexOffers) {
  auto index = parse_image_index(index_with(entry(R"({"os":"linux","architecture":"arm64","variant":"v8"})", '2') + "," +
                                            entry(R"({"os":"unknown","architecture":"unknown"})", '4')),
                                 "");
  ASSERT_TRUE(index);
  auto chosen = select_platform(*index, Platform{"linux", "s390x", ""});
  ASSERT_FALSE(chosen);
  EXPECT_EQ(chosen.error().message, "no image for platform linux/s390x (the index offers: linux/arm64/v8)");
}

TEST(ImagePlatform, ParsesOsArchAndVariant) {
  EXPECT_EQ(Platform::parse("linux/arm64/v8")->str(), "linux/arm64/v8");
  EXPECT_FALSE(Platform::parse("amd64"));
  EXPECT_FALSE(Platform::parse("linux//v8"));
  EXPECT_FALSE(Platform::parse("a/b/c/d"));
  EXPECT_TRUE((Platform{"linux", "arm64", ""}.accepts(Platform{"linux", "arm64", "v8"})));
  EXPECT_FALSE((Platform{"linux", "arm", "v7"}.accepts(Platform{"linux", "arm", "v6"})));
}

TEST(ImageManifest, SerialisedDocumentsParseBackTheSame) {
  auto manifest = parse_image_manifest(oci_manifest(), "");
  ASSERT_TRUE(manifest);
  auto again = parse_image_manifest(serialize_image_manifest(*manifest), "");
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(again->layers[0].digest, manifest->layers[0].digest);
  EXPECT_EQ(again->config.size, manifest->config.size);
}

TEST(ImageConfigDocument, RuntimeFieldsAndDiffIdsAreRead) {
  auto config = parse_image_config(R"({"architecture":"amd64","os":"linux","created":"2026-01-02T03:04:05Z",
    "config":{"Entrypoint":null,"Cmd":"/bin/sh","Env":["PATH=/bin","FOO=bar"],"WorkingDir":"/opt","User":"1000:1000",
    "StopSignal":"SIGINT","Labels":{"a":"b"}},"rootfs":{"type":"layers","diff_ids":["sha256:)" + hex('d') + R"("]}})");
  ASSERT_TRUE(config) << config.error().text();
  EXPECT_TRUE(config->entrypoint.empty());
  EXPECT_EQ(config->cmd, std::vector<std::string>{"/bin/sh"});
  EXPECT_EQ(config->env.size(), 2u);
  EXPECT_EQ(config->working_dir, "/opt");
  EXPECT_EQ(config->user, "1000:1000");
  EXPECT_EQ(config->stop_signal, "SIGINT");
  EXPECT_EQ(config->labels.at("a"), "b");
  ASSERT_EQ(config->diff_ids.size(), 1u);
  auto again = parse_image_config(serialize_image_config(*config, "made by a test"));
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(again->cmd, config->cmd);
  EXPECT_EQ(again->diff_ids, config->diff_ids);
}

TEST(ImageConfigDocument, BadRootfsIsRefused) {
  EXPECT_FALSE(parse_image_config(R"({"rootfs":{"type":"squash","diff_ids":[]}})"));
  EXPECT_FALSE(parse_image_config(R"({"rootfs":{"type":"layers","diff_ids":["sha256:x"]}})"));
  EXPECT_FALSE(parse_image_config(R"({"config":{"Env":"PATH=/bin"},"rootfs":{"type":"layers"}})"));
  EXPECT_FALSE(parse_image_config(R"({})"));
}

TEST(ImageConfigDocument, TheContainerCommandFollowsDockersOverrideRules) {
  ImageConfig config;
  config.entrypoint = {"/entry", "-x"};
  config.cmd = {"default"};
  EXPECT_EQ(container_argv(config, {}, std::nullopt), (std::vector<std::string>{"/entry", "-x", "default"}));
  EXPECT_EQ(container_argv(config, {"mine"}, std::nullopt), (std::vector<std::string>{"/entry", "-x", "mine"}));
  EXPECT_EQ(container_argv(config, {}, std::string("/other")), (std::vector<std::string>{"/other"}));
  EXPECT_EQ(container_argv(config, {"a"}, std::string("")), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace isobench::runner::image
