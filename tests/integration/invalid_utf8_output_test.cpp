// Bytes that are not UTF-8 in what isobench records (a failed workload's stderr, a command's
// arguments) must not stop it writing its JSON: nlohmann::json refuses to dump them, which
// once turned a finished benchmark into "internal error" with no results file. They are
// written as U+FFFD instead.
#include <sys/stat.h>

#include <string>

#include "common/file_io.h"
#include "tests/integration/isobench_fixture.h"

namespace isobench::integration {
namespace {

class InvalidUtf8Output : public IsobenchTest {};

const std::string kReplacement = "\xEF\xBF\xBD";

TEST_F(InvalidUtf8Output, BenchWritesResultsWhenAFailedRunsStderrIsNotUtf8) {
  struct stat shell;
  if (stat((image_path() + "/bin/sh").c_str(), &shell) != 0) GTEST_SKIP() << "no busybox shell in the image";
  TemporaryDirectory dir;
  const std::string json = dir.path() + "/results.json";
  ProcessResult bench =
      run_isobench({"bench", "--targets", "bare", "--runs", "1", "--warmup", "0", "--memory-runs", "0", "--cmd",
                    R"(/bin/sh -c 'printf "\377\376" >&2; exit 3')", "-o", json});
  EXPECT_EQ(bench.exit_code, 1) << bench;  // the run failed, as the command asked
  EXPECT_EQ(bench.err.find("internal error"), std::string::npos) << bench;
  auto text = read_file(json);
  ASSERT_TRUE(text.ok()) << text.error().text() << "\n" << bench;
  Json doc = parse_json(*text);
  ASSERT_TRUE(doc.is_object()) << *text;
  ASSERT_EQ(doc["runs"].size(), 1u) << *text;
  EXPECT_FALSE(doc["runs"][0]["ok"].get<bool>());
  EXPECT_NE(doc["runs"][0].value("error", "").find(kReplacement), std::string::npos) << *text;
}

TEST_F(InvalidUtf8Output, ProbeWritesItsReportWhenAnArgumentIsNotUtf8) {
  TemporaryDirectory dir;
  const std::string json = dir.path() + "/probe.json";
  ProcessResult probe = run_isobench({"probe", "--probes", "lifecycle", "-o", json, "--", "/bin/echo", "\xFF\xFE"});
  EXPECT_EQ(probe.exit_code, 0) << probe;
  auto text = read_file(json);
  ASSERT_TRUE(text.ok()) << text.error().text() << "\n" << probe;
  Json doc = parse_json(*text);
  ASSERT_TRUE(doc.is_object()) << *text;
  EXPECT_EQ(doc["command"][1], kReplacement + kReplacement) << *text;
}

}  // namespace
}  // namespace isobench::integration
