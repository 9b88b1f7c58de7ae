#include "cli/commands.h"

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/cancel.h"
#include "config/config.h"
#include "json/json.h"
#include "protocol/protocol.h"
#include "sync/sync.h"

#ifndef DATALAKE_VERSION
#error "DATALAKE_VERSION (the CMake project version) must be defined"
#endif

namespace datalake::cli {
namespace {

constexpr const char* kUsage =
    "Usage: destination-aws-datalake <command> [options]\n"
    "\n"
    "Commands (Airbyte's destination interface; also accepted as --spec, --check, --write):\n"
    "  spec                                      print the connector specification\n"
    "  check --config CONFIG                     check that the destination can be written\n"
    "  write --config CONFIG --catalog CATALOG   write the Airbyte messages read on stdin\n"
    "\n"
    "  --version                                 print the connector's version\n"
    "\n"
    "CONFIG and CATALOG are paths to JSON files (relative or absolute). Output is Airbyte\n"
    "protocol messages on stdout, one per line. See README.md for the configuration.\n";

struct CommandLine {
  std::string command;
  std::string config_path;
  std::string catalog_path;
  bool help = false;
  bool version = false;
};

Result<CommandLine> ParseArgs(const std::vector<std::string>& args) {
  CommandLine cl;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    auto take_value = [&](const std::string& flag, std::string* out) -> Status {
      if (a.rfind(flag + "=", 0) == 0) {
        *out = a.substr(flag.size() + 1);
        return Status::Ok();
      }
      if (i + 1 >= args.size()) return Status::ConfigError(flag + " needs a file path");
      *out = args[++i];
      return Status::Ok();
    };
    if (a == "-h" || a == "--help" || a == "help") {
      cl.help = true;
    } else if (a == "--version") {
      cl.version = true;
    } else if (a == "spec" || a == "check" || a == "write" || a == "--spec" || a == "--check" ||
               a == "--write") {
      std::string name = a[0] == '-' ? a.substr(2) : a;
      if (!cl.command.empty() && cl.command != name) {
        return Status::ConfigError("more than one command given: " + cl.command + ", " + name);
      }
      cl.command = name;
    } else if (a == "--config" || a.rfind("--config=", 0) == 0) {
      RETURN_IF_ERROR(take_value("--config", &cl.config_path));
    } else if (a == "--catalog" || a.rfind("--catalog=", 0) == 0) {
      RETURN_IF_ERROR(take_value("--catalog", &cl.catalog_path));
    } else if (a == "--debug") {
      // Accepted for compatibility with the Python CDK; logging is the same.
    } else {
      return Status::ConfigError("unknown argument: " + a);
    }
  }
  return cl;
}

Result<json::Value> ReadJsonFile(const std::string& path, const std::string& what) {
  if (path.empty()) return Status::ConfigError(what + " file not given (--" + what + " FILE)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::ConfigError("cannot read the " + what + " file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto parsed = json::Parse(buffer.str());
  if (!parsed.ok()) {
    return Status::ConfigError("the " + what + " file " + path +
                               " is not valid JSON: " + parsed.status().message());
  }
  return parsed;
}

// Report `s` as a TRACE ERROR, its message prefixed by `context` (when not empty).
void ReportFailure(protocol::MessageWriter* out, const Status& s, std::string_view context) {
  std::string message = context.empty() ? s.message() : std::string(context) + ": " + s.message();
  out->TraceError(message, s.ToString(), FailureTypeOf(s.code()));
}

Result<config::Config> LoadConfig(const CommandLine& cl, protocol::MessageWriter* out) {
  ASSIGN_OR_RETURN(json::Value doc, ReadJsonFile(cl.config_path, "config"));
  // Register the raw secrets before anything can fail and print.
  if (const json::Value* creds = doc.Find("credentials")) {
    for (const char* key : {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}) {
      const json::Value* v = creds->Find(key);
      if (v != nullptr && v->is_string()) out->AddSecret(v->text());
    }
  }
  ASSIGN_OR_RETURN(config::Config config, config::ParseConfig(doc));
  for (const std::string& secret : config.Secrets()) out->AddSecret(secret);
  return config;
}

int RunCheck(const CommandLine& cl, protocol::MessageWriter* out) {
  auto config = LoadConfig(cl, out);
  Status s = config.status();
  if (s.ok()) {
    auto destination = sync::OpenDestination(*config);
    s = destination.status();
    if (s.ok()) s = sync::RunCheck(*config, &destination.value(), out);
  }
  if (s.ok()) {
    out->ConnectionStatus(true, "");
  } else {
    ReportFailure(out, s, "Check failed");
    out->ConnectionStatus(false, s.message());
  }
  return 0;  // check reports failure through CONNECTION_STATUS, not the exit code
}

int RunWrite(const CommandLine& cl, protocol::MessageWriter* out) {
  // From here on SIGTERM and SIGINT cancel the sync cleanly instead of killing it.
  if (Status handlers = InstallCancelHandlers(); !handlers.ok()) {
    out->Log("WARN", "A cancelled sync will be killed without clean-up: " + handlers.message());
  }
  auto config = LoadConfig(cl, out);
  if (!config.ok()) {
    ReportFailure(out, config.status(), "Invalid configuration");
    return 1;
  }
  auto catalog_doc = ReadJsonFile(cl.catalog_path, "catalog");
  Result<protocol::ConfiguredCatalog> catalog =
      catalog_doc.ok() ? protocol::ParseConfiguredCatalog(*catalog_doc)
                       : Result<protocol::ConfiguredCatalog>(catalog_doc.status());
  if (!catalog.ok()) {
    ReportFailure(out, catalog.status(), "Invalid configured catalog");
    return 1;
  }
  auto destination = sync::OpenDestination(*config);
  Status s = destination.status();
  if (s.ok()) s = sync::RunWrite(*config, *catalog, &destination.value(), STDIN_FILENO, out);
  if (!s.ok()) {
    // The cancellation message is a whole sentence of its own.
    ReportFailure(out, s, s.IsCancelled() ? "" : "Sync failed");
    return 1;
  }
  return 0;
}

}  // namespace

int Main(const std::vector<std::string>& args) {
  protocol::MessageWriter out(STDOUT_FILENO);
  try {
    auto cl = ParseArgs(args);
    if (cl.ok() && cl->version && !cl->help) {
      std::fputs("destination-aws-datalake " DATALAKE_VERSION "\n", stdout);
      return std::fflush(stdout) == 0 ? 0 : 1;
    }
    if (!cl.ok() || cl->help || cl->command.empty()) {
      if (!cl.ok()) std::fprintf(stderr, "%s\n\n", cl.status().message().c_str());
      std::fputs(kUsage, cl.ok() && cl->help ? stdout : stderr);
      return cl.ok() && cl->help ? 0 : 2;
    }
    if (cl->command == "spec") {
      out.Spec(config::Spec());
      return 0;
    }
    if (cl->command == "check") return RunCheck(*cl, &out);
    return RunWrite(*cl, &out);
  } catch (const std::bad_alloc&) {
    out.TraceError("The destination ran out of memory", "std::bad_alloc", "system_error");
  } catch (const std::exception& e) {
    out.TraceError("Unexpected internal error", e.what(), "system_error");
  }
  return 1;
}

}  // namespace datalake::cli
