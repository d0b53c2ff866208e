#include "cli/docker_text.h"

#include <gtest/gtest.h>

namespace isobench::cli {
namespace {

TEST(DockerSizeText, IsDecimalWithThreeSignificantDigits) {
  EXPECT_EQ(docker_size_text(0), "0B");
  EXPECT_EQ(docker_size_text(999), "999B");
  EXPECT_EQ(docker_size_text(1000), "1kB");
  EXPECT_EQ(docker_size_text(4264000), "4.26MB");
  EXPECT_EQ(docker_size_text(1500000000), "1.5GB");
}

TEST(DockerBinarySizeText, IsBinaryWithFourSignificantDigits) {
  EXPECT_EQ(docker_binary_size_text(0), "0B");
  EXPECT_EQ(docker_binary_size_text(1023), "1023B");
  EXPECT_EQ(docker_binary_size_text(1024), "1KiB");
  EXPECT_EQ(docker_binary_size_text(1536000), "1.465MiB");
  EXPECT_EQ(docker_binary_size_text(int64_t{8} << 30), "8GiB");
}

TEST(DockerDurationText, FollowsGoUnitsHumanDuration) {
  EXPECT_EQ(docker_duration_text(-3), "Less than a second");
  EXPECT_EQ(docker_duration_text(0), "Less than a second");
  EXPECT_EQ(docker_duration_text(1), "1 second");
  EXPECT_EQ(docker_duration_text(59), "59 seconds");
  EXPECT_EQ(docker_duration_text(60), "About a minute");
  EXPECT_EQ(docker_duration_text(119), "About a minute");
  EXPECT_EQ(docker_duration_text(120), "2 minutes");
  EXPECT_EQ(docker_duration_text(3599), "59 minutes");
  EXPECT_EQ(docker_duration_text(3600), "About an hour");
  EXPECT_EQ(docker_duration_text(5400), "2 hours");  // rounded to the nearest hour
  EXPECT_EQ(docker_duration_text(47 * 3600), "47 hours");
  EXPECT_EQ(docker_duration_text(48 * 3600), "2 days");
  EXPECT_EQ(docker_duration_text(14 * 86400), "2 weeks");
  EXPECT_EQ(docker_duration_text(60 * 86400), "2 months");
  EXPECT_EQ(docker_duration_text(3 * 365 * 86400), "3 years");
  EXPECT_EQ(docker_age_text(5), "5 seconds ago");
}

TEST(ParseRfc3339, KeepsNanosecondsAndOffsets) {
  EXPECT_EQ(parse_rfc3339_nanos("1970-01-01T00:00:01.5Z"), 1500000000);
  EXPECT_EQ(parse_rfc3339_nanos("1970-01-01T00:00:00.000000007Z"), 7);
  EXPECT_EQ(parse_rfc3339_nanos("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_rfc3339("2026-01-02T03:04:05.999Z"), 1767323045);
  EXPECT_EQ(parse_rfc3339_nanos(""), std::nullopt);
  EXPECT_EQ(parse_rfc3339_nanos("2026-01-02T03:04:05"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("yesterday"), -1);
}

TEST(GoTimeText, PrintsAsGoTimeStringInUtc) {
  EXPECT_EQ(go_time_text_utc(1767323045), "2026-01-02 03:04:05 +0000 UTC");
}

TEST(GoQuote, EscapesAsStrconvQuote) {
  EXPECT_EQ(go_quote("sleep 10"), "\"sleep 10\"");
  EXPECT_EQ(go_quote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(go_quote("a\nb\tc\x01"), "\"a\\nb\\tc\\x01\"");
  EXPECT_EQ(go_quote("sleep…"), "\"sleep…\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
}

TEST(Ellipsis, CutsToTheGivenNumberOfCharactersCountingTheEllipsis) {
  EXPECT_EQ(ellipsis("short", 20), "short");
  EXPECT_EQ(ellipsis("/bin/sh -c 'sleep 100'", 20), "/bin/sh -c 'sleep 1…");
  EXPECT_EQ(display_width(ellipsis("/bin/sh -c 'sleep 100'", 20)), 20u);
  EXPECT_EQ(ellipsis("ééééé", 3), "éé…");
}

TEST(ShortId, IsTheFirstTwelveHexDigits) {
  EXPECT_EQ(short_id("0123456789abcdef0123"), "0123456789ab");
  EXPECT_EQ(short_id("sha256:0123456789abcdef0123"), "0123456789ab");
  EXPECT_EQ(short_id("abc"), "abc");
}

TEST(RenderColumns, PadsEveryCellButTheLastToItsColumnAndAtLeastTen) {
  EXPECT_EQ(render_columns({{"CONTAINER ID", "IMAGE", "NAMES"}, {"0123456789ab", "busybox", "x"}}),
            "CONTAINER ID   IMAGE     NAMES\n"
            "0123456789ab   busybox   x\n");
}

TEST(RenderColumns, CountsCharactersNotBytes) {
  EXPECT_EQ(render_columns({{"COMMAND", "X"}, {"\"sleep 1…\"", "y"}}),
            "COMMAND      X\n"
            "\"sleep 1…\"   y\n");
}

TEST(RenderColumns, DoesNotWidenAColumnForALastCell) {
  EXPECT_EQ(render_columns({{"a", "b"}, {"a very long last cell"}}), "a         b\na very long last cell\n");
}

}  // namespace
}  // namespace isobench::cli
