#include "cli/stats_table.h"

#include <gtest/gtest.h>

namespace isobench::cli {
namespace {

constexpr int64_t kSecond = 1000000000;
const std::string kId = "aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888";

ContainerSample sample(uint64_t cpu_ns) {
  ContainerSample s;
  s.id = kId;
  s.name = "web";
  s.cpu_ns = cpu_ns;
  s.mem_bytes = 1536000;            // 1.465MiB
  s.mem_limit = int64_t{8} << 30;   // 8GiB
  s.pids = 3;
  s.net_rx = 1030;
  s.net_tx = 0;
  s.block_read = 4264000;
  s.block_write = 12000;
  return s;
}

std::string stats(const std::vector<ContainerSample>& before, const std::vector<ContainerSample>& after, int64_t wall,
                  StatsOptions options = {}) {
  auto text = render_stats(before, after, wall, options);
  return text ? *text : "error: " + text.error().text();
}

TEST(StatsTable, PrintsDockersNoStreamTable) {
  EXPECT_EQ(stats({sample(0)}, {sample(kSecond / 4)}, kSecond),
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O       BLOCK I/O       PIDS\n"
            "aaaa1111bbbb   web       25.00%    1.465MiB / 8GiB     0.02%     1.03kB / 0B   4.26MB / 12kB   3\n");
}

TEST(StatsTable, CpuPercentIsPerHostAndCanExceedAHundred) {
  EXPECT_EQ(stats_row(nullptr, sample(0), kSecond, false)["CPUPerc"], "--");
  const ContainerSample before = sample(kSecond);
  EXPECT_EQ(stats_row(&before, sample(kSecond + 3 * kSecond), 2 * kSecond, false)["CPUPerc"], "150.00%");
  EXPECT_EQ(stats_row(&before, sample(kSecond), 2 * kSecond, false)["CPUPerc"], "0.00%");
  EXPECT_EQ(stats_row(&before, sample(2 * kSecond), 0, false)["CPUPerc"], "0.00%");
}

TEST(StatsTable, MemoryIsBinaryAndIoIsDecimal) {
  ContainerSample big = sample(0);
  big.mem_bytes = int64_t{3} << 29;  // 1.5GiB
  big.mem_limit = int64_t{2} << 30;
  big.net_rx = 999;
  big.net_tx = 1500000000;
  const nlohmann::json row = stats_row(nullptr, big, kSecond, false);
  EXPECT_EQ(row["MemUsage"], "1.5GiB / 2GiB");
  EXPECT_EQ(row["MemPerc"], "75.00%");
  EXPECT_EQ(row["NetIO"], "999B / 1.5GB");
}

TEST(StatsTable, AContainerThatCouldNotBeReadShowsDashes) {
  ContainerSample unread = sample(0);
  unread.valid = false;
  unread.name.clear();
  EXPECT_EQ(stats({}, {unread}, kSecond),
            "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n"
            "aaaa1111bbbb   --        --        -- / --             --        --        --          --\n");
}

TEST(StatsTable, MatchesSamplesByIdAndKeepsTheOrderOfTheLatest) {
  ContainerSample other = sample(kSecond);
  other.id = "bbbb" + kId.substr(4);
  other.name = "db";
  ContainerSample other_before = other;
  other_before.cpu_ns = 0;
  EXPECT_EQ(stats({sample(0), other_before}, {other, sample(kSecond / 2)}, kSecond, {.format = "{{.Name}} {{.CPUPerc}}"}),
            "db 100.00%\nweb 50.00%\n");
}

TEST(StatsTable, JsonPrintsOneObjectPerLineWithDockersKeys) {
  EXPECT_EQ(stats({sample(0)}, {sample(kSecond / 4)}, kSecond, {.format = "json"}),
            R"({"BlockIO":"4.26MB / 12kB","CPUPerc":"25.00%","Container":"aaaa1111bbbb","ID":"aaaa1111bbbb",)"
            R"("MemPerc":"0.02%","MemUsage":"1.465MiB / 8GiB","Name":"web","NetIO":"1.03kB / 0B","PIDs":"3"})"
            "\n");
}

TEST(StatsTable, CustomTableAndNoTrunc) {
  ContainerSample named = sample(0);
  named.container = "web";
  EXPECT_EQ(stats({}, {named}, kSecond, {.no_trunc = true, .format = "table {{.Container}}\\t{{.ID}}"}),
            "CONTAINER   CONTAINER ID\nweb         " + kId + "\n");
}

TEST(StatsTable, RejectsATemplateThatDoesNotParse) {
  EXPECT_EQ(stats({}, {sample(0)}, kSecond, {.format = "{{.CPUPerc"}), "error: template parsing error: template: :1:0: unclosed action");
}

TEST(StatsRefreshPrefix, ClearsTheScreenAndMovesHome) {
  EXPECT_EQ(stats_refresh_prefix(), "\x1b[2J\x1b[H");
}

}  // namespace
}  // namespace isobench::cli
