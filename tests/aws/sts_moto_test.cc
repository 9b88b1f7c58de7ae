// Integration: STS AssumeRole and AssumeRoleWithWebIdentity against a local moto_server
// (docs/AWS-WIRE.md#test-servers) over the real curl HTTP client. Skipped when moto_server is not
// on PATH.
//
// The server is started once for the suite as a child process in its own process group, on a
// free loopback port, and stopped (that group only) when the suite ends.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "aws/aws_client.h"
#include "aws/credential_providers.h"
#include "aws/sts.h"

namespace datalake::aws {
namespace {

constexpr char kRoleArn[] = "arn:aws:iam::123456789012:role/writer";

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = dirs.find(':', start);
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

class StsMotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!OnPath("moto_server")) return;
    port_ = FreePort();
    const std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      const int null_fd = open("/dev/null", O_WRONLY);
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
      execlp("moto_server", "moto_server", "-H", "127.0.0.1", "-p", port.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid_, pid_);
    // Bounded readiness polling: up to 30 s for the port to accept connections.
    for (int i = 0; i < 300 && !ready_; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      ready_ = Accepts(port_);
      if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  static void TearDownTestSuite() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  void SetUp() override {
    if (!OnPath("moto_server")) GTEST_SKIP() << "moto_server is not on PATH";
    ASSERT_TRUE(ready_) << "moto_server did not start on port " << port_;
  }

  static CredentialsOptions Options() {
    CredentialsOptions options;
    options.env = [](std::string_view) { return std::nullopt; };
    options.sts.region = "us-east-1";
    options.sts.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    options.sts.retry.max_attempts = 2;
    return options;
  }

  static std::shared_ptr<CredentialsProvider> Source() {
    return NewStaticCredentialsProvider(
        {.access_key_id = "AKIAIOSFODNN7EXAMPLE", .secret_access_key = "testing"});
  }

  static inline pid_t pid_ = -1;
  static inline int port_ = 0;
  static inline bool ready_ = false;
};

void ExpectTemporary(const ExpiringCredentials& got, std::chrono::seconds lifetime) {
  EXPECT_EQ(got.credentials.access_key_id.rfind("ASIA", 0), 0u) << got.credentials.access_key_id;
  EXPECT_FALSE(got.credentials.secret_access_key.empty());
  EXPECT_FALSE(got.credentials.session_token.empty());
  ASSERT_TRUE(got.expiration.has_value());
  const auto remaining = *got.expiration - std::chrono::system_clock::now();
  EXPECT_GT(remaining, lifetime - std::chrono::minutes(2));
  EXPECT_LT(remaining, lifetime + std::chrono::minutes(2));
}

TEST_F(StsMotoTest, AssumeRole) {
  StsClient sts(Options().sts, Source());
  Result<AssumedRole> role =
      sts.AssumeRole({.role_arn = kRoleArn, .duration_seconds = 900, .external_id = "ext/id+1 2"});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  ExpectTemporary(role->credentials, std::chrono::seconds(900));
  EXPECT_EQ(role->assumed_role_arn,
            "arn:aws:sts::123456789012:assumed-role/writer/airbyte-destination-aws-datalake");
}

TEST_F(StsMotoTest, AssumeRoleWithWebIdentity) {
  StsClient sts(Options().sts, nullptr);
  Result<AssumedRole> role = sts.AssumeRoleWithWebIdentity(
      {.role_arn = kRoleArn, .role_session_name = "pod-1", .web_identity_token = "eyJ.e30.sig"});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  ExpectTemporary(role->credentials, std::chrono::hours(1));
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/writer/pod-1");
}

TEST_F(StsMotoTest, AssumedCredentialsSignTheNextCall) {
  // IAM Role mode end to end: assume, then call GetCallerIdentity with the session credentials.
  auto role = NewAssumeRoleCredentialsProvider({.role_arn = kRoleArn}, Source(), Options());
  AwsClientOptions client_options{.service = "sts",
                                  .region = "us-east-1",
                                  .endpoint = Options().sts.endpoint,
                                  .protocol = Protocol::kQuery,
                                  .credentials = role};
  AwsClient client(client_options);
  const std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
  Result<HttpResponse> response = client.Execute(
      {.operation = "GetCallerIdentity",
       .method = "POST",
       .path = "/",
       .headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
       .body = body});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_NE(response->body.find("assumed-role/writer/airbyte-destination-aws-datalake"),
            std::string::npos)
      << response->body;
}

TEST_F(StsMotoTest, WebIdentityProviderFromTheEnvironment) {
  char dir_template[] = "/tmp/dl-sts-moto-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string token_file = dir + "/token";
  {
    const int fd = open(token_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    const std::string jwt = "eyJ.e30.sig\n";
    ASSERT_EQ(write(fd, jwt.data(), jwt.size()), static_cast<ssize_t>(jwt.size()));
    close(fd);
  }
  CredentialsOptions options = Options();
  options.env = [token_file](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_WEB_IDENTITY_TOKEN_FILE") return token_file;
    if (name == "AWS_ROLE_ARN") return kRoleArn;
    return std::nullopt;
  };
  Result<ExpiringCredentials> got = NewDefaultCredentialsChain(options)->Get();
  unlink(token_file.c_str());
  rmdir(dir.c_str());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectTemporary(*got, std::chrono::hours(1));
}

}  // namespace
}  // namespace datalake::aws
