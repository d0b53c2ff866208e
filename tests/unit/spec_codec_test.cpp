#include "runner/spec_codec.h"

#include <gtest/gtest.h>

using namespace isobench::runner;

namespace {

ContainerSpec full_spec() {
  ContainerSpec spec;
  spec.id = std::string(64, 'a');
  spec.args = {"/bin/sh", "-c", "echo 'hi there'"};
  spec.executable = "/bin/sh";
  spec.rootfs = "/store/layers/sha256/top/diff";
  spec.lower_layers = {"/store/layers/sha256/mid/diff", "/store/layers/sha256/bottom/diff"};
  spec.layer_bytes = 1 << 20;
  spec.layer_dir = "/store/containers/ID/layer";
  spec.namespaces.add(Namespace::kUser);
  spec.uid_mapping = IdMapping{0, 100000, 65536};
  spec.gid_mapping = IdMapping{0, 100000, 65536};
  spec.deny_setgroups = true;
  spec.hostname = "box";
  spec.env = {"PATH=/bin", "A=b c"};
  spec.cwd = "/work";
  spec.preserve_fds = 2;
  spec.uid = 1000;
  spec.gid = 1001;
  spec.cgroup_parent = "bench";
  spec.limits.memory_bytes = 64 << 20;
  spec.limits.cpus = 0.5;
  spec.limits.pids = 100;
  spec.limits.cpuset_cpus = "0-1";
  spec.security = SecurityMode::kNone;
  spec.timeout_seconds = 2.5;
  spec.stop_grace_seconds = 3;
  return spec;
}

void expect_same(const ContainerSpec& a, const ContainerSpec& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.args, b.args);
  EXPECT_EQ(a.executable, b.executable);
  EXPECT_EQ(a.rootfs, b.rootfs);
  EXPECT_EQ(a.lower_layers, b.lower_layers);
  EXPECT_EQ(a.rootfs_mode, b.rootfs_mode);
  EXPECT_EQ(a.layer_bytes, b.layer_bytes);
  EXPECT_EQ(a.layer_dir, b.layer_dir);
  EXPECT_EQ(a.namespaces, b.namespaces);
  EXPECT_EQ(a.uid_mapping.has_value(), b.uid_mapping.has_value());
  if (a.uid_mapping && b.uid_mapping) EXPECT_EQ(a.uid_mapping->outside, b.uid_mapping->outside);
  EXPECT_EQ(a.deny_setgroups, b.deny_setgroups);
  EXPECT_EQ(a.hostname, b.hostname);
  EXPECT_EQ(a.env, b.env);
  EXPECT_EQ(a.cwd, b.cwd);
  EXPECT_EQ(a.preserve_fds, b.preserve_fds);
  EXPECT_EQ(a.uid, b.uid);
  EXPECT_EQ(a.gid, b.gid);
  EXPECT_EQ(a.use_cgroup, b.use_cgroup);
  EXPECT_EQ(a.cgroup_parent, b.cgroup_parent);
  EXPECT_EQ(a.limits.memory_bytes, b.limits.memory_bytes);
  EXPECT_EQ(a.limits.cpus, b.limits.cpus);
  EXPECT_EQ(a.limits.pids, b.limits.pids);
  EXPECT_EQ(a.limits.cpuset_cpus, b.limits.cpuset_cpus);
  EXPECT_EQ(a.security, b.security);
  EXPECT_EQ(a.timeout_seconds, b.timeout_seconds);
  EXPECT_EQ(a.stop_grace_seconds, b.stop_grace_seconds);
}

}  // namespace

TEST(SpecCodec, EveryFieldSurvivesTheRoundTrip) {
  const ContainerSpec spec = full_spec();
  auto parsed = parse_spec(serialize_spec(spec));
  ASSERT_TRUE(parsed) << parsed.error().text();
  expect_same(spec, *parsed);
}

TEST(SpecCodec, TheDefaultSpecSurvivesTooWithNoLimitsOrMappings) {
  ContainerSpec spec;
  spec.args = {"/bin/noop"};
  spec.rootfs = "/img";
  auto parsed = parse_spec(serialize_spec(spec));
  ASSERT_TRUE(parsed) << parsed.error().text();
  expect_same(spec, *parsed);
  EXPECT_FALSE(parsed->limits.any());
}

TEST(SpecCodec, AMistypedOrMissingFieldIsAnErrorNamingIt) {
  std::string text = serialize_spec(full_spec());
  auto wrong = parse_spec(std::string(text).replace(text.find("\"uid\": 1000"), 11, "\"uid\": \"x\""), "spec.json");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("uid"), std::string::npos) << wrong.error().message;
  EXPECT_FALSE(parse_spec("[]"));
  EXPECT_FALSE(parse_spec("{\"id\": \"x\"}"));
  auto bad_namespaces = parse_spec(std::string(text).replace(text.find("\"namespaces\": \""), 15, "\"namespaces\": \"bogus,"));
  ASSERT_FALSE(bad_namespaces);
}
