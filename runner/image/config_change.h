// `import --change`: Dockerfile instructions applied to the config of an image made from a
// root filesystem tarball, as `docker import --change` takes them. Pure: text in, config out.
#pragma once

#include <string_view>

#include "common/result.h"
#include "runner/image/image_config.h"

namespace isobench::runner::image {

/// Applies one instruction to `config`:
///  - CMD and ENTRYPOINT: a JSON array of strings (exec form), else the shell form, run as
///    ["/bin/sh", "-c", TEXT];
///  - ENV K=V [K2=V2 ...] (values may be quoted) or the old ENV K V form; a key set again
///    replaces its earlier value;
///  - WORKDIR /x (a relative one is taken from the working directory so far);
///  - USER, STOPSIGNAL, LABEL K=V [...].
/// The keyword is case-insensitive. Instructions the config has no place for (EXPOSE,
/// VOLUME, ONBUILD, HEALTHCHECK, ...) and malformed ones are usage errors naming them.
Status apply_config_change(std::string_view change, ImageConfig& config);

}  // namespace isobench::runner::image
