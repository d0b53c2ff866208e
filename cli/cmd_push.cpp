// isobench push NAME[:TAG]
#include <cstdio>
#include <memory>

#include "cli/image_context.h"
#include "cli/image_verbs.h"
#include "runner/image/image_push.h"
#include "runner/image/reference.h"

namespace isobench::cli {

namespace {

namespace image = runner::image;

Result<int> push(const std::string& name) {
  auto reference = image::parse_reference(name);
  if (!reference) return reference.error();
  auto store = open_image_store();
  if (!store) return store.error();
  auto http = registry_http_client(reference->registry_host());
  if (!http) return http.error();
  image::PushOptions options;
  options.insecure_registries = insecure_registries();
  std::printf("The push refers to repository [%s]\n", reference->repository().c_str());
  std::fflush(stdout);
  auto pushed = image::push_image(*reference, options, *store, **http, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  if (!pushed) return pushed.error();
  std::printf("%s: digest: %s size: %llu\n", reference->tag.c_str(), pushed->manifest_digest.str().c_str(),
              static_cast<unsigned long long>(pushed->manifest_size));
  return 0;
}

}  // namespace

void add_push_command(CLI::App& app, Action& action) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("push", "Upload an image to the registry its name points at");
  command->add_option("NAME", *name, "NAME[:TAG] of an image in the store, naming its registry (localhost:5000/app:1)")->required();
  command->footer(
      "Blobs the registry has already are skipped. Registries are reached as by pull: plain HTTP for loopback and\n"
      "$ISOBENCH_INSECURE_REGISTRIES, else HTTPS with $ISOBENCH_CERTS_DIR/HOST/ca.crt; credentials from isobench login.");
  command->callback([&action, name] { action = [name] { return push(*name); }; });
}

}  // namespace isobench::cli
