// The bounded reader every user-given JSON document goes through: size and depth limits
// named in the message, only regular files, nothing long quoted back; and the output check
// that lets a command refuse an unwritable path before it runs anything.
#include "common/bounded_input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace isobench {
namespace {

namespace fs = std::filesystem;

const JsonLimits kSmall{"test document", 1024, 8};

std::string nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class TemporaryDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("isobench-bounded-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path dir_;
};

TEST(JsonDepth, CountsArraysAndObjectsButNotBracketsInStrings) {
  EXPECT_EQ(json_depth_violation(nested(8), 8), std::string::npos);
  EXPECT_EQ(json_depth_violation(nested(9), 8), 8u);
  EXPECT_EQ(json_depth_violation(R"({"a": {"b": [1, {"c": 2}]}})", 4), std::string::npos);
  EXPECT_EQ(json_depth_violation(R"({"a": {"b": [1, {"c": 2}]}})", 3), 16u);
  // Brackets in strings, an escaped quote among them, open nothing.
  EXPECT_EQ(json_depth_violation(R"(["[[[[\"[[[[", "{{{{"])", 1), std::string::npos);
}

TEST(ParseJsonText, ADocumentWithinTheLimitsParses) {
  auto parsed = parse_json_text(R"({"runs": [1, 2, 3]})", "in.json", kSmall);
  ASSERT_TRUE(parsed) << parsed.error().text();
  EXPECT_EQ((*parsed)["runs"].size(), 3u);
  auto ordered = parse_ordered_json_text(R"({"b": 1, "a": 2})", "in.json", kSmall);
  ASSERT_TRUE(ordered) << ordered.error().text();
  EXPECT_EQ(ordered->begin().key(), "b");
}

TEST(ParseJsonText, NestingOfAHundredThousandIsRefusedNamingTheFileAndTheLimit) {
  auto parsed = parse_json_text(nested(100000), "deep.json", JsonLimits{"test document", 1 << 20, 8});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "deep.json: nested deeper than 8 levels at byte 9 (the limit of a test document)");
}

TEST(ParseJsonText, ATextLargerThanTheLimitIsRefusedNamingTheLimit) {
  auto parsed = parse_json_text("[" + std::string(2000, ' ') + "]", "big.json", kSmall);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "big.json: larger than the 1 KiB limit of a test document");
}

TEST(ParseJsonText, InvalidJsonNamesTheByteAndNeverQuotesTheInput) {
  JsonLimits roomy{"test document", 1 << 20, 8};
  std::string unterminated = "{\"schema\": \"" + std::string(100000, 'x');
  auto parsed = parse_json_text(unterminated, "bad.json", roomy);
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(contains(parsed.error().message, "bad.json: not valid JSON (truncated?) at byte"))
      << parsed.error().message;
  EXPECT_LT(parsed.error().message.size(), 100u);
  for (const char* text : {"", "{", "[1,]", "nul"}) EXPECT_FALSE(parse_json_text(text, "t.json", roomy)) << text;
}

TEST(Excerpt, ShortTextStaysAndLongTextIsCutAtACharacterBoundary) {
  EXPECT_EQ(excerpt("short"), "short");
  EXPECT_EQ(excerpt(std::string(100, 'a'), 10), "aaaaaaaaaa... (100 bytes)");
  // "가" is three bytes: a cut after four bytes backs up to the character's start.
  EXPECT_EQ(excerpt("a가나다", 2), "a... (10 bytes)");
}

TEST_F(TemporaryDirectory, ARegularFileIsReadWholeWithinTheLimit) {
  auto text = read_bounded_file(file("a.json", "{\"a\": 1}"), 100, "test document");
  ASSERT_TRUE(text) << text.error().text();
  EXPECT_EQ(*text, "{\"a\": 1}");
  auto parsed = read_json_file(file("b.json", "[1]"), kSmall);
  ASSERT_TRUE(parsed) << parsed.error().text();
}

TEST_F(TemporaryDirectory, AFileLargerThanTheLimitIsRefusedBeforeReading) {
  std::string path = file("big.json", std::string(2000, ' '));
  auto text = read_bounded_file(path, 1024, "test document");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, path + ": larger than the 1 KiB limit of a test document");
}

// /proc files say size 0: the limit must hold while reading.
TEST(ReadBoundedFile, AProcFileLargerThanTheLimitIsCutOff) {
  auto text = read_bounded_file("/proc/self/status", 16, "test document");
  ASSERT_FALSE(text);
  EXPECT_TRUE(contains(text.error().message, "larger than the 16 bytes limit")) << text.error().message;
}

TEST(ReadBoundedFile, DevZeroIsRefusedBeforeAnyByteIsRead) {
  auto text = read_bounded_file("/dev/zero", 1 << 20, "scenario file");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            "/dev/zero: a character device, not a regular file: a scenario file must be a regular file");
}

TEST_F(TemporaryDirectory, AFifoIsRefusedWithoutWaitingForAWriter) {
  std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto started = std::chrono::steady_clock::now();
  auto text = read_bounded_file(fifo, 1 << 20, "results file");
  ASSERT_FALSE(text);
  EXPECT_TRUE(contains(text.error().message, "a FIFO, not a regular file")) << text.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));  // it did not block
}

TEST_F(TemporaryDirectory, ADirectoryAndAMissingFileAreRefusedNamingThePath) {
  auto directory = read_bounded_file(dir_.string(), 1024, "results file");
  ASSERT_FALSE(directory);
  EXPECT_TRUE(contains(directory.error().message, "a directory, not a regular file")) << directory.error().message;
  auto missing = read_bounded_file((dir_ / "missing.json").string(), 1024, "results file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errno_value, ENOENT);
  EXPECT_TRUE(contains(missing.error().text(), "missing.json: cannot read")) << missing.error().text();
}

TEST_F(TemporaryDirectory, AnOutputPathThatCanBeWrittenPassesAndLeavesNothingBehind) {
  EXPECT_TRUE(check_output_path((dir_ / "new.json").string(), "--json"));
  EXPECT_TRUE(check_output_path(file("old.json", "x"), "--json"));
  EXPECT_TRUE(check_output_path("/dev/null", "--json"));
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_)) left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"old.json"});
}

TEST_F(TemporaryDirectory, AnOutputPathThatCannotBeWrittenIsRefusedNamingTheOption) {
  Status missing_directory = check_output_path("/nonexistent/x.json", "--stats-json");
  ASSERT_FALSE(missing_directory);
  EXPECT_TRUE(contains(missing_directory.error().message, "--stats-json /nonexistent/x.json: cannot write there"))
      << missing_directory.error().message;
  Status proc = check_output_path("/proc/version", "--stats-json");
  ASSERT_FALSE(proc);
  EXPECT_TRUE(contains(proc.error().message, "--stats-json /proc/version")) << proc.error().message;
  Status directory = check_output_path(dir_.string(), "-o");
  ASSERT_FALSE(directory);
  EXPECT_TRUE(contains(directory.error().message, "a directory")) << directory.error().message;
  EXPECT_FALSE(check_output_path("", "-o"));
}

TEST_F(TemporaryDirectory, WriteOutputFileReplacesARegularFile) {
  std::string path = file("out.json", "old");
  ASSERT_TRUE(write_output_file(path, "new\n"));
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "new");
  EXPECT_TRUE(write_output_file("/dev/null", "discarded\n"));
}

}  // namespace
}  // namespace isobench
