#include "runner/image/builtin_image.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/file_io.h"
#include "runner/image/manifest.h"

namespace isobench::runner::image {
namespace {

class BuiltinImageRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/isobench-builtin-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_EQ(::mkdir((dir_ + "/rootfs").c_str(), 0755), 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(BuiltinImageRecord, ComesFromTheRecordBesideTheRootfs) {
  const std::string id(64, 'c');
  ASSERT_TRUE(write_regular_file(dir_ + "/builtin.json",
                                 "{\"id\": \"sha256:" + id + "\", \"size\": 4096, \"created\": \"2026-12-02T18:40:38Z\"}\n"));
  auto record = builtin_image_record(dir_ + "/rootfs");
  ASSERT_TRUE(record) << record.error().text();
  EXPECT_EQ(record->id.hex, id);
  EXPECT_EQ(record->size, 4096);
  EXPECT_EQ(record->created, "2026-12-02T18:40:38Z");
  EXPECT_EQ(record->platform, Platform::host().str());
  EXPECT_TRUE(record->layer_chain_ids.empty());
}

TEST_F(BuiltinImageRecord, AMissingOrBrokenRecordIsAnErrorNamingIt) {
  auto missing = builtin_image_record(dir_ + "/rootfs");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text().find("builtin.json"), std::string::npos);
  ASSERT_TRUE(write_regular_file(dir_ + "/builtin.json", "{\"id\": \"sha256:xyz\", \"size\": 1}"));
  auto broken = builtin_image_record(dir_ + "/rootfs");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().text().find("builtin.json"), std::string::npos);
}

}  // namespace
}  // namespace isobench::runner::image
