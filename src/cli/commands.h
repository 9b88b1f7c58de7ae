// The connector's commands, as Airbyte runs them. This is the only place where a Status becomes
// an Airbyte TRACE and an exit code.
#pragma once

#include <string>
#include <vector>

namespace datalake::cli {

// Run the command line `args` (without the program name). Return the process exit code.
int Main(const std::vector<std::string>& args);

}  // namespace datalake::cli
