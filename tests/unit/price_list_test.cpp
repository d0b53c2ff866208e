// The mechanism price list (reports/price_list.h): `bench --price-list` refuses anything but
// Google Benchmark JSON with a message naming the file, and reports read one entry per
// iteration row, named without Google Benchmark's suffixes, in microseconds, priced over the
// baseline each mechanism is measured against.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "reports/price_list.h"

namespace isobench::reports {
namespace {

using Json = nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Rows as mechanism_bench writes them (taken from a real run on a cgroup v1 host), trimmed
/// to the fields the price list reads, plus the context Google Benchmark puts first.
constexpr const char* kMechanismBenchOutput = R"json({
  "context": {"date": "2026-11-29T01:50:10+00:00", "num_cpus": 2, "library_build_type": "debug"},
  "benchmarks": [
    {"name": "BM_Clone/none/real_time", "run_name": "BM_Clone/none/real_time", "run_type": "iteration",
     "iterations": 98, "real_time": 7.0743478574179471e+02, "cpu_time": 2.9667252040816328e+02,
     "time_unit": "us", "child_cpu_us": 3.5160204081632651e+02},
    {"name": "BM_Clone/net/real_time", "run_name": "BM_Clone/net/real_time", "run_type": "iteration",
     "iterations": 38, "real_time": 2.151308184214653e+03, "cpu_time": 5.2e+02,
     "time_unit": "us", "child_cpu_us": 4.857631578947368e+02},
    {"name": "BM_Netns/unshare_setns_in_process/real_time", "run_type": "iteration",
     "iterations": 100, "real_time": 8.098059586715434e+02, "cpu_time": 8.0e+02, "time_unit": "us"},
    {"name": "BM_CgroupV1/procs_attach_spaced/iterations:40/real_time", "run_type": "iteration",
     "iterations": 40, "real_time": 1.2000454899589386e+04, "cpu_time": 3.0e+02, "time_unit": "us",
     "child_cpu_us": 3.77225e+02},
    {"name": "BM_CgroupV2/memory/real_time", "run_type": "iteration", "error_occurred": true,
     "error_message": "the cgroup2 hierarchy hands down no memory controller (its controllers: hugetlb)",
     "iterations": 0, "real_time": 0.0, "cpu_time": 0.0, "time_unit": "us"},
    {"name": "BM_PivotRoot/child_without_pivot/real_time", "run_type": "iteration",
     "real_time": 1.0110426513857844e+03, "cpu_time": 4.0e+02, "time_unit": "us"},
    {"name": "BM_PivotRoot/child_with_pivot/real_time", "run_type": "iteration",
     "real_time": 1.769619052650166e+03, "cpu_time": 5.0e+02, "time_unit": "us"},
    {"name": "BM_Security/baseline_child/real_time", "run_type": "iteration",
     "real_time": 7.04119551004141e+02, "cpu_time": 3.0e+02, "time_unit": "us"},
    {"name": "BM_Security/seccomp_install_child/real_time", "run_type": "iteration",
     "real_time": 6.899454403888122e+02, "cpu_time": 3.0e+02, "time_unit": "us"},
    {"name": "BM_Container/noop_default/real_time", "run_type": "iteration",
     "real_time": 6.32718519991613e+03, "cpu_time": 1.0e+03, "time_unit": "us", "child_cpu_us": 2.7859e+03},
    {"name": "BM_Container/noop_no_cgroup/real_time", "run_type": "iteration",
     "real_time": 5.152243571501458e+03, "cpu_time": 1.0e+03, "time_unit": "us", "child_cpu_us": 2.5450714285714284e+03}
  ]
})json";

const PriceEntry* find(const std::vector<PriceEntry>& entries, const std::string& name) {
  for (const PriceEntry& entry : entries)
    if (entry.name == name) return &entry;
  return nullptr;
}

/// A document of the given rows.
Json document(std::vector<Json> rows) {
  return Json{{"context", Json::object()}, {"benchmarks", rows}};
}

// --- check_price_list --------------------------------------------------------------------

TEST(CheckPriceList, AcceptsMechanismBenchOutput) {
  auto checked = check_price_list(kMechanismBenchOutput, "price-list.json");
  ASSERT_TRUE(checked.ok()) << checked.error().text();
  EXPECT_EQ((*checked)["benchmarks"].size(), 11u);
}

TEST(CheckPriceList, RefusesWhatIsNotGoogleBenchmarkJsonNamingTheFile) {
  struct Case {
    const char* text;
    const char* problem;
  };
  for (const Case& c : std::vector<Case>{
           {"", "not valid JSON"},
           {"{\"benchmarks\": [", "not valid JSON"},
           {"BM_Clone/none 707 us", "not valid JSON"},
           {"{\"context\": {}}", "no \"benchmarks\" array"},
           {"{\"benchmarks\": {\"name\": \"BM_Clone/none\"}}", "no \"benchmarks\" array"},
           {"[{\"name\": \"BM_Clone/none\"}]", "no \"benchmarks\" array"},
           {"{\"benchmarks\": [{\"real_time\": 1.0}]}", "has no name"},
           {"{\"benchmarks\": [{\"name\": 7}]}", "has no name"},
           {"{\"benchmarks\": [\"BM_Clone/none\"]}", "has no name"},
           {"{\"benchmarks\": []}", "no benchmarks"},
       }) {
    auto checked = check_price_list(c.text, "/tmp/my price list.json");
    ASSERT_FALSE(checked.ok()) << c.text;
    const std::string& message = checked.error().message;
    EXPECT_EQ(message.rfind("/tmp/my price list.json: ", 0), 0u) << "the file comes first: " << message;
    EXPECT_TRUE(contains(message, c.problem)) << c.text << " -> " << message;
  }
}

TEST(CheckPriceList, DeepNestingAndOversizedTextAreRefusedNamingTheLimit) {
  auto deep = check_price_list(std::string(100000, '[') + std::string(100000, ']'), "deep.json");
  ASSERT_FALSE(deep.ok());
  EXPECT_TRUE(contains(deep.error().message, "deep.json: nested deeper than 16 levels")) << deep.error().message;
  auto big = check_price_list("[" + std::string(17u << 20, ' ') + "]", "big.json");
  ASSERT_FALSE(big.ok());
  EXPECT_TRUE(contains(big.error().message, "big.json: larger than the 16 MiB limit of a price list"))
      << big.error().message;
}

TEST(LoadPriceList, RefusesWhatIsNotARegularFile) {
  auto zero = load_price_list("/dev/zero");
  ASSERT_FALSE(zero.ok());
  EXPECT_TRUE(contains(zero.error().message, "/dev/zero: a character device")) << zero.error().message;
}

// --- price_entries -----------------------------------------------------------------------

TEST(PriceEntries, OneEntryPerBenchmarkInTheDocumentsOrderWithoutSuffixes) {
  std::vector<PriceEntry> entries = price_entries(Json::parse(kMechanismBenchOutput));
  std::vector<std::string> names;
  for (const PriceEntry& entry : entries) names.push_back(entry.name);
  EXPECT_EQ(names, (std::vector<std::string>{"BM_Clone/none", "BM_Clone/net", "BM_Netns/unshare_setns_in_process",
                                             "BM_CgroupV1/procs_attach_spaced", "BM_CgroupV2/memory",
                                             "BM_PivotRoot/child_without_pivot", "BM_PivotRoot/child_with_pivot",
                                             "BM_Security/baseline_child", "BM_Security/seccomp_install_child",
                                             "BM_Container/noop_default", "BM_Container/noop_no_cgroup"}));
}

TEST(PriceEntries, SuffixesAreCutWhereverGoogleBenchmarkPutsThem) {
  std::vector<PriceEntry> entries = price_entries(document({
      {{"name", "BM_A/x/iterations:40/real_time"}, {"real_time", 1}, {"time_unit", "us"}},
      {{"name", "BM_B/x/real_time"}, {"real_time", 1}, {"time_unit", "us"}},
      {{"name", "BM_C/x/iterations:7"}, {"real_time", 1}, {"time_unit", "us"}},
      {{"name", "BM_D/x/iterations:7/threads:2"}, {"real_time", 1}, {"time_unit", "us"}},
      {{"name", "BM_E/real_time_spent"}, {"real_time", 1}, {"time_unit", "us"}},
  }));
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].name, "BM_A/x");
  EXPECT_EQ(entries[1].name, "BM_B/x");
  EXPECT_EQ(entries[2].name, "BM_C/x");
  EXPECT_EQ(entries[3].name, "BM_D/x/threads:2") << "only the iterations part goes";
  EXPECT_EQ(entries[4].name, "BM_E/real_time_spent") << "a name that merely starts like a suffix stays";
}

TEST(PriceEntries, TimesAreInMicrosecondsWhateverTheTimeUnit) {
  std::vector<PriceEntry> entries = price_entries(document({
      {{"name", "BM_Ns"}, {"real_time", 2500}, {"time_unit", "ns"}},
      {{"name", "BM_Us"}, {"real_time", 2.5}, {"time_unit", "us"}},
      {{"name", "BM_Ms"}, {"real_time", 2.5}, {"time_unit", "ms"}},
      {{"name", "BM_S"}, {"real_time", 2.5}, {"time_unit", "s"}},
      {{"name", "BM_Default"}, {"real_time", 2500}},  // Google Benchmark's default unit is ns
  }));
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_DOUBLE_EQ(entries[0].time_us, 2.5);
  EXPECT_DOUBLE_EQ(entries[1].time_us, 2.5);
  EXPECT_DOUBLE_EQ(entries[2].time_us, 2500);
  EXPECT_DOUBLE_EQ(entries[3].time_us, 2.5e6);
  EXPECT_DOUBLE_EQ(entries[4].time_us, 2.5);
}

TEST(PriceEntries, ChildCpuIsACounterAlreadyInMicroseconds) {
  // Google Benchmark does not scale user counters by time_unit.
  std::vector<PriceEntry> entries =
      price_entries(document({{{"name", "BM_X"}, {"real_time", 9000}, {"time_unit", "ns"}, {"child_cpu_us", 351.5}},
                              {{"name", "BM_Y"}, {"real_time", 9000}, {"time_unit", "ns"}}}));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_DOUBLE_EQ(entries[0].child_cpu_us, 351.5);
  EXPECT_TRUE(std::isnan(entries[1].child_cpu_us)) << "not counted";
}

TEST(PriceEntries, EachMechanismIsPricedOverItsBaseline) {
  std::vector<PriceEntry> entries = price_entries(Json::parse(kMechanismBenchOutput));
  struct Expected {
    const char* name;
    const char* baseline;
    double price_us;
  };
  for (const Expected& e : std::vector<Expected>{
           {"BM_Clone/net", "BM_Clone/none", 2151.308184214653 - 707.43478574179471},
           {"BM_PivotRoot/child_with_pivot", "BM_PivotRoot/child_without_pivot",
            1769.619052650166 - 1011.0426513857844},
           {"BM_Security/seccomp_install_child", "BM_Security/baseline_child", 689.9454403888122 - 704.119551004141},
           // The baseline comes after it in the file.
           {"BM_Container/noop_default", "BM_Container/noop_no_cgroup", 6327.18519991613 - 5152.243571501458},
       }) {
    const PriceEntry* entry = find(entries, e.name);
    ASSERT_NE(entry, nullptr) << e.name;
    EXPECT_EQ(entry->baseline, e.baseline) << e.name;
    EXPECT_NEAR(entry->price_us, e.price_us, 1e-9) << e.name;
  }
  EXPECT_LT(find(entries, "BM_Security/seccomp_install_child")->price_us, 0)
      << "a price below the baseline is noise and is shown as measured, not clamped";
}

TEST(PriceEntries, BaselinesAndUnlistedFamiliesHaveNoPrice) {
  std::vector<PriceEntry> entries = price_entries(Json::parse(kMechanismBenchOutput));
  for (const char* name :
       {"BM_Clone/none", "BM_PivotRoot/child_without_pivot", "BM_Security/baseline_child",
        "BM_Container/noop_no_cgroup", "BM_Netns/unshare_setns_in_process", "BM_CgroupV1/procs_attach_spaced"}) {
    const PriceEntry* entry = find(entries, name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_EQ(entry->baseline, "") << name;
    EXPECT_TRUE(std::isnan(entry->price_us)) << name;
    EXPECT_TRUE(std::isfinite(entry->time_us)) << name << " is measured all the same";
  }
  EXPECT_DOUBLE_EQ(find(entries, "BM_CgroupV1/procs_attach_spaced")->time_us, 1.2000454899589386e+04);
  EXPECT_DOUBLE_EQ(find(entries, "BM_CgroupV1/procs_attach_spaced")->child_cpu_us, 377.225);
}

TEST(PriceEntries, ABaselineMissingFromTheFileLeavesThePriceUnknown) {
  std::vector<PriceEntry> entries =
      price_entries(document({{{"name", "BM_Clone/net/real_time"}, {"real_time", 2000}, {"time_unit", "us"}}}));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].baseline, "BM_Clone/none");
  EXPECT_TRUE(std::isnan(entries[0].price_us));
}

TEST(PriceEntries, AnErrorRowCarriesItsMessageAndNoFigures) {
  std::vector<PriceEntry> entries = price_entries(Json::parse(kMechanismBenchOutput));
  const PriceEntry* memory = find(entries, "BM_CgroupV2/memory");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->error, "the cgroup2 hierarchy hands down no memory controller (its controllers: hugetlb)");
  EXPECT_TRUE(std::isnan(memory->time_us)) << "its real_time of 0 is not a measurement";
  EXPECT_TRUE(std::isnan(memory->child_cpu_us));
  EXPECT_TRUE(std::isnan(memory->price_us));
  for (const PriceEntry& entry : entries) {
    if (entry.name != "BM_CgroupV2/memory") {
      EXPECT_EQ(entry.error, "") << entry.name;
    }
  }
}

TEST(PriceEntries, AnErrorWithoutAMessageOrASkippedRowIsNotMeasured) {
  std::vector<PriceEntry> entries = price_entries(document({
      {{"name", "BM_A"}, {"error_occurred", true}, {"real_time", 0}},
      {{"name", "BM_B"}, {"skipped", true}, {"error_message", "needs root"}, {"real_time", 0}},
  }));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].error, "not measured");
  EXPECT_EQ(entries[1].error, "needs root");
  EXPECT_TRUE(std::isnan(entries[1].time_us));
}

TEST(PriceEntries, AFailedBaselineLeavesItsMechanismsUnpriced) {
  std::vector<PriceEntry> entries = price_entries(document({
      {{"name", "BM_Clone/none/real_time"}, {"error_occurred", true}, {"error_message", "clone failed"}},
      {{"name", "BM_Clone/pid/real_time"}, {"real_time", 1100}, {"time_unit", "us"}},
  }));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].baseline, "BM_Clone/none");
  EXPECT_DOUBLE_EQ(entries[1].time_us, 1100);
  EXPECT_TRUE(std::isnan(entries[1].price_us));
}

TEST(PriceEntries, WithRepetitionsTheMedianAggregateStandsForTheBenchmark) {
  auto iteration = [](double time) {
    return Json{{"name", "BM_Clone/none/real_time"},
                {"run_name", "BM_Clone/none/real_time"},
                {"run_type", "iteration"},
                {"real_time", time},
                {"time_unit", "us"}};
  };
  auto aggregate = [](const char* which, double time) {
    return Json{{"name", std::string("BM_Clone/none/real_time_") + which},
                {"run_name", "BM_Clone/none/real_time"},
                {"run_type", "aggregate"},
                {"aggregate_name", which},
                {"real_time", time},
                {"time_unit", "us"}};
  };
  std::vector<PriceEntry> entries =
      price_entries(document({iteration(700), iteration(760), iteration(720), aggregate("mean", 726.7),
                              aggregate("median", 720), aggregate("stddev", 30.6)}));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "BM_Clone/none");
  EXPECT_DOUBLE_EQ(entries[0].time_us, 720);
}

TEST(PriceEntries, RepetitionsWithoutAggregatesGiveOneEntryPerBenchmark) {
  std::vector<PriceEntry> entries = price_entries(document({
      {{"name", "BM_Clone/none/real_time"}, {"run_type", "iteration"}, {"real_time", 700}, {"time_unit", "us"}},
      {{"name", "BM_Clone/none/real_time"}, {"run_type", "iteration"}, {"real_time", 720}, {"time_unit", "us"}},
      {{"name", "BM_Clone/none/real_time_mean"},
       {"run_type", "aggregate"},
       {"aggregate_name", "mean"},
       {"real_time", 710},
       {"time_unit", "us"}},
  }));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_DOUBLE_EQ(entries[0].time_us, 700);
}

TEST(PriceEntries, MalformedRowsAndDocumentsYieldNothingRatherThanThrow) {
  EXPECT_TRUE(price_entries(Json()).empty());
  EXPECT_TRUE(price_entries(Json::array()).empty());
  EXPECT_TRUE(price_entries(Json{{"benchmarks", "BM_Clone/none"}}).empty());
  std::vector<PriceEntry> entries = price_entries(document({
      "BM_Clone/none",
      {{"name", 7}, {"real_time", 1}},
      {{"real_time", 1}},
      {{"name", "BM_Kept"}, {"real_time", "fast"}, {"time_unit", "us"}},
  }));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "BM_Kept");
  EXPECT_TRUE(std::isnan(entries[0].time_us)) << "a time that is not a number is not measured";
}

}  // namespace
}  // namespace isobench::reports
