#pragma once
// TrickleRequest: a client that sends an HTTP request head to a port on loopback one byte at a
// time and never finishes it, as a slowloris client does. It repeats `head` a byte every `every`
// until `stop` is set or the server cuts it off; returns true in the second case (a send failed),
// false when it could not connect or `stop` ended it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <thread>

namespace headwire::testing {

inline bool TrickleRequest(int port, std::string_view head, const std::atomic<bool>& stop,
                           std::chrono::milliseconds every) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(port));
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool cut_off = false;
  if (::connect(sock, reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0) {
    for (size_t at = 0; !stop; at = (at + 1) % head.size()) {
      if (::send(sock, head.data() + at, 1, MSG_NOSIGNAL) != 1) {
        cut_off = true;
        break;
      }
      std::this_thread::sleep_for(every);
    }
  }
  ::close(sock);
  return cut_off;
}

}  // namespace headwire::testing
