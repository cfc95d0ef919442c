#include "node/cluster_nodes.h"

#include <charconv>
#include <sstream>

namespace cachectl::node {

namespace {

bool to_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string> split(const std::string& s, char by) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, by))
    if (!part.empty()) out.push_back(part);
  return out;
}

// "[93->-ID]" (migrating to ID) or "[93-<-ID]" (importing from ID).
void read_open_slot(const std::string& field, ClusterNode& n) {
  std::string inner = field.substr(1, field.size() - 2);
  auto to = inner.find("->-");
  auto from = inner.find("-<-");
  int slot = 0;
  if (to != std::string::npos && to_int(inner.substr(0, to), slot)) {
    n.migrating[slot] = inner.substr(to + 3);
  } else if (from != std::string::npos && to_int(inner.substr(0, from), slot)) {
    n.importing[slot] = inner.substr(from + 3);
  }
}

}  // namespace

std::vector<ClusterNode> parse_cluster_nodes(const std::string& text) {
  std::vector<ClusterNode> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f = split(line, ' ');
    if (f.size() < 8) continue;
    ClusterNode n;
    n.id = f[0];
    // ip:port@cport[,hostname]
    std::string addr = f[1].substr(0, f[1].find('@'));
    auto colon = addr.rfind(':');
    if (colon == std::string::npos || !to_int(addr.substr(colon + 1), n.port)) continue;
    n.address = addr.substr(0, colon);
    for (const auto& flag : split(f[2], ',')) {
      if (flag == "myself") n.myself = true;
      if (flag == "master") n.master = true;
      if (flag == "slave") n.replica = true;
      if (flag == "fail" || flag == "fail?") n.fail = true;
      if (flag == "handshake") n.handshake = true;
      if (flag == "noaddr") n.noaddr = true;
    }
    if (f[3] != "-") n.master_id = f[3];
    auto [end, ec] = std::from_chars(f[6].data(), f[6].data() + f[6].size(), n.config_epoch);
    (void)end;
    if (ec != std::errc()) n.config_epoch = 0;
    n.connected = f[7] == "connected";
    for (std::size_t i = 8; i < f.size(); ++i) {
      const std::string& s = f[i];
      if (s.size() > 2 && s.front() == '[' && s.back() == ']') {
        read_open_slot(s, n);
        continue;
      }
      auto dash = s.find('-');
      core::SlotRange r;
      if (dash == std::string::npos) {
        if (!to_int(s, r.first)) continue;
        r.last = r.first;
      } else if (!to_int(s.substr(0, dash), r.first) || !to_int(s.substr(dash + 1), r.last)) {
        continue;
      }
      if (r.first < 0 || r.last >= core::kSlotCount || r.last < r.first) continue;
      n.slots.push_back(r);
    }
    n.slots = core::normalized(std::move(n.slots));
    out.push_back(std::move(n));
  }
  return out;
}

const ClusterNode* myself(const std::vector<ClusterNode>& nodes) {
  for (const auto& n : nodes)
    if (n.myself) return &n;
  return nullptr;
}

const ClusterNode* find_node(const std::vector<ClusterNode>& nodes, const std::string& id) {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

std::string cluster_info_field(const std::string& info, const std::string& name) {
  std::istringstream in(info);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 1);
  }
  return {};
}

}  // namespace cachectl::node
