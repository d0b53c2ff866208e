#include "runner/lifecycle/container_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/file_io.h"
#include "tests/fakes/stop_switch.h"

namespace isobench::runner::lifecycle {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
/// 2026-12-02T18:00:00Z
constexpr int64_t kBase = 1'796'234'400 * kSecond;

/// What the workload printed, stream by stream, as the log gives it back.
struct Streams {
  std::string out;
  std::string err;
};

/// A record as read_log handed it, kept.
struct Record {
  LogStream stream;
  bool partial;
  int64_t time_ns;
  std::string content;
};

/// An in-memory file to print into.
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("log-output", MFD_CLOEXEC)) {}
  int fd() const { return fd_.get(); }
  std::string text() const {
    struct stat status {};
    fstat(fd_.get(), &status);
    std::string text(static_cast<size_t>(status.st_size), '\0');
    EXPECT_EQ(pread(fd_.get(), text.data(), text.size(), 0), static_cast<ssize_t>(text.size()));
    return text;
  }
  size_t size() const { return text().size(); }

 private:
  UniqueFd fd_;
};

class ContainerLog : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/container-log-test-XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    directory_ = scratch;
    path_ = directory_ + "/container.log";
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::unique_ptr<LogWriter> writer(int64_t max_size = 0) {
    auto opened = LogWriter::open(path_, max_size);
    EXPECT_TRUE(opened) << opened.error().text();
    return opened ? std::move(*opened) : nullptr;
  }

  std::vector<Record> records(const LogReadOptions& options = {}) {
    std::vector<Record> found;
    Status read = read_log(path_, options, [&](const LogRecord& record) {
      found.push_back({record.stream, record.partial, record.time_ns, std::string(record.content)});
      return Status{};
    });
    EXPECT_TRUE(read) << read.error().text();
    return found;
  }

  Streams printed(const LogReadOptions& options = {}) {
    MemoryFile out, err;
    Status printed = print_log(path_, options, out.fd(), err.fd());
    EXPECT_TRUE(printed) << printed.error().text();
    return {out.text(), err.text()};
  }

  std::string file_text(const std::string& path) {
    auto text = read_file(path);
    return text ? *text : "";
  }

  std::string directory_;
  std::string path_;
};

TEST(ContainerLogTime, FormatsAndParsesTheWritersFormExactly) {
  const int64_t time = kBase + 123'456'789;
  EXPECT_EQ(format_log_time(time), "2026-12-02T18:00:00.123456789Z");
  EXPECT_EQ(format_log_time(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_log_time(951'782'400 * kSecond + 5), "2000-02-29T00:00:00.000000005Z");
  for (int64_t t :
       {time, int64_t{0}, int64_t{951'782'400} * kSecond + 5, int64_t{4'102'444'799} * kSecond + 999'999'999}) {
    auto parsed = parse_log_time(format_log_time(t));
    ASSERT_TRUE(parsed) << parsed.error().text();
    EXPECT_EQ(*parsed, t);
  }
}

TEST(ContainerLogTime, RefusesAnyOtherFormInTheLog) {
  for (const char* text :
       {"2026-12-02T18:00:00Z", "2026-12-02T18:00:00.123456789+00:00", "2026-12-02T18:00:00.12345678Z",
        "2026-02-30T18:00:00.000000000Z", "2026-12-02T24:00:00.000000000Z", "2026-12-02 18:00:00.000000000Z",
        "2026-13-02T18:00:00.000000000Z", "20x6-12-02T18:00:00.000000000Z", "1969-12-31T23:59:59.000000000Z",
        "2263-01-01T00:00:00.000000000Z"}) {
    EXPECT_FALSE(parse_log_time(text)) << text;
  }
}

TEST(ContainerLogSince, AcceptsWhatDockerLogsSinceAccepts) {
  const int64_t now = kBase + 30 * 60 * kSecond;
  const std::pair<const char*, int64_t> cases[] = {
      {"2026-12-02T18:00:00Z", kBase},
      {"2026-12-02T18:00:00.5Z", kBase + kSecond / 2},
      {"2026-12-02T18:00:00.123456789Z", kBase + 123'456'789},
      {"2026-12-03T03:00:00+09:00", kBase},
      {"2026-12-02T17:30:00-00:30", kBase},
      {"2026-12-02T18:00Z", kBase},
      {"2026-12-02Z", kBase - 18 * 3600 * kSecond},
      {"1700000000", 1'700'000'000 * kSecond},
      {"1700000000.5", 1'700'000'000 * kSecond + kSecond / 2},
      {"0", 0},
      {"42s", now - 42 * kSecond},
      {"10m", now - 600 * kSecond},
      {"1h30m", now - 5400 * kSecond},
      {"1.5h", now - 5400 * kSecond},
      {"300ms", now - 300'000'000},
  };
  for (const auto& [text, expected] : cases) {
    auto parsed = parse_since(text, now);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().text();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(ContainerLogSince, ReadsATimeWithoutZoneInTheLocalZone) {
  const char* saved = std::getenv("TZ");
  const std::string old = saved ? saved : "";
  setenv("TZ", "KST-9", 1);  // POSIX form: UTC+9, no zoneinfo needed
  tzset();
  auto parsed = parse_since("2026-12-03T03:00:00", kBase);
  saved ? setenv("TZ", old.c_str(), 1) : unsetenv("TZ");
  tzset();
  ASSERT_TRUE(parsed) << parsed.error().text();
  EXPECT_EQ(*parsed, kBase);
}

TEST(ContainerLogSince, RefusesOtherTextSayingWhatWouldDo) {
  for (const char* text :
       {"yesterday", "10x", "", "2026-13-01T00:00:00Z", "2026-12-02T18:00:00+9", "1h 30m", "-", "1.2.3"}) {
    auto parsed = parse_since(text, kBase);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().exit_code, exit_codes::kUsage);
    EXPECT_NE(parsed.error().message.find("RFC 3339"), std::string::npos) << parsed.error().message;
  }
}

TEST_F(ContainerLog, WritesOneFullRecordPerLineInTheK8sFileFormat) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "hello world\n", kBase + 123'456'789));
  ASSERT_TRUE(log->write(LogStream::kStderr, "oops\n", kBase + kSecond));
  EXPECT_EQ(file_text(path_),
            "2026-12-02T18:00:00.123456789Z stdout F hello world\n"
            "2026-12-02T18:00:01.000000000Z stderr F oops\n");
}

TEST_F(ContainerLog, GivesBackEveryByteExactly) {
  const std::string out =
      std::string("plain\n\n\ncarriage\r\nnul\0byte\n", 26) + "\xff\xfe not utf-8\n\r\n" + "no newline";
  const std::string err = "e1\ne2 no newline";
  auto log = writer();
  // Interleaved and cut at arbitrary points, as reads from two pipes arrive.
  for (size_t i = 0, j = 0; i < out.size() || j < err.size(); i += 3, j += 2) {
    if (i < out.size()) {
      ASSERT_TRUE(log->write(LogStream::kStdout, std::string_view(out).substr(i, 3), kBase + int64_t(i)));
    }
    if (j < err.size()) {
      ASSERT_TRUE(log->write(LogStream::kStderr, std::string_view(err).substr(j, 2), kBase + int64_t(j)));
    }
  }
  ASSERT_TRUE(log->flush_partial(LogStream::kStdout));
  ASSERT_TRUE(log->flush_partial(LogStream::kStderr));
  const Streams back = printed();
  EXPECT_EQ(back.out, out);
  EXPECT_EQ(back.err, err);
}

TEST_F(ContainerLog, KeepsTheOrderOfTheTwoStreamsOnOneOutput) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "1\n", kBase));
  ASSERT_TRUE(log->write(LogStream::kStderr, "2\n", kBase));
  ASSERT_TRUE(log->write(LogStream::kStdout, "3\n4\n", kBase));
  ASSERT_TRUE(log->write(LogStream::kStderr, "5\n", kBase));
  MemoryFile both;
  ASSERT_TRUE(print_log(path_, {}, both.fd(), both.fd()));
  EXPECT_EQ(both.text(), "1\n2\n3\n4\n5\n");
}

TEST_F(ContainerLog, StampsALineWrittenInPiecesWithTheTimeOfItsFirstByte) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "hel", kBase + 1));
  EXPECT_EQ(log->partial_since(LogStream::kStdout), kBase + 1);
  EXPECT_EQ(log->partial_since(LogStream::kStderr), std::nullopt);
  ASSERT_TRUE(log->write(LogStream::kStdout, "lo\nnext", kBase + 2));
  EXPECT_EQ(log->partial_since(LogStream::kStdout), kBase + 2);
  const auto found = records();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].content, "hello");
  EXPECT_FALSE(found[0].partial);
  EXPECT_EQ(found[0].time_ns, kBase + 1);
}

TEST_F(ContainerLog, SplitsALongLineIntoPartialChunksOfTheRecordLimit) {
  std::string line(2 * kMaxLogContent + 100, 'x');
  for (size_t i = 0; i < line.size(); ++i) line[i] = static_cast<char>('a' + i % 26);
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, line.substr(0, 5000), kBase));
  ASSERT_TRUE(log->write(LogStream::kStdout, line.substr(5000) + "\n", kBase + 1));
  ASSERT_TRUE(log->write(LogStream::kStderr, std::string(kMaxLogContent, 'e') + "\n", kBase + 2));
  const auto found = records();
  ASSERT_EQ(found.size(), 4u);
  EXPECT_TRUE(found[0].partial);
  EXPECT_EQ(found[0].content.size(), kMaxLogContent);
  EXPECT_TRUE(found[1].partial);
  EXPECT_FALSE(found[2].partial);
  EXPECT_EQ(found[2].content.size(), 100u);
  EXPECT_FALSE(found[3].partial) << "a line of exactly the limit is one record";
  EXPECT_EQ(printed().out, line + "\n");
}

TEST_F(ContainerLog, WritesAnUnfinishedLineOnlyWhenFlushed) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "prompt> ", kBase));
  EXPECT_EQ(file_text(path_), "");
  ASSERT_TRUE(log->flush_partial(LogStream::kStdout));
  EXPECT_EQ(log->partial_since(LogStream::kStdout), std::nullopt);
  ASSERT_TRUE(log->write(LogStream::kStdout, "ls\n", kBase + kSecond));
  EXPECT_EQ(file_text(path_),
            "2026-12-02T18:00:00.000000000Z stdout P prompt> \n"
            "2026-12-02T18:00:01.000000000Z stdout F ls\n");
  EXPECT_EQ(printed().out, "prompt> ls\n");
}

TEST_F(ContainerLog, CreatesTheFileReadableByOwnerAndGroupOnly) {
  const mode_t mask = umask(0);
  umask(mask);
  writer();
  struct stat status {};
  ASSERT_EQ(stat(path_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0640u & ~mask);
}

TEST_F(ContainerLog, RotatesToDotOneKeepingTheSizeBounded) {
  constexpr int64_t kMax = 4096;
  auto log = writer(kMax);
  for (int i = 0; i < 2000; ++i)
    ASSERT_TRUE(log->write(LogStream::kStdout, "line " + std::to_string(i) + "\n", kBase + i));
  struct stat current {
  }, older{};
  ASSERT_EQ(stat(path_.c_str(), &current), 0);
  ASSERT_EQ(stat((path_ + ".1").c_str(), &older), 0);
  EXPECT_LE(current.st_size, kMax);
  EXPECT_LE(older.st_size, kMax);
  EXPECT_GT(older.st_size, kMax - 100);
  EXPECT_EQ(log->size(), current.st_size);
  // What is kept is the newest lines, with none missing between the two files.
  const auto found = records();
  ASSERT_GT(found.size(), 100u);
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].content, "line " + std::to_string(2000 - found.size() + i));
  }
}

TEST_F(ContainerLog, AppendsToTheLogOfAnEarlierWriter) {
  ASSERT_TRUE(writer()->write(LogStream::kStdout, "first run\n", kBase));
  ASSERT_TRUE(writer()->write(LogStream::kStdout, "second run\n", kBase + kSecond));
  EXPECT_EQ(printed().out, "first run\nsecond run\n");
}

TEST_F(ContainerLog, DropsARecordCutShortByAKilledWriter) {
  ASSERT_TRUE(writer()->write(LogStream::kStdout, "whole\n", kBase));
  ASSERT_TRUE(write_fully(UniqueFd(open(path_.c_str(), O_WRONLY | O_APPEND)).get(), "2026-12-02T18:00:01.0000", path_));
  EXPECT_EQ(printed().out, "whole\n");
  LogReadOptions last;
  last.tail = 1;
  EXPECT_EQ(printed(last).out, "whole\n");
  // The next writer cuts it off, so its records are not glued to it.
  ASSERT_TRUE(writer()->write(LogStream::kStdout, "again\n", kBase + kSecond));
  EXPECT_EQ(printed().out, "whole\nagain\n");
}

TEST_F(ContainerLog, NamesTheFileAndLineOfAMalformedLine) {
  ASSERT_TRUE(write_regular_file(path_,
                                 "2026-12-02T18:00:00.000000000Z stdout F ok\n"
                                 "2026-12-02T18:00:00.000000000Z stdin F what\n"));
  Status read = print_log(path_, {}, MemoryFile().fd(), MemoryFile().fd());
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find(path_ + ", line 2: unknown stream"), std::string::npos) << read.error().message;
  LogReadOptions last;
  last.tail = 1;
  read = print_log(path_, last, MemoryFile().fd(), MemoryFile().fd());
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find(", line 2: "), std::string::npos) << read.error().message;

  const std::pair<const char*, const char*> bad_lines[] = {
      {"2026-12-02 18:00:00.000000000Z stdout F bad time\n", "line 1: bad timestamp"},
      {"2026-12-02T18:00:00.000000000Z stdout X tag\n", "line 1: unknown tag"},
      {"2026-12-02T18:00:00.000000000Z stdout F\n", "line 1: unknown tag"},
      {"\n", "line 1: bad timestamp"},
      {"2026-12-02T18:00:00.000000000Z stdout F ok\n2026-12-02T18:00:00.00000000xZ stdout F x\n",
       "line 2: bad timestamp"},
      {"2026-12-02T18:00:00.000000000Z stdout F ok\n2026-12-02T18:00:00.000000001+ stdout F x\n",
       "line 2: bad timestamp"},
  };
  for (const auto& [text, error] : bad_lines) {
    ASSERT_TRUE(write_regular_file(path_, text));
    read = read_log(path_, {}, [](const LogRecord&) { return Status{}; });
    ASSERT_FALSE(read) << text;
    EXPECT_NE(read.error().message.find(path_ + ", " + error), std::string::npos) << read.error().message;
  }
}

TEST_F(ContainerLog, ReadsNothingFromALogNotWrittenYet) {
  EXPECT_EQ(printed().out, "");
  LogReadOptions last;
  last.tail = 3;
  EXPECT_EQ(printed(last).out, "");
}

TEST_F(ContainerLog, TailPrintsTheLastLines) {
  auto log = writer();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->write(LogStream::kStdout, std::to_string(i) + "\n", kBase + i));
  LogReadOptions options;
  options.tail = 3;
  EXPECT_EQ(printed(options).out, "7\n8\n9\n");
  options.tail = 0;
  EXPECT_EQ(printed(options).out, "");
  options.tail = 100;
  EXPECT_EQ(printed(options).out, "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
}

TEST_F(ContainerLog, TailReachesBackAcrossTheRotation) {
  auto log = writer(2048);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(log->write(LogStream::kStdout, "n" + std::to_string(i) + "\n", kBase + i));
  const auto all = records();
  const std::string current = file_text(path_);
  const auto in_current = static_cast<size_t>(std::count(current.begin(), current.end(), '\n'));
  ASSERT_LT(in_current + 5, all.size());
  LogReadOptions options;
  options.tail = in_current + 5;
  const auto found = records(options);
  ASSERT_EQ(found.size(), in_current + 5);
  EXPECT_EQ(found.front().content, "n" + std::to_string(200 - in_current - 5));
  EXPECT_EQ(found.back().content, "n199");
}

TEST_F(ContainerLog, TailCountsALongLineAsOneLine) {
  auto log = writer();
  const std::string long_line(3 * kMaxLogContent, 'L');
  ASSERT_TRUE(log->write(LogStream::kStdout, "before\n" + long_line + "\nafter\nunfinished", kBase));
  ASSERT_TRUE(log->flush_partial(LogStream::kStdout));
  LogReadOptions options;
  options.tail = 3;
  EXPECT_EQ(printed(options).out, long_line + "\nafter\nunfinished");
  options.tail = 1;
  EXPECT_EQ(printed(options).out, "unfinished");
}

TEST_F(ContainerLog, TailTakesAWholeLineWhoseChunksAreBetweenTheOtherStreamsLines) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "ab", kBase));
  ASSERT_TRUE(log->flush_partial(LogStream::kStdout));
  ASSERT_TRUE(log->write(LogStream::kStderr, "x\n", kBase + 1));
  ASSERT_TRUE(log->write(LogStream::kStdout, "cd\n", kBase + 2));
  LogReadOptions options;
  options.tail = 1;
  Streams back = printed(options);
  EXPECT_EQ(back.out, "abcd\n");
  EXPECT_EQ(back.err, "");
  options.tail = 2;
  back = printed(options);
  EXPECT_EQ(back.out, "abcd\n");
  EXPECT_EQ(back.err, "x\n");
}

TEST_F(ContainerLog, SinceAndUntilKeepTheRecordsInTheirRange) {
  auto log = writer();
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(log->write(LogStream::kStdout, std::to_string(i) + "\n", kBase + i * kSecond));
  LogReadOptions options;
  options.since_ns = kBase + 2 * kSecond;
  EXPECT_EQ(printed(options).out, "2\n3\n4\n5\n");
  options.until_ns = kBase + 4 * kSecond;
  EXPECT_EQ(printed(options).out, "2\n3\n4\n");
  // As Docker: the tail is taken first, then the time range.
  options.tail = 2;
  EXPECT_EQ(printed(options).out, "4\n");
}

TEST_F(ContainerLog, TimestampsStartEachLineOnce) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "hel", kBase + 123'456'789));
  ASSERT_TRUE(log->flush_partial(LogStream::kStdout));
  ASSERT_TRUE(log->write(LogStream::kStdout, "lo\n", kBase + kSecond));
  ASSERT_TRUE(log->write(LogStream::kStderr, "err\n", kBase + 2 * kSecond));
  ASSERT_TRUE(log->write(LogStream::kStderr, "same second\n", kBase + 2 * kSecond + 7));
  ASSERT_TRUE(log->write(LogStream::kStderr, "next day\n", kBase + 86'400 * kSecond + 7));
  LogReadOptions options;
  options.timestamps = true;
  const Streams back = printed(options);
  EXPECT_EQ(back.out, "2026-12-02T18:00:00.123456789Z hello\n");
  EXPECT_EQ(back.err,
            "2026-12-02T18:00:02.000000000Z err\n"
            "2026-12-02T18:00:02.000000007Z same second\n"
            "2026-12-03T18:00:00.000000007Z next day\n");
}

/// Waits until `file` holds `size` bytes; false after a generous deadline (a stuck follower).
bool wait_for_size(const MemoryFile& file, size_t size) {
  for (int i = 0; i < 10'000 && file.size() < size; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return file.size() >= size;
}

TEST_F(ContainerLog, FollowPrintsEverythingOnceInOrderAcrossRotations) {
  auto log = writer(4096);
  std::string expected_out, expected_err;
  auto print = [&](LogStream stream, const std::string& line, int64_t time) {
    ASSERT_TRUE(log->write(stream, line, time));
    (stream == LogStream::kStdout ? expected_out : expected_err) += line;
  };
  print(LogStream::kStdout, "already there\n", kBase);
  MemoryFile out, err;
  std::atomic<bool> running = true;
  std::jthread workload([&] {
    for (int chunk = 0, n = 0; chunk < 8; ++chunk) {
      // Each chunk is under the max size: the follower, waited for, is never two files behind.
      for (int i = 0; i < 40; ++i, ++n) {
        print(n % 5 == 0 ? LogStream::kStderr : LogStream::kStdout, "line " + std::to_string(n) + "\n", kBase + n);
      }
      EXPECT_TRUE(wait_for_size(out, expected_out.size()) && wait_for_size(err, expected_err.size()));
    }
    print(LogStream::kStdout, "last words", kBase + 1000);
    ASSERT_TRUE(log->flush_partial(LogStream::kStdout));
    running = false;
  });
  Status followed = follow_log(path_, {}, out.fd(), err.fd(), [&] { return running.load(); });
  workload.join();
  ASSERT_TRUE(followed) << followed.error().text();
  EXPECT_EQ(out.text(), expected_out);
  EXPECT_EQ(err.text(), expected_err);
  EXPECT_TRUE(std::filesystem::exists(path_ + ".1")) << "the test wrote too little to rotate";
}

TEST_F(ContainerLog, FollowStartsFromTheTailAndStopsWhenCancelled) {
  auto log = writer();
  ASSERT_TRUE(log->write(LogStream::kStdout, "old\nrecent\n", kBase));
  MemoryFile out;
  bench::StopSwitch cancel;
  LogReadOptions options;
  options.tail = 1;
  std::jthread workload([&] {
    ASSERT_TRUE(wait_for_size(out, 7));
    ASSERT_TRUE(log->write(LogStream::kStdout, "new\n", kBase + kSecond));
    ASSERT_TRUE(wait_for_size(out, 11));
    cancel.stop();
  });
  Status followed = follow_log(
      path_, options, out.fd(), out.fd(), [] { return true; }, cancel.fd());
  workload.join();
  ASSERT_TRUE(followed) << followed.error().text();
  EXPECT_EQ(out.text(), "recent\nnew\n");
}

TEST_F(ContainerLog, FollowWaitsForALogThatIsNotThereYet) {
  MemoryFile out;
  std::atomic<bool> running = true;
  std::jthread workload([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(writer()->write(LogStream::kStdout, "late\n", kBase));
    running = false;
  });
  Status followed = follow_log(path_, {}, out.fd(), out.fd(), [&] { return running.load(); });
  workload.join();
  ASSERT_TRUE(followed) << followed.error().text();
  EXPECT_EQ(out.text(), "late\n");
}

}  // namespace
}  // namespace isobench::runner::lifecycle
