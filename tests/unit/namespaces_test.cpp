#include "runner/namespaces.h"

#include <gtest/gtest.h>
#include <sched.h>

using namespace isobench::runner;

TEST(Namespaces, ContainerDefaultIsPidMntUtsIpcNetCgroup) {
  NamespaceSet set = NamespaceSet::container_default();
  EXPECT_EQ(set.to_string(), "pid,mnt,uts,ipc,net,cgroup");
  EXPECT_EQ(set.clone_flags(),
            uint64_t{CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP});
  EXPECT_FALSE(set.has(Namespace::kUser));
}

TEST(Namespaces, ListParsingAcceptsProcNamesAndMountAlias) {
  auto set = parse_namespace_list("net,ipc,mount");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->to_string(), "mnt,ipc,net");
}

TEST(Namespaces, UnknownOrEmptyNamesAreErrorsNamingThem) {
  auto bad = parse_namespace_list("net,bogus");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bogus"), std::string::npos);
  EXPECT_FALSE(parse_namespace_list("net,,ipc"));
  EXPECT_FALSE(parse_namespace_list(""));
}

TEST(Namespaces, RemovingOneKeepsTheOthers) {
  NamespaceSet set = NamespaceSet::container_default();
  set.remove(Namespace::kNet);
  EXPECT_EQ(set.to_string(), "pid,mnt,uts,ipc,cgroup");
  EXPECT_EQ(set.clone_flags() & CLONE_NEWNET, 0u);
}
