#include "runner/lifecycle/container_codec.h"

#include <gtest/gtest.h>

namespace isobench::runner::lifecycle {
namespace {

ContainerConfig full_config() {
  ContainerConfig config;
  config.id = std::string(64, 'a');
  config.name = "brave_turing";
  config.image = "busybox";
  config.image_id = "sha256:" + std::string(64, 'b');
  config.entrypoint = {"/bin/sh", "-c"};
  config.command = {"echo hi; sleep 1"};
  config.env = {"PATH=/bin", "X=a=b"};
  config.workdir = "/work";
  config.user = "1000:1000";
  config.hostname = "aaaaaaaaaaaa";
  config.stop_signal = 9;
  config.auto_remove = true;
  config.tty = true;
  config.interactive = true;
  config.log_max_size = 10 << 20;
  config.created = "2026-01-02T03:04:05.123456789Z";
  config.run_arguments = {"--memory", "64m"};
  return config;
}

ContainerState exited_state() {
  ContainerState state;
  state.status = ContainerStatus::kExited;
  state.pid = 1234;
  state.pid_start_time = 9876543210ULL;
  state.monitor_pid = 1233;
  state.started_at = "2026-01-02T03:04:06Z";
  state.finished_at = "2026-01-02T03:04:07Z";
  state.exit_code = 137;
  state.oom_killed = true;
  state.error = "";
  state.restart_count = 3;
  return state;
}

std::string error_of(const Result<ContainerConfig>& result) {
  return result ? "" : result.error().message;
}
std::string error_of(const Result<ContainerState>& result) {
  return result ? "" : result.error().message;
}

TEST(ContainerCodec, ConfigRoundTripsThroughItsDocument) {
  auto again = parse_container_config(serialize_container_config(full_config()));
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_EQ(*again, full_config());
}

TEST(ContainerCodec, StateRoundTripsThroughItsDocumentInEveryStatus) {
  for (ContainerStatus status :
       {ContainerStatus::kCreated, ContainerStatus::kRunning, ContainerStatus::kExited, ContainerStatus::kRemoving}) {
    ContainerState state = exited_state();
    state.status = status;
    auto again = parse_container_state(serialize_container_state(state));
    ASSERT_TRUE(again) << again.error().text();
    EXPECT_EQ(*again, state);
  }
}

TEST(ContainerCodec, AnUnknownExitCodeStaysUnknown) {
  ContainerState state = exited_state();
  state.exit_code.reset();
  const std::string text = serialize_container_state(state);
  EXPECT_NE(text.find("\"exit_code\": null"), std::string::npos) << text;
  auto again = parse_container_state(text);
  ASSERT_TRUE(again) << again.error().text();
  EXPECT_FALSE(again->exit_code.has_value());
}

TEST(ContainerCodec, StatusesHaveDockersNames) {
  EXPECT_EQ(status_name(ContainerStatus::kCreated), "created");
  EXPECT_EQ(status_name(ContainerStatus::kRunning), "running");
  EXPECT_EQ(status_name(ContainerStatus::kExited), "exited");
  EXPECT_EQ(status_name(ContainerStatus::kRemoving), "removing");
  EXPECT_FALSE(parse_status("paused"));
}

TEST(ContainerCodec, MalformedJsonIsRefusedNamingTheDocument) {
  auto parsed = parse_container_state("{\"version\": 1, \"status\": ", "container abc state.json");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("container abc state.json"), std::string::npos) << parsed.error().message;
  EXPECT_FALSE(parse_container_config("[1, 2]"));
  EXPECT_FALSE(parse_container_config(""));
}

TEST(ContainerCodec, AWrongTypeNamesTheField) {
  std::string text = serialize_container_state(exited_state());
  text.replace(text.find("\"pid\": 1234"), 11, "\"pid\": \"1234\"");
  EXPECT_NE(error_of(parse_container_state(text)).find("field 'pid' is not an integer"), std::string::npos);
  std::string config = serialize_container_config(full_config());
  config.replace(config.find("\"tty\": true"), 11, "\"tty\": 1");
  EXPECT_NE(error_of(parse_container_config(config)).find("field 'tty' is not a boolean"), std::string::npos);
}

TEST(ContainerCodec, UnknownFieldsVersionsAndStatusesAreRefused) {
  std::string text = serialize_container_state(exited_state());
  std::string extra = text;
  extra.insert(1, "\"pidd\": 1,");
  EXPECT_NE(error_of(parse_container_state(extra)).find("unknown field 'pidd'"), std::string::npos);
  std::string newer = text;
  newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 2");
  EXPECT_NE(error_of(parse_container_state(newer)).find("unknown version 2"), std::string::npos);
  std::string paused = text;
  paused.replace(paused.find("\"exited\""), 8, "\"paused\"");
  EXPECT_NE(error_of(parse_container_state(paused)).find("unknown container status 'paused'"), std::string::npos);
}

TEST(ContainerCodec, AConfigNeedsAnIdAndAValidName) {
  std::string config = serialize_container_config(full_config());
  std::string no_id = config;
  no_id.replace(no_id.find(std::string(64, 'a')), 64, "abc");
  EXPECT_NE(error_of(parse_container_config(no_id)).find("'id' is not 64 hex digits"), std::string::npos);
  std::string bad_name = config;
  bad_name.replace(bad_name.find("brave_turing"), 12, "../../etc");
  EXPECT_NE(error_of(parse_container_config(bad_name)).find("'name' is not a valid container name"), std::string::npos);
  std::string bad_signal = config;
  bad_signal.replace(bad_signal.find("\"stop_signal\": 9"), 16, "\"stop_signal\": 0");
  EXPECT_NE(error_of(parse_container_config(bad_signal)).find("'stop_signal' is out of range"), std::string::npos);
}

TEST(ContainerCodec, TimestampsAreRfc3339UtcWithNanoseconds) {
  const std::string now = timestamp_now();
  ASSERT_EQ(now.size(), 30u) << now;
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[19], '.');
  EXPECT_EQ(now.back(), 'Z');
}

}  // namespace
}  // namespace isobench::runner::lifecycle
