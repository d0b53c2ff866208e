// Identities of containers: ids (64 random hex digits, as Docker's) and names (given by the
// user and checked as Docker checks them, or generated as "adjective_surname").
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace isobench::runner::lifecycle {

/// 64 lowercase hex digits from getrandom(2). Like Docker, never one whose 12-digit short form
/// is all decimal digits (it would read as a number on a command line).
Result<std::string> generate_id();

/// A Docker-like "adjective_surname" ("brave_turing"); `attempt` > 0 appends a random digit, as
/// Docker does when retrying after a collision, so that retries spread over more names.
Result<std::string> generate_name(int attempt = 0);

/// Docker's rule, `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (so at least two characters), at most 255
/// (a name is a file name in the store). A leading "/" (Docker's canonical form) is not part
/// of the name: strip it before asking.
bool is_valid_container_name(std::string_view name);

/// The same as a Status, with Docker's message.
Status check_container_name(std::string_view name);

/// Whether `text` is a full id: exactly 64 lowercase hex digits.
bool is_container_id(std::string_view text);

}  // namespace isobench::runner::lifecycle
