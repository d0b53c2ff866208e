// isobench pull [--platform OS/ARCH] [-q] NAME[:TAG|@DIGEST]
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "cli/pull_progress.h"
#include "runner/image/pull.h"
#include "runner/image/reference.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

struct PullArguments {
  std::string name;
  std::string platform;
  bool quiet = false;
};

Result<int> pull(const PullArguments& arguments) {
  // A name or platform that does not parse is a usage error: nothing was tried.
  auto reference = image::parse_reference(arguments.name);
  if (!reference) return with_exit_code(reference.error(), exit_codes::kUsage);
  image::PullOptions options;
  if (!arguments.platform.empty()) {
    auto platform = image::Platform::parse(arguments.platform);
    if (!platform) return with_exit_code(platform.error(), exit_codes::kUsage);
    options.platform = *platform;
  }
  options.insecure_registries = insecure_registries();
  options.privileged = ::geteuid() == 0;  // rootless: no chown, no device nodes, user.overlay.* xattrs
  options.ca_file = registry_ca_file(reference->registry_host());
  auto store = open_image_store();
  if (!store) return store.error();
  auto http = registry_http_client(reference->registry_host());
  if (!http) return http.error();
  const std::string familiar = reference->familiar_repository() + (reference->tag.empty() ? "" : ":" + reference->tag);
  if (!arguments.quiet) {
    if (arguments.name.find(':') == std::string::npos && !reference->digest) std::printf("Using default tag: latest\n");
    std::printf("%s: Pulling from %s\n", reference->digest ? reference->digest->str().c_str() : reference->tag.c_str(),
                reference->familiar_repository().c_str());
    std::fflush(stdout);
  }
  PullProgress progress(PullProgress::mode_for(stdout, arguments.quiet), stdout);
  auto pulled = image::pull_image(*reference, options, *store, **http, progress);
  if (!pulled) return pulled.error();
  if (!arguments.quiet) {
    // The digest of what the name points to (an index for a multi-platform image), as Docker prints it.
    const std::string& repo_digest = pulled->image.repo_digests.back();
    std::printf("Digest: %s\n", repo_digest.substr(repo_digest.find('@') + 1).c_str());
    std::printf("Status: %s for %s\n", pulled->downloaded ? "Downloaded newer image" : "Image is up to date", familiar.c_str());
  }
  std::printf("%s\n", reference->str().c_str());
  return 0;
}

}  // namespace

void add_pull_command(CLI::App& app, Action& action) {
  auto arguments = std::make_shared<PullArguments>();
  CLI::App* command = app.add_subcommand("pull", "Download an image from a registry into the image store");
  command->add_option("NAME", arguments->name, "NAME[:TAG|@DIGEST], normalised as Docker does (busybox is docker.io/library/busybox:latest)")
      ->required();
  command->add_option("--platform", arguments->platform, "OS/ARCH[/VARIANT] to choose from a multi-platform image (default: this host's)");
  command->add_flag("-q,--quiet", arguments->quiet, "Print only the image's full name");
  command->footer(
      "Registries on loopback addresses are spoken to over plain HTTP (unless they have a CA below), others over HTTPS\n"
      "with the system's CAs plus $ISOBENCH_CERTS_DIR/HOST/ca.crt (default /etc/isobench/certs.d);\n"
      "$ISOBENCH_INSECURE_REGISTRIES lists hosts that use plain HTTP; $ISOBENCH_REGISTRY_TIMEOUT (seconds, default 15 to\n"
      "connect, 30 without progress) gives up on a registry that does not answer. Credentials come from isobench's auth\n"
      "file or ~/.docker/config.json. The store is $ISOBENCH_STORE (default /var/lib/isobench for root).");
  command->callback([&action, arguments] { action = [arguments] { return pull(*arguments); }; });
}

}  // namespace isobench::cli
