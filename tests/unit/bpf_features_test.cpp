// DisabledFeatures and tracepoint_unavailable: what ISOBENCH_DISABLE_BPF_FEATURES switches off,
// and why a tracepoint cannot be used, checked against a made-up tracefs; BpfFeatures asks the
// kernel once per feature.
#include "probes/bpf_features.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

namespace isobench::probes {
namespace {

namespace fs = std::filesystem;

TEST(BpfDisabledFeatures, BpfSwitchesOffEverything) {
  DisabledFeatures features = DisabledFeatures::parse("bpf");
  EXPECT_TRUE(features.all_bpf());
  EXPECT_TRUE(features.disabled("ringbuf"));
  EXPECT_TRUE(features.disabled("sched/sched_switch"));
  EXPECT_TRUE(features.disabled("anything/at_all"));
}

TEST(BpfDisabledFeatures, NamedFeaturesSwitchOffThoseOnly) {
  DisabledFeatures features = DisabledFeatures::parse("sched/sched_switch,ringbuf");
  EXPECT_FALSE(features.all_bpf());
  EXPECT_TRUE(features.disabled("sched/sched_switch"));
  EXPECT_TRUE(features.disabled("ringbuf"));
  EXPECT_FALSE(features.disabled("sched/sched_wakeup"));
  EXPECT_FALSE(features.disabled("sched"));
  EXPECT_FALSE(features.disabled("bpf"));
}

TEST(BpfDisabledFeatures, AnEmptyListSwitchesOffNothing) {
  DisabledFeatures features = DisabledFeatures::parse("");
  EXPECT_FALSE(features.all_bpf());
  EXPECT_FALSE(features.disabled("ringbuf"));
  EXPECT_FALSE(features.disabled(""));
}

TEST(BpfDisabledFeatures, EmptyItemsBetweenCommasAreIgnored) {
  DisabledFeatures features = DisabledFeatures::parse(",ringbuf,,");
  EXPECT_TRUE(features.disabled("ringbuf"));
  EXPECT_FALSE(features.disabled(""));
  EXPECT_FALSE(features.all_bpf());
}

TEST(BpfDisabledFeatures, SpacesAroundNamesDoNotLeaveAFeatureOn) {
  DisabledFeatures disabled = DisabledFeatures::parse("sched/sched_switch, ringbuf ");
  EXPECT_TRUE(disabled.disabled("ringbuf"));
  EXPECT_TRUE(disabled.disabled("sched/sched_switch"));
  EXPECT_FALSE(disabled.all_bpf());
}

TEST(BpfDisabledFeatures, BpfAnywhereInTheListSwitchesOffEverything) {
  DisabledFeatures features = DisabledFeatures::parse("ringbuf,bpf");
  EXPECT_TRUE(features.all_bpf());
  EXPECT_TRUE(features.disabled("raw_syscalls/sys_enter"));
}

/// Answers as told, counting how often it was asked.
class CountingProber final : public FeatureProber {
 public:
  explicit CountingProber(int& asked) : asked_(asked) {}
  int probe(BpfFeature feature) override {
    ++asked_;
    return feature == BpfFeature::kRingBuffer ? 1 : 0;
  }

 private:
  int& asked_;
};

TEST(BpfFeatureCache, TheSecondAskDoesNotProbeAgain) {
  int asked = 0;
  BpfFeatures features(std::make_unique<CountingProber>(asked));
  EXPECT_TRUE(features.has(BpfFeature::kRingBuffer));
  EXPECT_TRUE(features.has(BpfFeature::kRingBuffer));
  EXPECT_EQ(features.answer(BpfFeature::kRingBuffer), 1);
  EXPECT_EQ(asked, 1);
}

TEST(BpfFeatureCache, EachFeatureIsProbedOnceOnItsOwn) {
  int asked = 0;
  BpfFeatures features(std::make_unique<CountingProber>(asked));
  EXPECT_FALSE(features.has(BpfFeature::kTracingPrograms));
  EXPECT_TRUE(features.has(BpfFeature::kRingBuffer));
  EXPECT_FALSE(features.has(BpfFeature::kTracingPrograms));
  EXPECT_EQ(asked, 2);
}

TEST(BpfFeatureCache, ANegativeAnswerIsKeptToo) {
  int asked = 0;
  BpfFeatures features(std::make_unique<CountingProber>(asked));
  EXPECT_EQ(features.answer(BpfFeature::kBtf), 0);
  EXPECT_EQ(features.answer(BpfFeature::kBtf), 0);
  EXPECT_EQ(asked, 1);
}

/// A tracefs stand-in holding events/sched/sched_switch only; removed with the test.
class BpfTracepoint : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "isobench-tracefs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "events" / "sched" / "sched_switch");
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  fs::path root_;
};

TEST_F(BpfTracepoint, APresentTracepointThatIsNotSwitchedOffIsAvailable) {
  EXPECT_EQ(tracepoint_unavailable(root_.string(), "sched/sched_switch", DisabledFeatures::parse("")), std::nullopt);
  EXPECT_EQ(tracepoint_unavailable(root_.string(), "sched/sched_switch", DisabledFeatures::parse("ringbuf")),
            std::nullopt);
}

TEST_F(BpfTracepoint, AMissingTracepointIsUnavailableWithItsNameInTheReason) {
  std::optional<std::string> why =
      tracepoint_unavailable(root_.string(), "sched/sched_wakeup", DisabledFeatures::parse(""));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("sched/sched_wakeup"), std::string::npos) << *why;
  EXPECT_EQ(why->find("ISOBENCH_DISABLE_BPF_FEATURES"), std::string::npos) << *why;
}

TEST_F(BpfTracepoint, AMissingCategoryIsUnavailableToo) {
  std::optional<std::string> why = tracepoint_unavailable(root_.string(), "kvm/kvm_exit", DisabledFeatures::parse(""));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("kvm/kvm_exit"), std::string::npos) << *why;
}

TEST_F(BpfTracepoint, ASwitchedOffTracepointSaysWhichSettingDidIt) {
  std::optional<std::string> why =
      tracepoint_unavailable(root_.string(), "sched/sched_switch", DisabledFeatures::parse("sched/sched_switch"));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("ISOBENCH_DISABLE_BPF_FEATURES"), std::string::npos) << *why;
  EXPECT_NE(why->find("sched/sched_switch"), std::string::npos) << *why;
}

TEST_F(BpfTracepoint, SwitchingOffAllBpfMakesEveryTracepointUnavailable) {
  std::optional<std::string> why =
      tracepoint_unavailable(root_.string(), "sched/sched_switch", DisabledFeatures::parse("bpf"));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("ISOBENCH_DISABLE_BPF_FEATURES"), std::string::npos) << *why;
}

TEST_F(BpfTracepoint, AMissingTracefsRootMakesEveryTracepointUnavailable) {
  std::optional<std::string> why =
      tracepoint_unavailable((root_ / "not-mounted").string(), "sched/sched_switch", DisabledFeatures::parse(""));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("sched/sched_switch"), std::string::npos) << *why;
}

}  // namespace
}  // namespace isobench::probes
