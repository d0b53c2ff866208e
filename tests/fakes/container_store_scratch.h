// A container store in a scratch directory of its own (root and runtime directory), removed
// after the test: the container store's tests need no root and leave nothing behind.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "runner/lifecycle/container_store.h"
#include "runner/lifecycle/container_store_files.h"
#include "runner/image/layer_unpack.h"

namespace isobench::testing {

class ContainerStoreScratch : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-container-store-XXXXXX";
    ASSERT_NE(::mkdtemp(scratch), nullptr);
    scratch_ = scratch;
  }
  void TearDown() override { (void)runner::image::remove_tree(scratch_); }

  runner::lifecycle::ContainerStore store() const { return {scratch_ + "/containers", scratch_ + "/run"}; }

  /// Creates a container named `name` (generated when empty), with id `id` when given.
  std::string create(const std::string& name, const std::string& id = "") {
    runner::lifecycle::ContainerConfig config;
    config.name = name;
    config.id = id;
    config.image = "busybox";
    auto made = store().create(config);
    EXPECT_TRUE(made) << made.error().text();
    return made ? made->id : "";
  }

  /// What is in the store's root besides containers' directories, names/ and names.lock:
  /// work in progress that somebody left behind.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> found;
    for (const std::string& entry : runner::lifecycle::detail::entries_of(store().root())) {
      if (entry != "names" && entry != "names.lock" && entry.size() != 64) found.push_back(entry);
    }
    return found;
  }

  std::string scratch_;
};

}  // namespace isobench::testing
