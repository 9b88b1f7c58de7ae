#include "common/crash_point.h"

#include <unistd.h>
#include <csignal>
#include <cstdlib>
#include <string>

namespace datalake {
namespace {

struct Target {
  bool armed = false;
  std::string name;
  long remaining = 0;
};

Target ReadTarget() {
  Target t;
  const char* spec = std::getenv("DATALAKE_CRASH_AT");
  if (spec == nullptr) return t;
  std::string text = spec;
  const size_t colon = text.rfind(':');
  t.name = text.substr(0, colon);
  t.remaining = colon == std::string::npos ? 1 : std::atol(text.c_str() + colon + 1);
  t.armed = !t.name.empty() && t.remaining > 0;
  return t;
}

}  // namespace

void CrashPoint(std::string_view name) {
  static Target target = ReadTarget();
  if (!target.armed || name != target.name || --target.remaining > 0) return;
  ::kill(::getpid(), SIGKILL);
}

}  // namespace datalake
