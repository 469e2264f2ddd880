#pragma once
// LoopbackServing: serves an httplib::Server (or a subclass) on a free port of 127.0.0.1, on a
// thread of its own, from Start() until Stop() or destruction. The server must outlive it.

#include <httplib.h>

#include <chrono>
#include <thread>

namespace headwire::testing {

class LoopbackServing {
 public:
  LoopbackServing() = default;
  LoopbackServing(const LoopbackServing&) = delete;
  LoopbackServing& operator=(const LoopbackServing&) = delete;
  ~LoopbackServing() { Stop(); }

  // Binds `server` to a free port and returns it once the server accepts connections; 0 when it
  // could not bind.
  int Start(httplib::Server& server) {
    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) return 0;
    server_ = &server;
    thread_ = std::thread([&server] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return port;
  }

  // Stops the server and waits for its thread; nothing when it is not serving.
  void Stop() {
    if (server_ == nullptr) return;
    server_->stop();
    thread_.join();
    server_ = nullptr;
  }

 private:
  httplib::Server* server_ = nullptr;
  std::thread thread_;
};

}  // namespace headwire::testing
