#pragma once
// ConnectLoopback: a TCP connection to `port` on 127.0.0.1, for tests that speak HTTP byte by
// byte. With `receive_buffer` above 0 the socket's receive buffer is that small (set before
// connecting, so the window is too), as a client that reads slowly has it. Returns the socket,
// or -1 when it could not connect; the caller closes it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace headwire::testing {

inline int ConnectLoopback(int port, int receive_buffer = 0) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) return -1;
  if (receive_buffer > 0) {
    ::setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(port));
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    ::close(sock);
    return -1;
  }
  return sock;
}

}  // namespace headwire::testing
