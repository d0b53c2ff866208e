// Why a splitter of our own: nothing on a Debian system splits without also expanding.
// wordexp(3), even with WRDE_NOCMD, still expands $VARIABLES and ~ from isobench's own
// environment (not the workload's) and globs against the host's filesystem (not the image);
// on a shell operator it says only WRDE_BADCHAR, not which one or where. Boost's
// program_options::split_unix treats ' and " alike and backslashes unlike a shell, and
// would be a new dependency for forty lines. So: the shell's quoting rules (POSIX
// "Token Recognition" and "Quoting"), and a clear refusal for everything past them.
#include "bench/command_words.h"

#include <cctype>
#include <optional>

namespace isobench::bench {
namespace {

const char kShellHint[] = "run a shell: /bin/sh -c '...' (when the image has one)";

std::string at(char c, size_t index) {
  return "'" + std::string(1, c) + "' (character " + std::to_string(index + 1) + ")";
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

bool is_operator(char c) {
  return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')';
}

bool is_pattern(char c) {
  return c == '*' || c == '?' || c == '[';
}

/// A shell variable name: what makes `NAME=VALUE prog` an assignment rather than a program.
bool is_name(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

/// Appends the single-quoted run opening at text[i] to `word`, everything in it literal, and
/// leaves `i` on its closing quote.
Status append_single_quoted(std::string_view text, size_t& i, std::string& word) {
  const size_t close = text.find('\'', i + 1);
  if (close == std::string_view::npos) return plain_error("the single quote " + at('\'', i) + " is never closed");
  word.append(text.substr(i + 1, close - i - 1));
  i = close;
  return {};
}

/// Appends the double-quoted run opening at text[i] to `word` and leaves `i` on its closing
/// quote. Only a backslash before " \ $ ` or newline escapes; $ and ` unescaped are refused.
Status append_double_quoted(std::string_view text, size_t& i, std::string& word) {
  const size_t open = i;
  for (++i; i < text.size(); ++i) {
    const char q = text[i];
    if (q == '"') return {};
    if (q == '$' || q == '`')
      return plain_error(at(q, i) + " inside double quotes starts an expansion isobench does not do; write \\" +
                         std::string(1, q) + " or use single quotes, or " + kShellHint);
    if (q == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == '"' || next == '\\' || next == '$' || next == '`') {
        word += next;
        ++i;
        continue;
      }
      if (next == '\n') {  // a line continuation: both go
        ++i;
        continue;
      }
    }
    word += q;  // any other backslash stays, as in a shell
  }
  return plain_error("the double quote " + at('"', open) + " is never closed");
}

/// Why the unquoted, unescaped character text[i] means something to a shell that isobench
/// will not pretend to do, or nothing when it is an ordinary character. `word` is the word so
/// far; `may_assign` says whether it could still be a leading NAME= assignment.
std::optional<Error> shell_syntax_refusal(std::string_view text, size_t i, const std::string& word, bool in_word,
                                          bool may_assign) {
  const char c = text[i];
  if (is_operator(c))
    return plain_error(at(c, i) + " is shell syntax isobench does not interpret; quote it ('" + std::string(1, c) +
                       "') if it belongs to an argument, or " + kShellHint);
  if (c == '$' || c == '`')
    return plain_error(at(c, i) + " starts an expansion isobench does not do; quote it ('" + std::string(1, c) +
                       "') for the character itself, or " + kShellHint);
  if (is_pattern(c))
    return plain_error(at(c, i) + " is a pattern a shell would expand and isobench does not; quote it ('" +
                       std::string(1, c) + "') for the character itself, or " + kShellHint);
  if (!in_word && (c == '~' || c == '#'))
    return plain_error(at(c, i) +
                       (c == '~' ? " at the start of a word is a home directory to a shell"
                                 : " at the start of a word begins a comment to a shell") +
                       " and isobench does not interpret it; quote it ('" + std::string(1, c) +
                       "') for the character itself, or " + kShellHint);
  if (c == '=' && may_assign && is_name(word))
    return plain_error("'" + word + "=' (character " + std::to_string(i + 1 - word.size()) +
                       ") is a variable assignment to a shell, and isobench sets no variables; quote it for "
                       "a program of that name, or run /bin/env " +
                       word + "=... PROGRAM (when the image has env)");
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> split_command_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has begun, perhaps as an empty '' that must be kept
  bool plain = true;     // the word so far had no quoting: only then can '=' make it an assignment
  auto finish = [&] {
    if (in_word) words.push_back(word);
    word.clear();
    in_word = false;
    plain = true;
  };

  // No quoting can put a NUL into an argument: execve's strings end at the first one.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos)
    return plain_error("a NUL byte (character " + std::to_string(nul + 1) + ") cannot be in an argument");

  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_blank(c)) {
      finish();
    } else if (c == '\'' || c == '"') {
      ISOBENCH_TRY(c == '\'' ? append_single_quoted(text, i, word) : append_double_quoted(text, i, word));
      in_word = true;
      plain = false;
    } else if (c == '\\') {
      if (i + 1 == text.size()) return plain_error("a '\\' at the end escapes nothing");
      const char next = text[++i];
      if (next == '\n') continue;  // a line continuation, not a word of its own
      word += next;
      in_word = true;
      plain = false;
    } else if (auto refusal = shell_syntax_refusal(text, i, word, in_word, words.empty() && plain)) {
      return *refusal;
    } else {
      word += c;
      in_word = true;
    }
  }
  finish();
  return words;
}

}  // namespace isobench::bench
