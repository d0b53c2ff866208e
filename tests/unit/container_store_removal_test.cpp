// The container store under removal, crashes and concurrency: what readers see while others
// write, what remove deletes (and what it must not), and what dead creators leave.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "common/file_io.h"
#include "common/file_lock.h"
#include "runner/lifecycle/container_codec.h"
#include "runner/lifecycle/container_store.h"
#include "tests/fakes/container_store_scratch.h"
#include "tests/fakes/scoped_env.h"

namespace isobench::runner::lifecycle {
namespace {

using detail::entries_of;
using detail::exists;

using ContainerRemovalTest = testing::ContainerStoreScratch;

TEST_F(ContainerRemovalTest, RemoveDeletesTheContainerItsNameAndItsRuntimeDirectory) {
  const std::string id = create("gone");
  auto runtime = store().make_runtime_dir(id);
  ASSERT_TRUE(runtime) << runtime.error().text();
  ASSERT_TRUE(write_regular_file(*runtime + "/monitor.lock", ""));
  ASSERT_TRUE(store().remove(id));
  EXPECT_FALSE(exists(store().container_dir(id)));
  EXPECT_FALSE(exists(store().runtime_dir_of(id)));
  EXPECT_TRUE(entries_of(store().root() + "/names").empty());
  EXPECT_TRUE(leftovers().empty());
  EXPECT_EQ(store().remove(id).error().message, "no such container: " + id);
  create("gone");  // the name is free again
}

TEST_F(ContainerRemovalTest, RemoveNeverFollowsASymlinkOutOfTheContainer) {
  const std::string outside = scratch_ + "/host";
  ASSERT_EQ(::mkdir(outside.c_str(), 0700), 0);
  ASSERT_TRUE(write_regular_file(outside + "/precious", "keep me"));
  const std::string id = create("escape");
  const std::string upper = store().layer_dir(id) + "/upper";
  ASSERT_TRUE(detail::make_directories(upper + "/etc"));
  ASSERT_EQ(::symlink((outside + "/precious").c_str(), (upper + "/etc/passwd").c_str()), 0);
  ASSERT_EQ(::symlink(outside.c_str(), (upper + "/hostdir").c_str()), 0);
  ASSERT_EQ(::symlink(outside.c_str(), (store().container_dir(id) + "/planted").c_str()), 0);
  ASSERT_EQ(::mkdir((store().layer_dir(id) + "/work/work").c_str(), 0), 0);  // as overlayfs leaves it
  ASSERT_TRUE(store().remove(id));
  EXPECT_FALSE(exists(store().container_dir(id)));
  EXPECT_EQ(*read_file(outside + "/precious"), "keep me");
}

TEST_F(ContainerRemovalTest, RemoveGivesBackTheNameOnlyWhileItStillNamesThatContainer) {
  const std::string first = create("shared");
  // The name was given back (a crashed remove, say) and taken by another container since.
  ASSERT_EQ(::unlink((store().root() + "/names/shared").c_str()), 0);
  const std::string second = create("shared");
  ASSERT_TRUE(store().remove(first));
  EXPECT_EQ(*store().resolve("shared"), second);
}

TEST_F(ContainerRemovalTest, RemovingAContainerWhoseStateDoesNotParseStillWorks) {
  const std::string id = create("broken");
  ASSERT_TRUE(write_regular_file(store().container_dir(id) + "/state.json", "{not json"));
  ASSERT_TRUE(write_regular_file(store().container_dir(id) + "/config.json", "{not json"));
  EXPECT_TRUE(store().list()->empty());  // ps goes on without it
  EXPECT_EQ(*store().resolve("broken"), id);
  ASSERT_TRUE(store().remove(id));
  EXPECT_TRUE(entries_of(store().root() + "/names").empty());
}

TEST_F(ContainerRemovalTest, ListSkipsWorkInProgressAndHalfRemovedDirectories) {
  const std::string id = create("whole");
  const std::string half = std::string(64, 'c');
  ASSERT_EQ(::mkdir((store().root() + "/" + half).c_str(), 0700), 0);  // its files already removed
  ASSERT_EQ(::mkdir((store().root() + "/.tmp-" + std::string(64, 'd')).c_str(), 0700), 0);
  ASSERT_TRUE(write_regular_file(store().root() + "/.tmp-" + std::string(64, 'd') + "/config.json", "{"));
  ASSERT_EQ(::mkdir((store().root() + "/.rm-" + std::string(64, 'e')).c_str(), 0700), 0);
  auto all = store().list();
  ASSERT_TRUE(all) << all.error().text();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().config.id, id);
}

TEST_F(ContainerRemovalTest, ListingWhileOthersRemoveSeesOnlyWholeContainers) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(create(""));
  std::atomic<bool> done = false;
  std::atomic<int> bad_lists = 0;
  std::thread reader([&] {
    while (!done) {
      auto all = store().list();
      if (!all) ++bad_lists;
      for (const auto& container : all ? *all : std::vector<StoredContainer>{}) {
        if (container.config.image != "busybox") ++bad_lists;
      }
    }
  });
  std::vector<std::thread> removers;
  for (const std::string& id : ids) removers.emplace_back([this, id] { EXPECT_TRUE(store().remove(id)); });
  for (auto& remover : removers) remover.join();
  done = true;
  reader.join();
  EXPECT_EQ(bad_lists, 0);
  EXPECT_TRUE(store().list()->empty());
}

TEST_F(ContainerRemovalTest, FiftyParallelCreatesThenFiftyParallelRemovesLeaveAnEmptyStore) {
  std::vector<std::string> ids(50);
  std::vector<std::thread> workers;
  for (auto& id : ids) workers.emplace_back([this, &id] { id = create(""); });
  for (auto& worker : workers) worker.join();
  workers.clear();
  auto all = store().list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 50u);
  std::set<std::string> names;
  for (const auto& container : *all) names.insert(container.config.name);
  EXPECT_EQ(names.size(), 50u);
  EXPECT_EQ(entries_of(store().root() + "/names").size(), 50u);
  for (const std::string& id : ids) workers.emplace_back([this, id] { EXPECT_TRUE(store().remove(id)); });
  for (auto& worker : workers) worker.join();
  EXPECT_TRUE(store().list()->empty());
  EXPECT_TRUE(entries_of(store().root() + "/names").empty());
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(ContainerRemovalTest, TwoRemoversOfOneContainerHaveOneWinner) {
  const std::string id = create("twice");
  Status first, second;
  std::thread a([&] { first = store().remove(id); });
  std::thread b([&] { second = store().remove(id); });
  a.join();
  b.join();
  EXPECT_NE(first.ok(), second.ok());
  const Status& loser = first ? second : first;
  EXPECT_EQ(loser.error().message, "no such container: " + id);
}

TEST_F(ContainerRemovalTest, ANameLeftByADeadCreatorIsReclaimed) {
  ASSERT_TRUE(detail::make_directories(store().root() + "/names"));
  const std::string dead = std::string(64, 'a');
  const std::string staged = store().root() + "/.tmp-" + dead;
  ASSERT_EQ(::mkdir(staged.c_str(), 0700), 0);
  ASSERT_TRUE(write_regular_file(staged + "/lock", ""));  // nobody holds it
  ASSERT_EQ(::symlink(dead.c_str(), (store().root() + "/names/orphan").c_str()), 0);
  ASSERT_EQ(::symlink(std::string(64, 'b').c_str(), (store().root() + "/names/dangling").c_str()), 0);
  const std::string first = create("orphan");
  const std::string second = create("dangling");
  EXPECT_EQ(*store().resolve("orphan"), first);
  EXPECT_EQ(*store().resolve("dangling"), second);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(ContainerRemovalTest, ANameHeldByACreatorStillAtWorkIsNotTaken) {
  ASSERT_TRUE(detail::make_directories(store().root() + "/names"));
  const std::string busy = std::string(64, 'a');
  const std::string staged = store().root() + "/.tmp-" + busy;
  ASSERT_EQ(::mkdir(staged.c_str(), 0700), 0);
  auto lock = lock_file(staged + "/lock", LockKind::kExclusive);
  ASSERT_TRUE(lock);
  ASSERT_EQ(::symlink(busy.c_str(), (store().root() + "/names/wip").c_str()), 0);
  ContainerConfig config;
  config.name = "wip";
  auto made = store().create(config);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("is already in use by container \"" + busy + "\""), std::string::npos);
  EXPECT_TRUE(exists(staged));  // a live creator's work is not swept away
}

TEST(ContainerStoreDefaults, PlacesFollowTheEnvironment) {
  testing::ScopedEnv store_root("ISOBENCH_STORE", "/srv/isobench");
  EXPECT_EQ(default_container_root(), "/srv/isobench/containers");
  {
    testing::ScopedEnv chosen("ISOBENCH_RUNTIME_DIR", "/run/user/7/x");
    EXPECT_EQ(default_runtime_dir(), "/run/user/7/x");
  }
  testing::ScopedEnv unset("ISOBENCH_RUNTIME_DIR", std::nullopt);
  testing::ScopedEnv xdg("XDG_RUNTIME_DIR", "/run/user/1000");
  EXPECT_EQ(default_runtime_dir(), ::geteuid() == 0 ? "/run/isobench" : "/run/user/1000/isobench");
  testing::ScopedEnv no_xdg("XDG_RUNTIME_DIR", std::nullopt);
  EXPECT_EQ(default_runtime_dir(), ::geteuid() == 0 ? "/run/isobench" : "/tmp/isobench-" + std::to_string(::geteuid()));
}

}  // namespace
}  // namespace isobench::runner::lifecycle
