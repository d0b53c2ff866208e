#include "cli/container_listing.h"

#include <gtest/gtest.h>

namespace isobench::cli {
namespace {

using runner::lifecycle::ContainerStatus;

constexpr int64_t kNow = 1767323045LL * 1000000000;  // 2026-01-02T03:04:05Z

const std::string kRunningId = "aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888";
const std::string kExitedId = "bbbb1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888";
const std::string kCreatedId = "cccc1111bbbb2222cccc3333dddd4444eeee5555ffff6666aaaa7777bbbb8888";

ContainerEntry entry(const std::string& id, const std::string& name, ContainerStatus status, const std::string& created) {
  ContainerEntry container;
  container.config.id = id;
  container.config.name = name;
  container.config.image = "busybox";
  container.config.image_id = "sha256:1234567890abcdef1234567890abcdef";
  container.config.entrypoint = {"/bin/sh", "-c"};
  container.config.command = {"sleep 100"};
  container.config.created = created;
  container.state.status = status;
  return container;
}

std::vector<ContainerEntry> three_containers() {
  ContainerEntry running = entry(kRunningId, "web", ContainerStatus::kRunning, "2026-01-02T03:04:00.5Z");
  running.state.started_at = "2026-01-02T03:04:02.000000001Z";
  ContainerEntry exited = entry(kExitedId, "batch", ContainerStatus::kExited, "2026-01-02T01:00:00Z");
  exited.state.started_at = "2026-01-02T01:00:01Z";
  exited.state.finished_at = "2026-01-02T03:02:00Z";
  exited.state.exit_code = 137;
  exited.config.entrypoint = {"true"};
  exited.config.command = {};
  ContainerEntry created = entry(kCreatedId, "fresh", ContainerStatus::kCreated, "2026-01-02T03:03:30Z");
  return {exited, running, created};
}

std::string list(const std::vector<ContainerEntry>& containers, ContainerListOptions options) {
  auto text = render_container_list(containers, options, kNow);
  return text ? *text : "error: " + text.error().text();
}

TEST(ContainerList, PrintsDockersDefaultTableOfRunningContainers) {
  EXPECT_EQ(list(three_containers(), {}),
            "CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS     NAMES\n"
            "aaaa1111bbbb   busybox   \"/bin/sh -c 'sleep 1…\"   4 seconds ago   Up 2 seconds             web\n");
}

TEST(ContainerList, AllListsEveryContainerNewestFirst) {
  EXPECT_EQ(list(three_containers(), {.all = true}),
            "CONTAINER ID   IMAGE     COMMAND                  CREATED          STATUS                       PORTS     NAMES\n"
            "aaaa1111bbbb   busybox   \"/bin/sh -c 'sleep 1…\"   4 seconds ago    Up 2 seconds                           web\n"
            "cccc1111bbbb   busybox   \"/bin/sh -c 'sleep 1…\"   35 seconds ago   Created                                fresh\n"
            "bbbb1111bbbb   busybox   \"true\"                   2 hours ago      Exited (137) 2 minutes ago             batch\n");
}

TEST(ContainerList, PrintsTheHeaderAloneWhenNothingRuns) {
  EXPECT_EQ(list({}, {}), "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n");
}

TEST(ContainerList, QuietPrintsShortOrFullIds) {
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true}), "aaaa1111bbbb\ncccc1111bbbb\nbbbb1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.quiet = true, .no_trunc = true}), kRunningId + "\n");
  EXPECT_EQ(list(three_containers(), {.quiet = true, .format = "{{.Names}}"}), "aaaa1111bbbb\n");
}

TEST(ContainerList, NoTruncPrintsWholeIdsAndCommands) {
  EXPECT_EQ(list(three_containers(), {.no_trunc = true, .format = "{{.ID}} {{.Command}}"}),
            kRunningId + " \"/bin/sh -c 'sleep 100'\"\n");
}

TEST(ContainerList, JsonFormatPrintsOneObjectPerLineWithDockersKeys) {
  EXPECT_EQ(list(three_containers(), {.format = "json"}),
            R"({"Command":"\"/bin/sh -c 'sleep 1…\"","CreatedAt":"2026-01-02 03:04:00 +0000 UTC","ID":"aaaa1111bbbb",)"
            R"("Image":"busybox","Labels":"","LocalVolumes":"0","Mounts":"","Names":"web","Networks":"none","Ports":"",)"
            R"("RunningFor":"4 seconds ago","Size":"0B","State":"running","Status":"Up 2 seconds"})"
            "\n");
}

TEST(ContainerList, CustomTableFormatUsesDockersHeaders) {
  EXPECT_EQ(list(three_containers(), {.all = true, .format = "table {{.Names}}\\t{{.State}}\\t{{.RunningFor}}"}),
            "NAMES     STATE     CREATED\n"
            "web       running   4 seconds ago\n"
            "fresh     created   35 seconds ago\n"
            "batch     exited    2 hours ago\n");
}

TEST(ContainerList, RejectsATemplateThatDoesNotParse) {
  EXPECT_EQ(list(three_containers(), {.format = "{{.Names"}), "error: template parsing error: template: :1:0: unclosed action");
}

TEST(ContainerList, StatusFilterImpliesAll) {
  EXPECT_EQ(list(three_containers(), {.quiet = true, .filters = {"status=exited"}}), "bbbb1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.quiet = true, .filters = {"status=created", "status=running"}}), "aaaa1111bbbb\ncccc1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.quiet = true, .filters = {"status=paused"}}), "");
}

TEST(ContainerList, NameAndIdFiltersSearchAsDockersPatterns) {
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"name=at"}}), "bbbb1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"name=^fre"}}), "cccc1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"id=cccc11"}}), "cccc1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"id=^cccc", "name=web"}}), "");
  // Docker's patterns are searched anywhere: "2222cccc" is inside every id here.
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"id=2222cccc"}}), "aaaa1111bbbb\ncccc1111bbbb\nbbbb1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"name=(("}}), "");
}

TEST(ContainerList, ExitedFilterMatchesTheExitCode) {
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"exited=137"}}), "bbbb1111bbbb\n");
  EXPECT_EQ(list(three_containers(), {.all = true, .quiet = true, .filters = {"exited=0"}}), "");
}

TEST(ContainerList, RejectsBadFiltersWithDockersWords) {
  EXPECT_EQ(list(three_containers(), {.filters = {"label=x"}}), "error: invalid filter 'label'");
  EXPECT_EQ(list(three_containers(), {.filters = {"status=rubbish"}}), "error: invalid filter 'status=rubbish'");
  EXPECT_EQ(list(three_containers(), {.filters = {"nameweb"}}), "error: bad format of filter (expected name=value)");
  EXPECT_EQ(list(three_containers(), {.filters = {"exited=x"}}), "error: strconv.Atoi: parsing \"x\": invalid syntax");
  EXPECT_EQ(render_container_list({}, {.filters = {"x=1"}}, kNow).error().exit_code, exit_codes::kUsage);
}

TEST(ContainerStatusText, SaysWhatHappenedAndWhen) {
  runner::lifecycle::ContainerState state;
  EXPECT_EQ(container_status_text(state, kNow), "Created");
  state.status = ContainerStatus::kRunning;
  state.started_at = "2026-01-02T03:04:04.6Z";
  EXPECT_EQ(container_status_text(state, kNow), "Up Less than a second");
  state.started_at = "2026-01-02T01:04:05Z";
  EXPECT_EQ(container_status_text(state, kNow), "Up 2 hours");
  state.status = ContainerStatus::kExited;
  state.exit_code = 0;
  state.finished_at = "2026-01-02T03:04:00Z";
  EXPECT_EQ(container_status_text(state, kNow), "Exited (0) 5 seconds ago");
  state.finished_at = "2026-01-02T03:03:00Z";
  EXPECT_EQ(container_status_text(state, kNow), "Exited (0) About a minute ago");
  state.exit_code.reset();
  EXPECT_EQ(container_status_text(state, kNow), "Exited (unknown) About a minute ago");
  state.finished_at.clear();
  EXPECT_EQ(container_status_text(state, kNow), "Exited (unknown)");
  state.status = ContainerStatus::kRemoving;
  EXPECT_EQ(container_status_text(state, kNow), "Removal In Progress");
}

TEST(ContainerRow, ShowsAnImageNamedByItsIdAsItsShortId) {
  ContainerEntry container = entry(kRunningId, "web", ContainerStatus::kRunning, "2026-01-02T03:04:00Z");
  container.config.image = "sha256:1234567890abcdef1234567890abcdef";
  EXPECT_EQ(container_row(container, false, kNow)["Image"], "1234567890ab");
  EXPECT_EQ(container_row(container, true, kNow)["Image"], "sha256:1234567890abcdef1234567890abcdef");
  container.config.image.clear();
  EXPECT_EQ(container_row(container, false, kNow)["Image"], "<no image>");
}

TEST(ContainerCommandText, QuotesArgumentsWithSpacesAndGoQuotesTheWhole) {
  ContainerEntry container = entry(kRunningId, "web", ContainerStatus::kRunning, "2026-01-02T03:04:00Z");
  container.config.command = {"echo \"hi\"", "x"};
  EXPECT_EQ(container_command_text(container.config), "/bin/sh -c 'echo \"hi\"' x");
  EXPECT_EQ(container_row(container, true, kNow)["Command"], "\"/bin/sh -c 'echo \\\"hi\\\"' x\"");
}

}  // namespace
}  // namespace isobench::cli
