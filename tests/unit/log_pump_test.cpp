// The monitor's log pump: what a workload writes on its two pipes comes back from the log as
// it was written, stream by stream, and the pump ends when the writers are gone.
#include "runner/lifecycle/log_pump.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "runner/image/layer_unpack.h"

namespace lifecycle = isobench::runner::lifecycle;
using isobench::Status;
using isobench::UniqueFd;

namespace {

class LogPumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/isobench-log-pump-XXXXXX";
    ASSERT_NE(::mkdtemp(scratch), nullptr);
    dir_ = scratch;
  }
  void TearDown() override { (void)isobench::runner::image::remove_tree(dir_); }

  std::string log() const { return dir_ + "/container.log"; }

  /// What the log gives back: stdout and stderr records' content, each in order.
  std::pair<std::string, std::string> read_back() const {
    std::pair<std::string, std::string> streams;
    Status read = lifecycle::read_log(log(), {}, [&](const lifecycle::LogRecord& record) -> Status {
      std::string& into = record.stream == lifecycle::LogStream::kStdout ? streams.first : streams.second;
      into.append(record.content);
      if (!record.partial) into += "\n";
      return {};
    });
    EXPECT_TRUE(read) << read.error().text();
    return streams;
  }

  std::string dir_;
};

void write_all(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST_F(LogPumpTest, BothStreamsComeBackExactlyOnceTheWritersClose) {
  int out[2], err[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(err, O_CLOEXEC), 0);
  auto writer = lifecycle::LogWriter::open(log(), 0);
  ASSERT_TRUE(writer);
  {
    lifecycle::LogPump pump(UniqueFd(out[0]), UniqueFd(err[0]), std::move(*writer));
    write_all(out[1], "first line\nsecond ");
    write_all(err[1], "an error\n");
    write_all(out[1], "half\nlast without newline");
    ::close(out[1]);
    ::close(err[1]);
    pump.finish();
    EXPECT_EQ(pump.lost_writes(), 0u);
  }
  auto [stdout_text, stderr_text] = read_back();
  EXPECT_EQ(stdout_text, "first line\nsecond half\nlast without newline");
  EXPECT_EQ(stderr_text, "an error\n");
}

TEST_F(LogPumpTest, ALineLongerThanARecordIsSplitAndJoinsBackWhole) {
  int out[2], err[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(err, O_CLOEXEC), 0);
  auto writer = lifecycle::LogWriter::open(log(), 0);
  ASSERT_TRUE(writer);
  const std::string big(3 * lifecycle::kMaxLogContent + 17, 'x');
  {
    lifecycle::LogPump pump(UniqueFd(out[0]), UniqueFd(err[0]), std::move(*writer));
    ::close(err[1]);
    write_all(out[1], big + "\n");
    ::close(out[1]);
  }  // the destructor waits for the end of both streams
  EXPECT_EQ(read_back().first, big + "\n");
}

}  // namespace
