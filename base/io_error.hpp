// Why a file operation failed, in words, from its errno.
#pragma once

#include <string>

namespace evcsim {

// "permission denied", "no space left on device (disk full)", "read-only file
// system", ... ("an unknown error" for 0): what an error message says failed.
std::string io_error_text(int err);

}  // namespace evcsim
