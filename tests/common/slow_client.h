#pragma once
// TrickleRequest: a client that sends an HTTP request head to a port on loopback one byte at a
// time and never finishes it, as a slowloris client does. It repeats `head` a byte every `every`
// until `stop` is set or the server cuts it off; returns true in the second case (a send failed),
// false when it could not connect or `stop` ended it.

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <thread>

#include "tests/common/loopback_socket.h"

namespace headwire::testing {

inline bool TrickleRequest(int port, std::string_view head, const std::atomic<bool>& stop,
                           std::chrono::milliseconds every) {
  const int sock = ConnectLoopback(port);
  bool cut_off = false;
  if (sock >= 0) {
    for (size_t at = 0; !stop; at = (at + 1) % head.size()) {
      if (::send(sock, head.data() + at, 1, MSG_NOSIGNAL) != 1) {
        cut_off = true;
        break;
      }
      std::this_thread::sleep_for(every);
    }
  }
  if (sock >= 0) ::close(sock);
  return cut_off;
}

}  // namespace headwire::testing
