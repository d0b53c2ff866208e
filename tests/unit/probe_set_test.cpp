// ProbeSet: the `--probes` list. Names in any order, "all" and "none", and an error that names
// what it did not understand.
#include "probes/probe_set.h"

#include <gtest/gtest.h>

namespace isobench::probes {
namespace {

TEST(ProbeSet, ParsesACommaSeparatedListIntoExactlyThoseProbes) {
  Result<ProbeSet> set = ProbeSet::parse("lifecycle,cpu");
  ASSERT_TRUE(set.ok()) << set.error().text();
  EXPECT_TRUE(set->has(ProbeKind::kLifecycle));
  EXPECT_TRUE(set->has(ProbeKind::kCpu));
  EXPECT_FALSE(set->has(ProbeKind::kSyscalls));
  EXPECT_FALSE(set->has(ProbeKind::kMemory));
  EXPECT_FALSE(set->has(ProbeKind::kKvm));
}

TEST(ProbeSet, AllSelectsEveryProbe) {
  Result<ProbeSet> set = ProbeSet::parse("all");
  ASSERT_TRUE(set.ok()) << set.error().text();
  for (ProbeKind kind : kAllProbes) EXPECT_TRUE(set->has(kind)) << probe_name(kind);
  EXPECT_EQ(*set, ProbeSet::all());
}

TEST(ProbeSet, NoneSelectsNothing) {
  Result<ProbeSet> set = ProbeSet::parse("none");
  ASSERT_TRUE(set.ok()) << set.error().text();
  EXPECT_TRUE(set->empty());
  EXPECT_EQ(*set, ProbeSet::none());
}

TEST(ProbeSet, AnUnknownNameIsAnErrorNamingIt) {
  Result<ProbeSet> set = ProbeSet::parse("cpu,gpu");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("'gpu'"), std::string::npos) << set.error().message;
}

TEST(ProbeSet, NamesAreMatchedExactly) {
  EXPECT_FALSE(ProbeSet::parse("CPU").ok());
  EXPECT_FALSE(ProbeSet::parse("cpu, memory").ok());
  EXPECT_FALSE(ProbeSet::parse("syscall").ok());
}

TEST(ProbeSet, AnEmptyListIsAnError) {
  Result<ProbeSet> set = ProbeSet::parse("");
  ASSERT_FALSE(set.ok());
  EXPECT_FALSE(set.error().message.empty());
}

TEST(ProbeSet, AnEmptyNameBetweenCommasIsAnErrorWhereverItIs) {
  for (const char* list : {"cpu,", ",cpu", "cpu,,memory", ","}) {
    Result<ProbeSet> set = ProbeSet::parse(list);
    ASSERT_FALSE(set.ok()) << list;
    EXPECT_NE(set.error().message.find("empty probe name"), std::string::npos) << list << ": " << set.error().message;
  }
}

TEST(ProbeSet, ToStringUsesTheCanonicalOrderWhateverTheInputOrder) {
  Result<ProbeSet> set = ProbeSet::parse("kvm,memory,lifecycle");
  ASSERT_TRUE(set.ok()) << set.error().text();
  EXPECT_EQ(set->to_string(), "lifecycle,memory,kvm");
  EXPECT_EQ(ProbeSet::all().to_string(), "lifecycle,cpu,syscalls,memory,kvm");
  EXPECT_EQ(ProbeSet::none().to_string(), "none");
}

TEST(ProbeSet, ToStringParsesBackToTheSameSet) {
  for (const char* list : {"cpu", "syscalls,kvm", "all", "none"}) {
    Result<ProbeSet> set = ProbeSet::parse(list);
    ASSERT_TRUE(set.ok()) << list;
    Result<ProbeSet> again = ProbeSet::parse(set->to_string());
    ASSERT_TRUE(again.ok()) << set->to_string();
    EXPECT_EQ(*again, *set) << list;
  }
}

TEST(ProbeSet, ANameGivenTwiceCountsOnce) {
  Result<ProbeSet> set = ProbeSet::parse("cpu,cpu");
  ASSERT_TRUE(set.ok()) << set.error().text();
  EXPECT_EQ(set->to_string(), "cpu");
}

TEST(ProbeSet, RemoveTakesOutOneProbe) {
  ProbeSet set = ProbeSet::all();
  set.remove(ProbeKind::kKvm);
  EXPECT_FALSE(set.has(ProbeKind::kKvm));
  EXPECT_EQ(set.to_string(), "lifecycle,cpu,syscalls,memory");
}

}  // namespace
}  // namespace isobench::probes
