// `doctor`'s view of the image store: where it is, what it holds, how much room is left, and
// whether the image verbs' executable is installed.
#pragma once

#include <vector>

#include "common/host_check.h"

namespace isobench::runner::image {

std::vector<HostCheck> check_image_store();

}  // namespace isobench::runner::image
