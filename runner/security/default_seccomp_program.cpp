#include "runner/security/seccomp_filter.h"

namespace isobench::runner {

const SeccompProgram& default_seccomp_program() {
  static const SeccompProgram program{{
#include "default_seccomp_program.inc"
  }};
  return program;
}

}  // namespace isobench::runner
