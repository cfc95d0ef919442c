// libcachectl-reuseport.so: preloaded (LD_PRELOAD) into the redis-server of
// every replication group member. Redis has no SO_REUSEPORT option; this
// sets it on a socket about to be bound to an address listed in
// $CACHECTL_REUSEPORT_ADDRESSES (the group's ReaderEndpoint), so that every
// member serving the ReaderEndpoint listens on the same address and port and
// the kernel spreads new connections over them: no proxy in the data path.
// The kernel only groups sockets of the same user, so another local user
// cannot join the group. Nothing else is changed.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

namespace {

using BindFunction = int (*)(int, const sockaddr*, socklen_t);

bool listed(const char* address) {
  const char* list = std::getenv("CACHECTL_REUSEPORT_ADDRESSES");
  if (!list) return false;
  std::size_t n = std::strlen(address);
  for (const char* p = list; *p;) {
    while (*p == ' ' || *p == ',') ++p;
    const char* end = p;
    while (*end && *end != ' ' && *end != ',') ++end;
    if (static_cast<std::size_t>(end - p) == n && std::strncmp(p, address, n) == 0) return true;
    p = end;
  }
  return false;
}

}  // namespace

extern "C" int bind(int fd, const sockaddr* address, socklen_t length) {
  static BindFunction real = reinterpret_cast<BindFunction>(dlsym(RTLD_NEXT, "bind"));
  if (!real) return -1;
  if (address && address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) && listed(text)) {
      int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    }
  }
  return real(fd, address, length);
}
