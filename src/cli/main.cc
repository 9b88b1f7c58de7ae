#include <csignal>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // A closed stdout must surface as a write error, not kill the process silently.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  return datalake::cli::Main(args);
}
