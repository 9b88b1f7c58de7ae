// Reading Avro files back with Debian's python3-avro (tests/tools/avro_read.py), an
// implementation independent of the destination's writer.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "format/parquet_test_util.h"
#include "json/json.h"

namespace datalake::format::testing {

inline std::string AvroReaderUnavailableReason() {
  if (std::system("/usr/bin/python3 -c 'import avro.datafile' >/dev/null 2>&1") != 0) {
    return "Debian's python3-avro is not installed (scripts/install-deps.sh --test)";
  }
  return "";
}

// Read `files`: file -> its line of output ({"meta": {...}, "records": [...]} or {"error": ...}).
inline std::map<std::string, json::Value> ReadAvro(const std::vector<std::string>& files) {
  std::string command = "/usr/bin/python3 " + ShellQuote(SourceDir() + "/tests/tools/avro_read.py");
  for (const std::string& f : files) command += " " + ShellQuote(f);
  std::map<std::string, json::Value> out;
  for (json::Value& line : RunJsonLines(command)) {
    const json::Value* file = line.Find("file");
    if (file != nullptr) out[file->text()] = line;
  }
  return out;
}

}  // namespace datalake::format::testing
