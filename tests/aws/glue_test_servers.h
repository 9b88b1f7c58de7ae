// Test support: local servers for the Glue and Lake Formation clients, run as child processes.
//
// moto_server (docs/AWS-WIRE.md#test-servers) implements Glue and Lake Formation; tests reach it
// through tests/tools/glue_fake.py in proxy mode, so every request the client sends is validated
// against botocore's service model on its way. The same script without --forward is a Glue fake
// with real VersionId semantics. Each server runs in its own process group, is polled for readiness
// with a deadline, and is killed (that group only) when the owner is destroyed.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "aws/glue_test_support.h"
#include "aws/http.h"
#include "json/json.h"

namespace datalake::aws::testing {

// True if `program` is an executable file in one of the PATH directories.
inline bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Return a TCP port on 127.0.0.1 that was free a moment ago.
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// True once something accepts TCP connections on 127.0.0.1:`port`, polling until `timeout`.
inline bool WaitForPort(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (up) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A child process in its own process group; stdout is a pipe the parent can read lines from.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Stop(); }

  bool Start(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test run leaves no server behind
      dup2(fds[1], STDOUT_FILENO);
      int devnull = open("/dev/null", O_WRONLY);
      if (devnull >= 0) dup2(devnull, STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    stdout_fd_ = fds[0];
    if (pid_ < 0) return false;
    setpgid(pid_, pid_);  // also from the parent, so Stop never races the child's setpgid
    return true;
  }

  // Return the next line of the child's stdout (without '\n'), or "" after `timeout`.
  std::string ReadLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{.fd = stdout_fd_, .events = POLLIN, .revents = 0};
      if (poll(&pfd, 1, 50) <= 0) continue;
      char c;
      if (read(stdout_fd_, &c, 1) != 1) return "";
      if (c == '\n') return line;
      line.push_back(c);
    }
    return "";
  }

  // Terminate the child's process group (SIGTERM, then SIGKILL after 5 s) and reap the child.
  void Stop() {
    if (pid_ > 0) {
      kill(-pid_, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      int status = 0;
      while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          kill(-pid_, SIGKILL);
          waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      pid_ = -1;
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
    stdout_fd_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

// glue_fake.py (standalone, or validating and forwarding to moto_server).
class GlueTestServer {
 public:
  enum class Mode { kFake, kMotoBehindValidator };

  // Start the server(s); on failure, skip_reason() says why (the tests then skip or fail).
  bool Start(Mode mode) {
    if (!OnPath("python3")) return Fail("python3 is not on PATH");
    std::vector<std::string> fake = {"python3", DATALAKE_SOURCE_DIR "/tests/tools/glue_fake.py"};
    if (mode == Mode::kMotoBehindValidator) {
      if (!OnPath("moto_server")) return Fail("moto_server is not on PATH");
      const int moto_port = FreePort();
      if (!moto_.Start({"moto_server", "-H", "127.0.0.1", "-p", std::to_string(moto_port)}) ||
          !WaitForPort(moto_port, std::chrono::seconds(30))) {
        return Fail("moto_server did not start on port " + std::to_string(moto_port));
      }
      fake.push_back("--forward");
      fake.push_back("http://127.0.0.1:" + std::to_string(moto_port));
    }
    if (!fake_.Start(fake)) return Fail("cannot run glue_fake.py");
    std::string line = fake_.ReadLine(std::chrono::seconds(30));
    if (!line.starts_with("PORT ")) return Fail("glue_fake.py did not start: '" + line + "'");
    endpoint_ = "http://127.0.0.1:" + line.substr(5);
    return true;
  }

  void Stop() {
    fake_.Stop();
    moto_.Stop();
  }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& skip_reason() const { return skip_reason_; }

  // Return the requests the validator recorded since the last Reset, each {"service",
  // "operation", "body", "errors"} (GET /_fake/requests), or only the invalid ones.
  json::Value Requests(bool errors_only = false) const {
    Result<HttpResponse> response = Hook("GET", errors_only ? "/_fake/errors" : "/_fake/requests");
    if (!response.ok() || response->status != 200) return json::Value();
    Result<json::Value> parsed = json::Parse(response->body);
    return parsed.ok() ? parsed.value() : json::Value();
  }
  // Forget the recorded requests (POST /_fake/reset).
  void Reset() const { (void)Hook("POST", "/_fake/reset"); }

 private:
  Result<HttpResponse> Hook(const std::string& method, const std::string& path) const {
    std::unique_ptr<HttpClient> http = NewCurlHttpClient();
    return http->Send({.method = method, .url = endpoint_ + path, .headers = {}, .body = {}});
  }

  bool Fail(std::string reason) {
    skip_reason_ = std::move(reason);
    Stop();
    return false;
  }

  ChildProcess moto_;
  ChildProcess fake_;
  std::string endpoint_;
  std::string skip_reason_;
};

// A fixture with one GlueTestServer of `kMode` per suite: tests skip when it cannot start, each
// test starts with no recorded requests, and every request a test sends must have passed
// botocore's validation. Fixtures that extend SetUp call this one first and stop if IsSkipped().
template <GlueTestServer::Mode kMode>
class GlueServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new GlueTestServer();
    server_->Start(kMode);
  }
  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->endpoint().empty()) GTEST_SKIP() << server_->skip_reason();
    server_->Reset();
  }
  void TearDown() override {
    if (server_->endpoint().empty()) return;
    EXPECT_EQ(json::Serialize(server_->Requests(/*errors_only=*/true)), "[]");
  }

  // Options of a client (GlueOptions, LakeFormationOptions) of the server: fixed credentials,
  // two attempts.
  template <typename Options>
  static Options ClientOptions() {
    Options options;
    options.region = "us-east-1";
    options.endpoint = server_->endpoint();
    options.credentials = std::make_shared<FixedCredentials>();
    options.retry.max_attempts = 2;
    return options;
  }

  static inline GlueTestServer* server_ = nullptr;
};

}  // namespace datalake::aws::testing
