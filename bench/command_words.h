// A command line typed as text (`bench --cmd TEXT`, a scenario's "cmd" string) split into
// the argument vector a POSIX shell would pass to the program, without a shell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace isobench::bench {

/// Splits `text` into words as a POSIX shell does before it runs a simple command, and no
/// further: whitespace (space, tab, newline) separates words; '...' keeps everything
/// literally; "..." keeps everything but a backslash before " \ $ ` or newline; a backslash
/// outside quotes takes the next character literally; backslash-newline joins lines;
/// quoted empty words ('' or "") are kept as empty arguments.
///
/// What a shell would do beyond splitting is refused rather than passed on as literal text
/// (the user meant the shell's meaning): the operators | & ; < > ( ), expansions $ and `
/// (also inside double quotes), the patterns * ? [, ~ and # at the start of a word, and a
/// leading NAME=VALUE assignment. Each quoted, they are ordinary characters. Also refused: an
/// unterminated quote, a trailing backslash and a NUL byte. Messages name the character
/// and its 1-based position and do not name an option: callers prefix "--cmd: " or a path.
/// Text of only whitespace gives no words.
Result<std::vector<std::string>> split_command_words(std::string_view text);

}  // namespace isobench::bench
