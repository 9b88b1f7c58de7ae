// A minimal HTTP/1.1 server on 127.0.0.1 for testing the libcurl client byte for byte: it
// records each request as received (head and body, and which connection carried it) and answers
// with whatever the test's handler returns. One connection at a time, keep-alive, bounded: every
// wait has a timeout and the destructor stops the thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace datalake::aws::client_testing {

struct ReceivedRequest {
  std::string head{};  // request line and headers, up to and including the blank line
  std::string body{};
  int connection = 0;  // 1 for the first accepted connection, 2 for the next, ...
};

class LocalHttpServer {
 public:
  // Return the raw response to send, or nullopt to send nothing (the client will time out).
  using Handler = std::function<std::optional<std::string>(const ReceivedRequest&)>;

  explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listener_, 4);
    socklen_t size = sizeof(address);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LocalHttpServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }

  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  // Return a complete response with the given status line, headers and body.
  static std::string Response(const std::string& status_line, const std::string& headers,
                              const std::string& body) {
    return "HTTP/1.1 " + status_line + "\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  // Wait up to 50 ms for `fd` to be readable.
  static bool Readable(int fd) {
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    return poll(&p, 1, 50) > 0;
  }

  void Serve() {
    int connections = 0;
    while (!stop_) {
      if (!Readable(listener_)) continue;
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      ServeConnection(fd, ++connections);
      close(fd);
    }
  }

  void ServeConnection(int fd, int connection) {
    std::string buffer;
    while (!stop_) {
      const size_t head_end = buffer.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        ReceivedRequest request{.head = buffer.substr(0, head_end + 4), .connection = connection};
        const size_t body_size = ContentLength(request.head);
        if (buffer.size() >= head_end + 4 + body_size) {
          request.body = buffer.substr(head_end + 4, body_size);
          buffer.erase(0, head_end + 4 + body_size);
          {
            std::lock_guard<std::mutex> lock(mu_);
            requests_.push_back(request);
          }
          if (std::optional<std::string> response = handler_(request)) {
            send(fd, response->data(), response->size(), MSG_NOSIGNAL);
          }
          continue;
        }
      }
      if (!Readable(fd)) continue;
      char chunk[65536];
      const ssize_t got = recv(fd, chunk, sizeof(chunk), 0);
      if (got <= 0) return;  // the client closed the connection
      buffer.append(chunk, static_cast<size_t>(got));
    }
  }

  static size_t ContentLength(const std::string& head) {
    for (const char* name : {"\r\nContent-Length: ", "\r\ncontent-length: "}) {
      const size_t at = head.find(name);
      if (at != std::string::npos) return std::stoul(head.substr(at + std::string(name).size()));
    }
    return 0;
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace datalake::aws::client_testing
