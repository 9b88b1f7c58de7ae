// Where S3 integration tests run: an S3-compatible server named by the environment
// (DATALAKE_TEST_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY, _REGION, and optionally _BUCKET), or else
// a moto_server this process starts on a free loopback port and stops afterwards. With neither,
// tests skip with the reason.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "aws/http.h"

extern char** environ;

namespace datalake::aws::client_testing {

struct S3TestTarget {
  std::string endpoint{};  // "http://127.0.0.1:PORT"
  std::string access_key{};
  std::string secret_key{};
  std::string region{};
  std::string bucket{};  // empty: the tests create their own
};

// A moto_server child process, in its own process group so stopping it stops all of it.
class MotoServer {
 public:
  MotoServer() = default;
  ~MotoServer() { Stop(); }
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // Return the path of moto_server on PATH, or "".
  static std::string FindExecutable() {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path == nullptr ? "" : path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      const std::string candidate = dir + "/moto_server";
      if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return "";
  }

  // Start moto on a free port and wait (at most `deadline`) until it answers HTTP. Return "" on
  // success, else why not.
  std::string Start(std::chrono::seconds deadline = std::chrono::seconds(60)) {
    const std::string executable = FindExecutable();
    if (executable.empty()) return "moto_server is not on PATH";
    port_ = FreePort();
    if (port_ == 0) return "no free loopback port";
    const std::string port = std::to_string(port_);
    const char* argv[] = {executable.c_str(), "-H", "127.0.0.1", "-p", port.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const int rc = posix_spawn(&pid_, executable.c_str(), &actions, &attributes,
                               const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
      pid_ = 0;
      return "could not start moto_server";
    }
    return WaitUntilReady(deadline);
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) {
        kill(-pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pid_ = 0;
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      port = ntohs(address.sin_port);
    }
    close(fd);
    return port;
  }

  // Poll the server (an external process: there is nothing to wait on but its port) until it
  // answers, it exits, or the deadline passes.
  std::string WaitUntilReady(std::chrono::seconds deadline) {
    auto client = NewCurlHttpClient({.connect_timeout_ms = 1000, .total_timeout_ms = 2000});
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < give_up) {
      if (client->Send({.method = "GET", .url = endpoint() + "/moto-api/"}).ok()) return "";
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        return "moto_server exited during startup";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Stop();
    return "moto_server did not answer within the deadline";
  }

  pid_t pid_ = 0;
  int port_ = 0;
};

// Return the target from the environment, if DATALAKE_TEST_S3_ENDPOINT is set.
inline std::unique_ptr<S3TestTarget> TargetFromEnvironment() {
  auto get = [](const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr && *value != '\0' ? value : fallback);
  };
  if (get("DATALAKE_TEST_S3_ENDPOINT", "").empty()) return nullptr;
  return std::make_unique<S3TestTarget>(
      S3TestTarget{.endpoint = get("DATALAKE_TEST_S3_ENDPOINT", ""),
                   .access_key = get("DATALAKE_TEST_S3_ACCESS_KEY", "testing"),
                   .secret_key = get("DATALAKE_TEST_S3_SECRET_KEY", "testing"),
                   .region = get("DATALAKE_TEST_S3_REGION", "us-east-1"),
                   .bucket = get("DATALAKE_TEST_S3_BUCKET", "")});
}

}  // namespace datalake::aws::client_testing
