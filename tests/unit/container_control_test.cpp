#include "runner/lifecycle/container_control.h"

#include <gtest/gtest.h>
#include <signal.h>

using isobench::runner::lifecycle::parse_signal;

TEST(ParseSignal, TakesNamesWithOrWithoutSigInAnyCaseAndNumbers) {
  EXPECT_EQ(*parse_signal("SIGTERM"), SIGTERM);
  EXPECT_EQ(*parse_signal("TERM"), SIGTERM);
  EXPECT_EQ(*parse_signal("sigkill"), SIGKILL);
  EXPECT_EQ(*parse_signal("usr1"), SIGUSR1);
  EXPECT_EQ(*parse_signal("9"), SIGKILL);
  EXPECT_EQ(*parse_signal("RTMIN"), SIGRTMIN);
  EXPECT_EQ(*parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(*parse_signal("RTMAX-1"), SIGRTMAX - 1);
}

TEST(ParseSignal, RefusesWhatIsNoSignalAsAUsageError) {
  for (const char* bad : {"", "0", "65", "-1", "SIGNOPE", "SIG", "RTMIN+99", "TERM ", "1.5"}) {
    auto parsed = parse_signal(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().message, std::string("invalid signal: ") + bad);
    EXPECT_EQ(parsed.error().exit_code, 2);
  }
}
