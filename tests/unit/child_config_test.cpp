// child_config_for: what the container's init is told to do for a spec, decided without a
// system call, so that each isolation switch can be pinned here without root.
#include "runner/child_config.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include "runner/security/capabilities.h"

namespace isobench::runner {
namespace {

const std::vector<RootfsStep> kPlan(2);
const SeccompProgram* const kSeccomp = reinterpret_cast<const SeccompProgram*>(&kPlan);

ChildResources resources() {
  ChildResources made;
  made.cgroup_dir_fd = 10;
  made.sync_fd = 11;
  made.error_fd = 12;
  made.runner_pidfd = 13;
  made.rootfs_plan = &kPlan;
  made.rootfs_fd = 14;
  made.devices_guarded = true;
  made.seccomp = kSeccomp;
  made.last_capability = 40;
  return made;
}

ContainerSpec default_spec() {
  ContainerSpec spec;
  spec.executable = "/bin/noop";
  spec.hostname = "box";
  return spec;
}

TEST(ChildConfigFor, TheDefaultSpecFinishesEveryNamespaceAndLocksDown) {
  ContainerSpec spec = default_spec();
  ChildConfig config = child_config_for(spec, resources());
  EXPECT_TRUE(config.unshare_cgroup);
  EXPECT_STREQ(config.hostname, "box");
  EXPECT_EQ(config.rootfs, &kPlan);
  EXPECT_TRUE(config.loopback_up);
  EXPECT_FALSE(config.become_root) << "no user namespace by default";
  EXPECT_TRUE(config.limit_capabilities);
  EXPECT_TRUE(config.no_new_privs);
  EXPECT_EQ(config.seccomp, kSeccomp);
  EXPECT_EQ(config.last_capability, 40);
  EXPECT_EQ(config.keep_capabilities, docker_default_capabilities());
  EXPECT_STREQ(config.executable, "/bin/noop");
}

TEST(ChildConfigFor, TheDescriptorsAreThoseOnesTheParentMade) {
  ChildConfig config = child_config_for(default_spec(), resources());
  EXPECT_EQ(config.cgroup_dir_fd, 10);
  EXPECT_EQ(config.sync_fd, 11);
  EXPECT_EQ(config.error_fd, 12);
  EXPECT_EQ(config.runner_pidfd, 13);
  EXPECT_EQ(config.rootfs_fd, 14);
}

TEST(ChildConfigFor, SecurityNoneKeepsCapabilitiesSeccompAndPrivileges) {
  ContainerSpec spec = default_spec();
  spec.security = SecurityMode::kNone;
  ChildConfig config = child_config_for(spec, resources());
  EXPECT_FALSE(config.limit_capabilities);
  EXPECT_FALSE(config.no_new_privs);
  EXPECT_EQ(config.seccomp, nullptr) << "a prepared program is not installed without default security";
}

TEST(ChildConfigFor, WithoutADeviceCgroupMknodIsTakenAway) {
  ChildResources unguarded = resources();
  unguarded.devices_guarded = false;
  ChildConfig config = child_config_for(default_spec(), unguarded);
  EXPECT_EQ(config.keep_capabilities & (uint64_t{1} << CAP_MKNOD), 0u);
  EXPECT_EQ(config.keep_capabilities | (uint64_t{1} << CAP_MKNOD),
            docker_default_capabilities() | (uint64_t{1} << CAP_MKNOD));
}

TEST(ChildConfigFor, SharedNamespacesAreLeftAlone) {
  ContainerSpec spec = default_spec();
  spec.namespaces = NamespaceSet{};
  ChildConfig config = child_config_for(spec, resources());
  EXPECT_EQ(config.hostname, nullptr) << "the host's hostname is not ours to set";
  EXPECT_EQ(config.rootfs, nullptr) << "no mount namespace: the host's filesystem stays";
  EXPECT_FALSE(config.loopback_up);
  EXPECT_FALSE(config.unshare_cgroup);
}

TEST(ChildConfigFor, AUserNamespaceMakesTheChildRootInsideAndDeniedSetgroupsKeepsGroups) {
  ContainerSpec spec = default_spec();
  spec.namespaces.add(Namespace::kUser);
  spec.deny_setgroups = true;
  ChildConfig config = child_config_for(spec, resources());
  EXPECT_TRUE(config.become_root);
  EXPECT_FALSE(config.clear_groups);
}

TEST(ChildConfigFor, ANonRootUserIsSetAndOnlyThen) {
  EXPECT_FALSE(child_config_for(default_spec(), resources()).set_ids);
  ContainerSpec spec = default_spec();
  spec.uid = 1000;
  spec.gid = 100;
  ChildConfig config = child_config_for(spec, resources());
  EXPECT_TRUE(config.set_ids);
  EXPECT_TRUE(config.clear_groups);
  EXPECT_EQ(config.uid, 1000u);
  EXPECT_EQ(config.gid, 100u);
}

}  // namespace
}  // namespace isobench::runner
