#include "runner/lifecycle/container_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tests/fakes/container_store_scratch.h"

namespace isobench::runner::lifecycle {
namespace {

using detail::entries_of;

using ContainerStoreTest = testing::ContainerStoreScratch;

TEST_F(ContainerStoreTest, ACreatedContainerIsReadAndListedAsCreated) {
  const std::string id = create("web");
  auto container = store().read(id);
  ASSERT_TRUE(container) << container.error().text();
  EXPECT_EQ(container->config.name, "web");
  EXPECT_EQ(container->config.image, "busybox");
  EXPECT_FALSE(container->config.created.empty());
  EXPECT_EQ(container->state, ContainerState{});
  auto all = store().list();
  ASSERT_TRUE(all) << all.error().text();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().config, container->config);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(ContainerStoreTest, AContainerWithoutANameGetsAGeneratedOne) {
  const std::string id = create("");
  auto container = store().read(id);
  ASSERT_TRUE(container);
  EXPECT_NE(container->config.name.find('_'), std::string::npos) << container->config.name;
  EXPECT_EQ(*store().resolve(container->config.name), id);
}

TEST_F(ContainerStoreTest, ListShowsTheNewestFirst) {
  ContainerConfig older;
  older.name = "older";
  older.created = "2026-01-01T00:00:00.000000000Z";
  ContainerConfig newer = older;
  newer.name = "newer";
  newer.created = "2026-01-02T00:00:00.000000000Z";
  ASSERT_TRUE(store().create(older));
  ASSERT_TRUE(store().create(newer));
  auto all = store().list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].config.name, "newer");
  EXPECT_EQ((*all)[1].config.name, "older");
}

TEST_F(ContainerStoreTest, ATakenNameIsDockersConflictAndTheLoserLeavesNothing) {
  const std::string id = create("db");
  ContainerConfig again;
  again.name = "/db";
  auto second = store().create(again);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, "the container name \"/db\" is already in use by container \"" + id +
                                        "\": remove that container to reuse the name");
  EXPECT_EQ(store().list()->size(), 1u);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(ContainerStoreTest, SixteenCreatorsRacingForOneNameHaveExactlyOneWinner) {
  std::vector<Result<ContainerConfig>> results(16, Result<ContainerConfig>(plain_error("not run")));
  std::vector<std::thread> creators;
  for (auto& result : results) {
    creators.emplace_back([this, &result] {
      ContainerConfig config;
      config.name = "same";
      result = store().create(config);
    });
  }
  for (auto& creator : creators) creator.join();
  std::string winner;
  int conflicts = 0;
  for (const auto& result : results) {
    if (result) {
      EXPECT_TRUE(winner.empty()) << "two winners";
      winner = result->id;
    }
  }
  ASSERT_FALSE(winner.empty());
  for (const auto& result : results) {
    if (!result) {
      EXPECT_EQ(result.error().message.find("the container name \"/same\" is already in use by container \"" + winner),
                0u)
          << result.error().message;
      ++conflicts;
    }
  }
  EXPECT_EQ(conflicts, 15);
  EXPECT_EQ(store().list()->size(), 1u);
  EXPECT_EQ(entries_of(store().root() + "/names"), std::vector<std::string>{"same"});
  EXPECT_TRUE(leftovers().empty()) << leftovers().front();
}

TEST_F(ContainerStoreTest, EightProcessesRacingForOneNameHaveExactlyOneWinner) {
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ContainerConfig config;
      config.name = "contested";
      auto made = store().create(config);
      ::_exit(made ? 0 : made.error().message.find("is already in use") != std::string::npos ? 1 : 2);
    }
    children.push_back(child);
  }
  int winners = 0, conflicts = 0;
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    winners += WEXITSTATUS(status) == 0;
    conflicts += WEXITSTATUS(status) == 1;
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(conflicts, 7);
  EXPECT_EQ(store().list()->size(), 1u);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(ContainerStoreTest, NamesFollowDockersRule) {
  for (const char* bad : {"a", "_x", "-x", ".x", "a/b", "ab c", "ab\n", "..", "ünï"}) {
    ContainerConfig config;
    config.name = bad;
    auto made = store().create(config);
    ASSERT_FALSE(made) << bad;
    EXPECT_NE(made.error().message.find("invalid container name"), std::string::npos);
  }
  const std::string id = create("/A1_b.c-d");
  EXPECT_EQ(store().read(id)->config.name, "A1_b.c-d");
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(ContainerStoreTest, ResolveFindsNamesThenFullIdsThenUniquePrefixes) {
  const std::string first = create("first", "abc1" + std::string(60, '0'));
  const std::string second = create("second", "abc2" + std::string(60, '0'));
  // A name that is also a prefix of another container's id: the name wins, as in Docker.
  const std::string named_like_an_id = create("abc2", "def" + std::string(61, '0'));
  EXPECT_EQ(*store().resolve("first"), first);
  EXPECT_EQ(*store().resolve("/first"), first);
  EXPECT_EQ(*store().resolve(second), second);
  EXPECT_EQ(*store().resolve("abc1"), first);
  EXPECT_EQ(*store().resolve("abc2"), named_like_an_id);
  EXPECT_EQ(*store().resolve("de"), named_like_an_id);
  auto ambiguous = store().resolve("abc");
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().message, "multiple containers found with prefix abc");
  EXPECT_EQ(ambiguous.error().exit_code, exit_codes::kFailed);
  auto unknown = store().resolve("nothere");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "no such container: nothere");
  EXPECT_EQ(unknown.error().exit_code, exit_codes::kFailed);
  EXPECT_FALSE(store().resolve("/abc1"));  // "/" marks a name, and no container has that name
  EXPECT_FALSE(store().resolve(""));
}

TEST_F(ContainerStoreTest, ConcurrentStateUpdatesAreNeverLost) {
  const std::string id = create("counter");
  constexpr int kThreads = 16;
  std::vector<std::thread> updaters;
  std::atomic<int> failures = 0;
  for (int i = 0; i < kThreads; ++i) {
    updaters.emplace_back([&] {
      Status updated = store().update_state(id, [](ContainerState& state) -> Status {
        ++state.restart_count;
        return {};
      });
      if (!updated) ++failures;
    });
  }
  for (auto& updater : updaters) updater.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store().read(id)->state.restart_count, kThreads);
}

TEST_F(ContainerStoreTest, AFailedStateChangeLeavesTheStateAsItWas) {
  const std::string id = create("steady");
  Status updated = store().update_state(id, [](ContainerState& state) -> Status {
    state.status = ContainerStatus::kRunning;
    return plain_error("start failed");
  });
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().message, "start failed");
  EXPECT_EQ(store().read(id)->state.status, ContainerStatus::kCreated);
  EXPECT_EQ(store().update_state(std::string(64, 'f'), [](ContainerState&) { return Status{}; }).error().message,
            "no such container: " + std::string(64, 'f'));
}

}  // namespace
}  // namespace isobench::runner::lifecycle
