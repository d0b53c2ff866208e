// `--cmd TEXT` split into argv as a POSIX shell would, and what a shell would do beyond
// splitting refused, not passed on as literal text.
#include "bench/command_words.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace isobench::bench;
using Words = std::vector<std::string>;

namespace {

Words split(std::string_view text) {
  auto words = split_command_words(text);
  EXPECT_TRUE(words) << "'" << text << "': " << words.error().text();
  return words ? *words : Words{"<error>"};
}

/// The refusal's message, or a failure when `text` was accepted.
std::string refusal(std::string_view text) {
  auto words = split_command_words(text);
  if (words) {
    ADD_FAILURE() << "'" << text << "' was accepted";
    return "";
  }
  return words.error().message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(SplitCommandWords, TheIssuesShellCommandIsThreeWords) {
  EXPECT_EQ(split("/bin/sh -c 'echo hi'"), (Words{"/bin/sh", "-c", "echo hi"}));
}

TEST(SplitCommandWords, RunsOfSpacesTabsAndNewlinesSeparateWords) {
  EXPECT_EQ(split("  /bin/echo \t a\n\nb  "), (Words{"/bin/echo", "a", "b"}));
}

TEST(SplitCommandWords, WhitespaceAloneIsNoWords) {
  EXPECT_EQ(split(""), Words{});
  EXPECT_EQ(split(" \t\n"), Words{});
}

TEST(SplitCommandWords, SingleQuotesKeepEverythingLiterally) {
  EXPECT_EQ(split(R"('a "b" \n $HOME | * ~')"), (Words{R"(a "b" \n $HOME | * ~)"}));
}

TEST(SplitCommandWords, DoubleQuotesEscapeOnlyQuoteBackslashDollarBacktickAndNewline) {
  EXPECT_EQ(split(R"("a \" \\ \$ \` b")"), (Words{R"(a " \ $ ` b)"}));
  EXPECT_EQ(split(R"("\n \t \a")"), (Words{R"(\n \t \a)"}));  // other backslashes stay
  EXPECT_EQ(split("\"one\\\ntwo\""), (Words{"onetwo"}));      // a line continuation
  EXPECT_EQ(split(R"("it's")"), (Words{"it's"}));
}

TEST(SplitCommandWords, BackslashOutsideQuotesTakesTheNextCharacterLiterally) {
  EXPECT_EQ(split(R"(a\ b \| \'x\' \\)"), (Words{"a b", "|", "'x'", "\\"}));
}

TEST(SplitCommandWords, BackslashNewlineJoinsLinesWithoutMakingAWord) {
  EXPECT_EQ(split("/bin/echo a\\\nb \\\n c"), (Words{"/bin/echo", "ab", "c"}));
}

TEST(SplitCommandWords, QuotedPiecesJoinTheWordAroundThem) {
  EXPECT_EQ(split(R"(--name='a b'"c d"e)"), (Words{"--name=a bc de"}));
}

TEST(SplitCommandWords, EmptyQuotedWordsAreKept) {
  EXPECT_EQ(split(R"(/bin/prog '' "" x)"), (Words{"/bin/prog", "", "", "x"}));
}

TEST(SplitCommandWords, QuotedShellCharactersAreOrdinary) {
  EXPECT_EQ(split(R"(/bin/echo '|' "&" \; '$HOME' "*" '~' '#' 'A=b')"),
            (Words{"/bin/echo", "|", "&", ";", "$HOME", "*", "~", "#", "A=b"}));
}

TEST(SplitCommandWords, TildeHashAndEqualsInsideAWordAreOrdinary) {
  EXPECT_EQ(split("/bin/echo a~b c#d --x=1"), (Words{"/bin/echo", "a~b", "c#d", "--x=1"}));
}

TEST(SplitCommandWords, OperatorsAreRefusedNamingTheCharacterItsPlaceAndAShell) {
  for (std::string op : {"|", "&", ";", "<", ">", "(", ")"}) {
    std::string message = refusal("/bin/echo a" + op + "b");
    EXPECT_TRUE(contains(message, "'" + op + "' (character 12) is shell syntax isobench does not interpret"))
        << message;
    EXPECT_TRUE(contains(message, "run a shell: /bin/sh -c '...'")) << message;
  }
}

TEST(SplitCommandWords, ExpansionsAreRefusedOutsideAndInsideDoubleQuotes) {
  EXPECT_TRUE(contains(refusal("/bin/echo $HOME"), "'$' (character 11) starts an expansion"));
  EXPECT_TRUE(contains(refusal("/bin/echo `id`"), "'`' (character 11) starts an expansion"));
  EXPECT_TRUE(contains(refusal(R"(/bin/echo "$HOME")"), "'$' (character 12) inside double quotes"));
  EXPECT_TRUE(contains(refusal(R"(/bin/echo "`id`")"), "inside double quotes"));
}

TEST(SplitCommandWords, PatternsAreRefusedRatherThanPassedOnUnglobbed) {
  for (std::string pattern : {"*", "?", "["})
    EXPECT_TRUE(contains(refusal("/bin/ls /tmp/" + pattern), "'" + pattern + "' (character 14) is a pattern"));
}

TEST(SplitCommandWords, TildeAndHashAtTheStartOfAWordAreRefused) {
  EXPECT_TRUE(contains(refusal("/bin/ls ~/x"), "'~' (character 9) at the start of a word is a home directory"));
  EXPECT_TRUE(contains(refusal("/bin/true # note"), "'#' (character 11) at the start of a word begins a comment"));
}

TEST(SplitCommandWords, ALeadingAssignmentIsRefused) {
  std::string message = refusal("LANG=C /bin/ls");
  EXPECT_TRUE(contains(message, "'LANG=' (character 1) is a variable assignment")) << message;
  EXPECT_TRUE(contains(message, "/bin/env LANG=... PROGRAM")) << message;
  EXPECT_EQ(split("/bin/env LANG=C /bin/ls"), (Words{"/bin/env", "LANG=C", "/bin/ls"}));
  EXPECT_EQ(split("'LANG'=C"), (Words{"LANG=C"}));  // quoted: a program of that name
  EXPECT_EQ(split("./x=1"), (Words{"./x=1"}));      // not a variable name
}

TEST(SplitCommandWords, UnterminatedQuotesAreRefusedNamingWhereTheyOpen) {
  EXPECT_TRUE(contains(refusal("/bin/sh -c 'echo hi"), "the single quote ''' (character 12) is never closed"));
  EXPECT_TRUE(contains(refusal(R"(/bin/echo "a \")"), "the double quote '\"' (character 11) is never closed"));
}

TEST(SplitCommandWords, ATrailingBackslashIsRefused) {
  EXPECT_TRUE(contains(refusal("/bin/echo a\\"), "a '\\' at the end escapes nothing"));
}

TEST(SplitCommandWords, ANulByteIsRefusedEvenQuoted) {
  EXPECT_TRUE(contains(refusal(std::string_view("/bin/echo 'a\0b'", 16)), "a NUL byte (character 13)"));
}

TEST(SplitCommandWords, BytesThatAreNotAsciiPassThrough) {
  EXPECT_EQ(split("/bin/echo \xED\x95\x9C \xFF"), (Words{"/bin/echo", "\xED\x95\x9C", "\xFF"}));
}
