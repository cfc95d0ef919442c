// minimal_relay: the smallest reasonable TCP relay, as a baseline for the
// Memcached configuration endpoint (bench/memcached_relay.sh). It does what
// any relay must do for one hop and nothing more, so the endpoint's cost
// above it is the endpoint's own, not the hop's.
//
//   minimal_relay LISTEN_ADDR LISTEN_PORT UPSTREAM_ADDR UPSTREAM_PORT
//
// One thread, one epoll set. Each accepted client gets a non-blocking
// connect() to the upstream; bytes are copied both ways through a bounded
// buffer per direction. A full buffer stops reading from its source and a
// pending buffer asks for EPOLLOUT on its destination (backpressure). When
// the client stops sending, the upstream is told so (shutdown) once it has
// everything, and its remaining replies still reach the client; when the
// upstream closes, what it sent is delivered and both sides are closed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr std::size_t kBufferSize = 64 * 1024;

// Bytes read from one side and not yet written to the other: [begin, end).
struct Buffer {
  char data[kBufferSize];
  std::size_t begin = 0, end = 0;
  bool empty() const { return begin == end; }
  bool full() const { return begin == 0 && end == kBufferSize; }
};

struct Connection;

// One socket of a connection. Its address is the epoll user data, so an
// event leads straight to its connection with no lookup.
struct Side {
  Connection* conn = nullptr;
  int fd = -1;
  std::uint32_t watched = 0;  // the events epoll has now, to skip no-op MODs
  bool registered = false;    // added to the epoll set yet
  bool eof = false;           // this side will send nothing more
  bool shut = false;          // this side has been sent our FIN
  Buffer in;                  // read from this side, for the other one
};

struct Connection {
  Side client, upstream;
  bool connecting = true;  // the upstream connect() has not completed yet
  bool closed = false;     // freed at the end of the current epoll batch
  Side& peer(Side& s) { return &s == &client ? upstream : client; }
};

int epfd = -1;

bool parse_address(const char* addr, const char* port, sockaddr_in& sa) {
  sa = {};
  sa.sin_family = AF_INET;
  char* end = nullptr;
  long p = std::strtol(port, &end, 10);
  if (*end != '\0' || p <= 0 || p > 65535) return false;
  sa.sin_port = htons(static_cast<std::uint16_t>(p));
  return ::inet_pton(AF_INET, addr, &sa.sin_addr) == 1;
}

// A relay forwards each piece as it gets it; Nagle's algorithm would hold
// small replies back waiting for an ACK and add latency of the relay's own.
void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Tells epoll what the side waits for now: input while it is open and its
// buffer has room, output while bytes wait for it (or the connect does).
void watch(Side& s, Connection& c) {
  Side& other = c.peer(s);
  std::uint32_t want = 0;
  bool is_upstream = &s == &c.upstream;
  if (is_upstream && c.connecting) {
    want = EPOLLOUT;  // a non-blocking connect completes as writability
  } else {
    if (!s.eof && !s.in.full()) want |= EPOLLIN;
    if (!other.in.empty()) want |= EPOLLOUT;
  }
  if (s.registered && want == s.watched) return;
  if (want == 0 && s.eof) {
    // A closed peer reports EPOLLHUP even for no events: it would spin.
    if (s.registered) ::epoll_ctl(epfd, EPOLL_CTL_DEL, s.fd, nullptr);
    s.registered = false;
    return;
  }
  epoll_event ev{};
  ev.events = want;
  ev.data.ptr = &s;
  ::epoll_ctl(epfd, s.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s.fd, &ev);
  s.watched = want;
  s.registered = true;
}

void close_connection(Connection& c, std::vector<Connection*>& dead) {
  if (c.closed) return;
  c.closed = true;
  ::close(c.client.fd);  // close() also removes the descriptors from epoll
  ::close(c.upstream.fd);
  dead.push_back(&c);  // events of this batch may still point at it
}

// Reads what fits into s.in; sets eof on end of stream or error.
void read_side(Side& s) {
  Buffer& b = s.in;
  if (b.end == kBufferSize && b.begin > 0) {  // make room at the back
    std::memmove(b.data, b.data + b.begin, b.end - b.begin);
    b.end -= b.begin;
    b.begin = 0;
  }
  if (b.end == kBufferSize) return;
  ssize_t n = ::recv(s.fd, b.data + b.end, kBufferSize - b.end, 0);
  if (n > 0) {
    b.end += static_cast<std::size_t>(n);
  } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    s.eof = true;
  }
}

// Writes from `from`'s buffer to `to`; false if `to` is gone.
bool write_side(Side& from, Side& to) {
  Buffer& b = from.in;
  while (!b.empty()) {
    ssize_t n = ::send(to.fd, b.data + b.begin, b.end - b.begin, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    b.begin += static_cast<std::size_t>(n);
  }
  b.begin = b.end = 0;
  return true;
}

void on_event(Side& s, std::uint32_t events, std::vector<Connection*>& dead) {
  Connection& c = *s.conn;
  if (c.closed) return;
  if (&s == &c.upstream && c.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return close_connection(c, dead);
    c.connecting = false;
  } else if (!s.eof && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
    read_side(s);
  }
  // Move whatever can move now, in both directions.
  if (!c.connecting) {
    if (!write_side(c.client, c.upstream) || !write_side(c.upstream, c.client))
      return close_connection(c, dead);
  }
  // A client that finished sending (even half-closed, waiting for replies)
  // is passed on to the upstream, which then answers and closes.
  if (c.client.eof && c.client.in.empty() && !c.connecting && !c.upstream.shut) {
    ::shutdown(c.upstream.fd, SHUT_WR);
    c.upstream.shut = true;
  }
  // The upstream closed: done once the client has all it sent.
  if (c.upstream.eof && c.upstream.in.empty()) return close_connection(c, dead);
  watch(c.client, c);
  watch(c.upstream, c);
}

void accept_all(int listen_fd, const sockaddr_in& upstream) {
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: all taken; anything else: try next time
    int up = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (up < 0) {
      ::close(fd);
      continue;
    }
    no_delay(fd);
    no_delay(up);
    auto* c = new Connection;
    c->client.conn = c->upstream.conn = c;
    c->client.fd = fd;
    c->upstream.fd = up;
    int r = ::connect(up, reinterpret_cast<const sockaddr*>(&upstream), sizeof upstream);
    if (r != 0 && errno != EINPROGRESS) {
      ::close(fd);
      ::close(up);
      delete c;
      continue;
    }
    c->connecting = r != 0;
    watch(c->client, *c);
    watch(c->upstream, *c);
  }
}

}  // namespace

int main(int argc, char** argv) {
  sockaddr_in listen_sa, upstream_sa;
  if (argc != 5 || !parse_address(argv[1], argv[2], listen_sa) ||
      !parse_address(argv[3], argv[4], upstream_sa)) {
    std::fprintf(stderr, "usage: %s LISTEN_ADDR LISTEN_PORT UPSTREAM_ADDR UPSTREAM_PORT\n",
                 argv[0]);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  int listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd, reinterpret_cast<sockaddr*>(&listen_sa), sizeof listen_sa) != 0 ||
      ::listen(listen_fd, SOMAXCONN) != 0) {
    std::perror("minimal_relay: listen");
    return 1;
  }
  epfd = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event lev{};
  lev.events = EPOLLIN;
  lev.data.ptr = nullptr;  // the listener is the only entry without a Side
  ::epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &lev);

  std::vector<epoll_event> events(256);
  std::vector<Connection*> dead;
  for (;;) {
    int n = ::epoll_wait(epfd, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0 && errno != EINTR) {
      std::perror("minimal_relay: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {
        accept_all(listen_fd, upstream_sa);
      } else {
        on_event(*static_cast<Side*>(events[i].data.ptr), events[i].events, dead);
      }
    }
    for (Connection* c : dead) delete c;
    dead.clear();
  }
}
