#include "serve/peer_user.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cachectl::serve {
namespace {

// The port and address of a sockaddr of family AF_INET or AF_INET6, as
// inet_diag_sockid wants them (network order, four 32-bit words).
bool fill(const sockaddr_storage& sa, __be16& port, __be32 (&address)[4]) {
  std::memset(address, 0, sizeof address);
  if (sa.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(sa);
    port = v4.sin_port;
    std::memcpy(address, &v4.sin_addr, sizeof v4.sin_addr);
    return true;
  }
  if (sa.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(sa);
    port = v6.sin6_port;
    std::memcpy(address, &v6.sin6_addr, sizeof v6.sin6_addr);
    return true;
  }
  return false;
}

}  // namespace

std::optional<uid_t> peer_user(int connection) {
  sockaddr_storage ours{}, theirs{};
  socklen_t ours_length = sizeof ours, theirs_length = sizeof theirs;
  if (::getsockname(connection, reinterpret_cast<sockaddr*>(&ours), &ours_length) != 0 ||
      ::getpeername(connection, reinterpret_cast<sockaddr*>(&theirs), &theirs_length) != 0)
    return std::nullopt;
  // The connecting socket: its source is our peer, its destination us.
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST;
  message.request.sdiag_family = static_cast<__u8>(theirs.ss_family);
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0u;
  message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  if (!fill(theirs, message.request.id.idiag_sport, message.request.id.idiag_src) ||
      !fill(ours, message.request.id.idiag_dport, message.request.id.idiag_dst))
    return std::nullopt;

  int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return std::nullopt;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  std::optional<uid_t> uid;
  if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) == static_cast<ssize_t>(sizeof message)) {
    alignas(nlmsghdr) char buffer[8192];
    ssize_t n;
    do {
      n = ::recv(fd, buffer, sizeof buffer, 0);
    } while (n < 0 && errno == EINTR);
    auto* reply = reinterpret_cast<nlmsghdr*>(buffer);
    if (n > 0 && NLMSG_OK(reply, static_cast<unsigned>(n)) &&
        reply->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
        reply->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg)))
      uid = static_cast<const inet_diag_msg*>(NLMSG_DATA(reply))->idiag_uid;
  }
  ::close(fd);
  return uid;
}

}  // namespace cachectl::serve
