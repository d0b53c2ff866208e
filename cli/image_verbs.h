// The image verbs (pull, rmi, tag, image ...) live in their own executable,
// isobench-image, because they need libcurl, which Debian ships only as a shared library with
// some forty dependencies: loading them would cost every container start about 8 ms, and the
// static isobench starts in 0.7. isobench lists the verbs and hands them over by exec.
// `images` only reads the store, so the static isobench has it too (and lists in a few ms).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/commands.h"

namespace isobench::cli {

/// The verbs isobench-image carries, with their one-line descriptions.
struct ImageVerb {
  const char* name;
  const char* description;
};
const std::vector<ImageVerb>& image_verbs();

/// In isobench: the image verbs in the list of commands (`isobench --help`), without options
/// of their own: forward_image_verb has handed them over before parsing.
void add_image_verb_entries(CLI::App& app);

/// In isobench, before parsing: when the verb of `command_line` (the first word that is not
/// a global option) is an image verb, execs isobench-image with the same arguments and does
/// not return; an Error when that exec fails. Otherwise returns success and does nothing.
Status forward_image_verb(const std::vector<std::string>& command_line);

/// In isobench-image: the verbs themselves.
void add_pull_command(CLI::App& app, Action& action);
/// In both executables (isobench_cli): `images`, and `image ls` in isobench-image.
void add_images_command(CLI::App& app, Action& action);
void add_rmi_command(CLI::App& app, Action& action);
void add_tag_command(CLI::App& app, Action& action);
void add_image_command(CLI::App& app, Action& action);
void add_import_command(CLI::App& app, Action& action);
void add_save_command(CLI::App& app, Action& action);
void add_load_command(CLI::App& app, Action& action);
void add_push_command(CLI::App& app, Action& action);
void add_login_command(CLI::App& app, Action& action);
void add_logout_command(CLI::App& app, Action& action);

}  // namespace isobench::cli
