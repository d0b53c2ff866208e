#include "runner/image/reference.h"

#include <gtest/gtest.h>

namespace isobench::runner::image {
namespace {

Reference parsed(std::string_view text) {
  auto reference = parse_reference(text);
  EXPECT_TRUE(reference) << text << ": " << reference.error().text();
  return reference ? *reference : Reference{};
}

std::string error_of(std::string_view text) {
  auto reference = parse_reference(text);
  EXPECT_FALSE(reference) << text << " was accepted as " << (reference ? reference->str() : "");
  return reference ? "" : reference.error().message;
}

TEST(ImageReference, ABareNameIsAnOfficialDockerHubImageAtLatest) {
  const Reference reference = parsed("busybox");
  EXPECT_EQ(reference.str(), "docker.io/library/busybox:latest");
  EXPECT_EQ(reference.familiar_repository(), "busybox");
  EXPECT_EQ(reference.registry_host(), "registry-1.docker.io");
  EXPECT_FALSE(reference.loopback_registry());
}

TEST(ImageReference, ANamespacedNameStaysOnDockerHubWithoutLibrary) {
  EXPECT_EQ(parsed("team/app:1.2").str(), "docker.io/team/app:1.2");
  EXPECT_EQ(parsed("team/app").familiar_repository(), "team/app");
  EXPECT_EQ(parsed("index.docker.io/library/debian:12").str(), "docker.io/library/debian:12");
  EXPECT_EQ(parsed("docker.io/library/debian").familiar_repository(), "debian");
}

TEST(ImageReference, AFirstComponentWithADotAPortOrLocalhostIsARegistry) {
  EXPECT_EQ(parsed("localhost:5000/x").str(), "localhost:5000/x:latest");
  EXPECT_EQ(parsed("localhost/x").domain, "localhost");
  EXPECT_EQ(parsed("quay.io/org/tool:v1").domain, "quay.io");
  EXPECT_EQ(parsed("127.0.0.1:5000/a/b/c:t").path, "a/b/c");
  EXPECT_EQ(parsed("localhost:5000/x").familiar_repository(), "localhost:5000/x");
}

TEST(ImageReference, ATagColonIsToldFromAPortColon) {
  const Reference reference = parsed("localhost:5000/x:5001");
  EXPECT_EQ(reference.domain, "localhost:5000");
  EXPECT_EQ(reference.tag, "5001");
}

TEST(ImageReference, ADigestPinsTheManifestAndKeepsAGivenTag) {
  const std::string hex(64, 'a');
  const Reference pinned = parsed("busybox@sha256:" + hex);
  EXPECT_EQ(pinned.tag, "");
  EXPECT_EQ(pinned.manifest_key(), "sha256:" + hex);
  EXPECT_EQ(pinned.str(), "docker.io/library/busybox@sha256:" + hex);
  const Reference both = parsed("busybox:1@sha256:" + hex);
  EXPECT_EQ(both.tag, "1");
  EXPECT_EQ(both.manifest_key(), "sha256:" + hex);
}

TEST(ImageReference, LoopbackRegistriesAreRecognisedAsDockerDoes) {
  EXPECT_TRUE(parsed("localhost:5000/x").loopback_registry());
  EXPECT_TRUE(parsed("127.0.0.1:5000/x").loopback_registry());
  EXPECT_TRUE(parsed("127.1.2.3/x").loopback_registry());
  EXPECT_TRUE(parsed("[::1]:5000/x").loopback_registry());
  EXPECT_FALSE(parsed("128.0.0.1:5000/x").loopback_registry());
  EXPECT_FALSE(parsed("registry.example:5000/x").loopback_registry());
}

TEST(ImageReference, MalformedReferencesAreRefusedSayingWhy) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("Busybox").find("lowercase"), std::string::npos);
  EXPECT_NE(error_of("busybox:").find("invalid tag"), std::string::npos);
  EXPECT_NE(error_of("busybox:-x").find("invalid tag"), std::string::npos);
  EXPECT_NE(error_of("busybox:" + std::string(129, 'a')).find("invalid tag"), std::string::npos);
  EXPECT_NE(error_of("a//b").find("empty path component"), std::string::npos);
  EXPECT_NE(error_of("a/b/").find("empty path component"), std::string::npos);
  EXPECT_NE(error_of("a..b").find("invalid path component"), std::string::npos);
  EXPECT_NE(error_of("-a").find("invalid path component"), std::string::npos);
  EXPECT_NE(error_of("busybox@sha256:abc").find("64"), std::string::npos);
  EXPECT_NE(error_of("busybox@md5:abc").find("not supported"), std::string::npos);
  EXPECT_NE(error_of("localhost:99999999/x").find("invalid registry"), std::string::npos);
  EXPECT_NE(error_of(std::string(300, 'a')).find("255"), std::string::npos);
  EXPECT_NE(error_of("a b").find("invalid"), std::string::npos);
}

TEST(ImageReference, SeparatorsFollowTheDistributionGrammar) {
  EXPECT_EQ(parsed("a_b").path, "library/a_b");
  EXPECT_EQ(parsed("a__b").path, "library/a__b");
  EXPECT_EQ(parsed("a---b").path, "library/a---b");
  EXPECT_EQ(parsed("a.b/c").domain, "a.b");
  EXPECT_FALSE(parse_reference("a___b"));
  EXPECT_FALSE(parse_reference("a_"));
}

}  // namespace
}  // namespace isobench::runner::image
