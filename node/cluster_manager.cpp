#include "node/cluster_manager.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/restricted_commands.h"
#include "node/node_context.h"

namespace cachectl::node {

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

// Commands to a member's engine; MIGRATE gets longer (cluster_manager's
// migrate_slots sets its own).
constexpr auto kCommandTimeout = 2000ms;
// How long one pass may spend moving slots before it reports and looks
// again (the next pass continues at once).
constexpr auto kMigrationSlice = 300ms;
// Slots marked and handed over together (one pipeline each way).
constexpr std::size_t kSlotBatch = 64;
// test-failover: how long the replica may take to become primary.
constexpr auto kFailoverWait = 15s;
// A converged cluster is looked at this often (and at once when asked).
constexpr auto kIdleInterval = 1000ms;
// Between passes while work waits on the cluster's own gossip.
constexpr auto kBusyInterval = 20ms;

// Who owns each slot in one engine's view ("" = nobody), by node id.
std::vector<std::string> slot_owners(const std::vector<ClusterNode>& nodes) {
  std::vector<std::string> owner(core::kSlotCount);
  for (const auto& n : nodes)
    if (n.master)
      for (const auto& r : n.slots)
        for (int s = r.first; s <= r.last; ++s) owner[static_cast<std::size_t>(s)] = n.id;
  return owner;
}

// The record's node group of each slot ("" = none).
std::vector<std::string> desired_groups(const core::ReplicationGroupRecord& g) {
  std::vector<std::string> out(core::kSlotCount);
  for (const auto& ng : g.node_groups)
    for (const auto& r : ng.slots)
      for (int s = r.first; s <= r.last; ++s) out[static_cast<std::size_t>(s)] = ng.id;
  return out;
}

bool knows(const MemberView& m, const std::string& id) {
  const ClusterNode* n = find_node(m.nodes, id);
  return n && !n->handshake && !n->noaddr;
}

std::string error_text(const core::Result<RespValue>& r) {
  if (!r) return r.error().message;
  return r->describe();
}

// The ranges of a sorted list of slots.
core::SlotRanges ranges_of(const std::vector<int>& slots) {
  core::SlotRanges out;
  for (int s : slots) {
    if (!out.empty() && out.back().last == s - 1) {
      out.back().last = s;
    } else {
      out.push_back({s, s});
    }
  }
  return out;
}

}  // namespace

ClusterManager::ClusterManager(core::StateHome home, std::string group, std::string key)
    : home_(home),
      registry_(home),
      groups_(home),
      events_(home.events_dir()),
      group_(std::move(group)),
      key_(std::move(key)) {}

void ClusterManager::event(const std::string& message) {
  auto g = groups_.get(group_);
  record_daemon_event(events_, home_,
                      {group_, "replication-group", message, std::chrono::system_clock::now(),
                       g ? g->notification_topic_arn : ""});
}

RedisConnection& ClusterManager::connection(const std::string& cluster,
                                            const std::string& address) {
  // The engine's private socket: its port may speak TLS only.
  const std::string socket = home_.engine_socket(address).string();
  auto& c = connections_[cluster];
  if (!c || c->address() != socket) {
    c = std::make_unique<RedisConnection>(socket, 0, kCommandTimeout);
    c->set_auth(std::string(core::kAdminUser), key_);
  }
  return *c;
}

core::Result<RespValue> ClusterManager::run(MemberView& m, const std::vector<std::string>& args) {
  auto r = connection(m.cluster, m.address).command(args);
  if (!r) m.reachable = false;
  return r;
}

std::vector<MemberView> ClusterManager::look(const core::ReplicationGroupRecord& g) {
  std::vector<MemberView> out;
  std::set<std::string> present;
  for (const auto& ng : g.node_groups) {
    for (const auto& cluster : ng.members) {
      MemberView m;
      m.cluster = cluster;
      m.node_group = ng.id;
      present.insert(cluster);
      auto record = registry_.get(cluster);
      if (!record || record->nodes.empty()) {
        out.push_back(m);
        continue;
      }
      m.address = record->nodes.front().address;
      m.port = record->nodes.front().port;
      auto replies =
          connection(cluster, m.address)
              .pipeline({{"CLUSTER", "MYID"}, {"CLUSTER", "NODES"}, {"CLUSTER", "INFO"}});
      if (replies && !(*replies)[0].is_error() && !(*replies)[1].is_error()) {
        m.reachable = true;
        m.id = (*replies)[0].text;
        m.nodes = parse_cluster_nodes((*replies)[1].text);
        m.state_ok = cluster_info_field((*replies)[2].text, "cluster_state") == "ok";
      }
      out.push_back(std::move(m));
    }
  }
  // Connections of members that left the group are closed.
  std::erase_if(connections_, [&](const auto& c) { return !present.count(c.first); });
  return out;
}

void ClusterManager::record_primaries(const core::ReplicationGroupRecord& g,
                                      const std::map<std::string, std::string>& primaries) {
  std::vector<std::pair<std::string, std::string>> changed;  // node group, old primary
  for (const auto& ng : g.node_groups) {
    auto it = primaries.find(ng.id);
    if (it != primaries.end() && !it->second.empty() && it->second != ng.primary)
      changed.emplace_back(ng.id, ng.primary);
  }
  if (changed.empty()) return;
  auto err = groups_.update(group_, [&](core::ReplicationGroupRecord& rec) -> core::Status {
    for (auto& ng : rec.node_groups) {
      auto it = primaries.find(ng.id);
      if (it != primaries.end() && !it->second.empty() && ng.has_member(it->second))
        ng.primary = it->second;
    }
    return std::nullopt;
  });
  if (err) {
    std::fprintf(stderr, "cannot record the node groups' primaries: %s\n", err->message.c_str());
    return;
  }
  for (const auto& [ng, old] : changed) {
    // The first primary of a new node group is no failover.
    if (old.empty()) continue;
    event("Failover from primary " + old + " to replica " + primaries.at(ng) +
          " completed for node group " + ng);
  }
}

core::admin::ClusterReport ClusterManager::pass(const core::ReplicationGroupRecord& g, bool& busy) {
  busy = false;
  moved_ = false;
  core::admin::ClusterReport report;
  report.layout_version = g.layout_version;
  std::vector<MemberView> members = look(g);
  std::vector<std::string> notes;
  auto note = [&](const std::string& what) {
    if (std::find(notes.begin(), notes.end(), what) == notes.end()) notes.push_back(what);
  };
  auto finish = [&](bool converged) {
    report.converged = converged;
    bool healthy = !members.empty();
    for (const auto& m : members) healthy = healthy && m.reachable && m.state_ok;
    report.healthy = healthy;
    std::string activity;
    for (const auto& n : notes) activity += (activity.empty() ? "" : "; ") + n;
    report.activity =
        converged ? "in sync with layout " + std::to_string(g.layout_version) : activity;
    return report;
  };

  std::vector<MemberView*> up;
  std::map<std::string, MemberView*> by_id;
  for (auto& m : members) {
    if (!m.reachable) {
      note("member " + m.cluster + " does not answer");
      continue;
    }
    up.push_back(&m);
    by_id[m.id] = &m;
  }
  if (up.empty()) return finish(false);

  // The view to plan from: a primary that serves slots, else any member.
  MemberView* seed = up.front();
  for (auto* m : up) {
    const ClusterNode* self = myself(m->nodes);
    if (self && self->master && !self->slots.empty()) {
      seed = m;
      break;
    }
  }

  // 1. Everyone meets everyone (the cluster's gossip does the rest).
  int meets = 0;
  for (auto* m : up) {
    if (m == seed) continue;
    if (!knows(*seed, m->id)) {
      auto r = run(*seed, {"CLUSTER", "MEET", m->address, std::to_string(m->port)});
      if (r && !r->is_error()) ++meets;
    } else if (!knows(*m, seed->id)) {
      auto r = run(*m, {"CLUSTER", "MEET", seed->address, std::to_string(seed->port)});
      if (r && !r->is_error()) ++meets;
    }
  }
  bool all_known = true;
  for (auto* a : up)
    for (auto* b : up)
      if (a != b && !knows(*a, b->id)) all_known = false;
  if (meets > 0 || !all_known) {
    note("members are meeting");
    busy = true;
  }

  // 2. Nodes that are no member are forgotten: nodes of removed node groups
  // (stopped once their slots had moved) and the old identity of a member
  // that came back without its nodes.conf. A node at the address of a
  // member that does not answer may be that member: it stays.
  std::set<std::string> unanswered;
  for (const auto& m : members)
    if (!m.reachable && !m.address.empty()) unanswered.insert(m.address);
  for (auto* m : up) {
    for (const auto& n : m->nodes) {
      if (n.myself || n.handshake || by_id.count(n.id) || unanswered.count(n.address)) continue;
      if (!n.slots.empty() && !n.fail) continue;  // serving slots: not ours to drop
      for (auto* other : up) {
        if (!knows(*other, n.id)) continue;
        const ClusterNode* self = myself(other->nodes);
        if (self && self->master_id == n.id) continue;  // "can't forget my master"
        auto r = run(*other, {"CLUSTER", "FORGET", n.id});
        if (!r || r->is_error())
          std::fprintf(stderr, "CLUSTER FORGET %s on %s: %s\n", n.id.c_str(),
                       other->cluster.c_str(), error_text(r).c_str());
      }
      note("forgetting node " + n.id);
      busy = true;
    }
  }

  // 3. Each node group's primary: the member that serves slots (a failover
  // is the cluster's decision), else the recorded one, else any member that
  // is a primary.
  std::map<std::string, std::string> primaries;      // node group -> member cluster
  std::map<std::string, MemberView*> primary_views;  // node group -> its view
  for (const auto& ng : g.node_groups) {
    MemberView* best = nullptr;
    std::size_t best_slots = 0;
    for (auto& m : members) {
      if (m.node_group != ng.id || m.id.empty()) continue;
      const ClusterNode* n = find_node(seed->nodes, m.id);
      if (!n || !n->master || n->fail) continue;
      std::size_t count = static_cast<std::size_t>(core::slot_count(n->slots));
      if (count > best_slots) {
        best = &m;
        best_slots = count;
      }
    }
    if (!best) {
      auto own_primary = [&](MemberView& m) {
        const ClusterNode* self = m.reachable ? myself(m.nodes) : nullptr;
        return self && self->master;
      };
      for (auto& m : members)
        if (m.node_group == ng.id && m.cluster == ng.primary && own_primary(m)) best = &m;
      for (auto& m : members)
        if (!best && m.node_group == ng.id && own_primary(m)) best = &m;
    }
    if (best) {
      primaries[ng.id] = best->cluster;
      primary_views[ng.id] = best;
      continue;
    }
    note("node group " + ng.id + " has no primary answering");
    // Every member answering is a replica (of another node group's primary,
    // say): the recorded primary becomes an empty primary again (a soft
    // reset forgets the other nodes; step 1 meets them again).
    for (auto& m : members) {
      const ClusterNode* self = m.reachable ? myself(m.nodes) : nullptr;
      if (m.cluster != ng.primary || !self || !self->replica) continue;
      auto r = run(m, {"CLUSTER", "RESET", "SOFT"});
      if (!r || r->is_error()) note("cannot reset " + m.cluster + ": " + error_text(r));
      busy = true;
    }
  }
  record_primaries(g, primaries);

  // 4. The other members replicate their node group's primary.
  for (auto* m : up) {
    auto p = primary_views.find(m->node_group);
    if (p == primary_views.end() || p->second == m) continue;
    MemberView* primary = p->second;
    const ClusterNode* self = myself(m->nodes);
    if (!self) continue;
    if (self->replica && self->master_id == primary->id) continue;
    if (self->master && !self->slots.empty()) continue;  // its slots move first (step 6)
    if (!knows(*m, primary->id)) continue;               // gossip first
    auto r = run(*m, {"CLUSTER", "REPLICATE", primary->id});
    if (!r || r->is_error()) note(m->cluster + " cannot replicate yet: " + error_text(r));
    busy = true;
  }

  // 5. Slots nobody serves go to their node group's primary; and a
  // migration left open (a manager killed during it) is completed.
  std::vector<std::string> owner = slot_owners(seed->nodes);
  std::vector<std::string> wanted = desired_groups(g);
  // A slot is given out only when no view knows an owner for it (a view
  // that has not heard of an assignment yet must not cause a second one).
  std::vector<bool> owned_somewhere(core::kSlotCount, false);
  for (auto* m : up) {
    std::vector<std::string> seen = slot_owners(m->nodes);
    for (int s = 0; s < core::kSlotCount; ++s)
      if (!seen[static_cast<std::size_t>(s)].empty())
        owned_somewhere[static_cast<std::size_t>(s)] = true;
  }
  std::map<std::string, std::vector<int>> unassigned;  // node group -> slots
  for (int s = 0; s < core::kSlotCount; ++s)
    if (!owned_somewhere[static_cast<std::size_t>(s)] &&
        !wanted[static_cast<std::size_t>(s)].empty())
      unassigned[wanted[static_cast<std::size_t>(s)]].push_back(s);
  for (const auto& [ng, slots] : unassigned) {
    auto p = primary_views.find(ng);
    if (p == primary_views.end() || !p->second->reachable) continue;
    std::vector<std::string> args = {"CLUSTER", "ADDSLOTSRANGE"};
    for (const auto& r : ranges_of(slots)) {
      args.push_back(std::to_string(r.first));
      args.push_back(std::to_string(r.last));
    }
    auto r = run(*p->second, args);
    if (!r || r->is_error()) {
      note("cannot assign slots to node group " + ng + ": " + error_text(r));
    } else {
      note("assigned " + std::to_string(slots.size()) + " slots to node group " + ng);
    }
    busy = true;
  }
  // A migration left open (a manager killed during one, a batch that
  // failed) is completed to the node that was importing it; step 6 moves
  // the slot on if that is not where the layout puts it.
  bool open_slots = false;
  for (auto* m : up) {
    const ClusterNode* self = myself(m->nodes);
    if (!self || !self->master) continue;
    std::vector<std::string> mine = slot_owners(m->nodes);
    for (const auto& [slot, from_id] : self->importing) {
      open_slots = true;
      busy = true;
      const std::string& has = owner[static_cast<std::size_t>(slot)];
      std::string slot_text = std::to_string(slot);
      if (mine[static_cast<std::size_t>(slot)].empty() && !has.empty()) {
        // An importing node does not learn the slot's owner from gossip
        // (Redis skips importing slots): it is told, which also ends its
        // importing state; the migration is then made again.
        (void)run(*m, {"CLUSTER", "SETSLOT", slot_text, "NODE", has});
        continue;
      }
      auto from = by_id.find(from_id);
      std::string err;
      if (from != by_id.end() && has == from_id && m->state_ok && from->second->state_ok) {
        if (!migrate_slots(*from->second, *m, {slot}, members, err))
          note("cannot finish the migration of slot " + slot_text + ": " + err);
      } else if (from == by_id.end() || has == m->id) {
        (void)run(*m, {"CLUSTER", "SETSLOT", slot_text, "STABLE"});
      }
    }
    for (const auto& [slot, to_id] : self->migrating) {
      open_slots = true;
      busy = true;
      auto to = by_id.find(to_id);
      if (to == by_id.end()) {
        // Its target is gone: the slot stays here.
        (void)run(*m, {"CLUSTER", "SETSLOT", std::to_string(slot), "STABLE"});
        continue;
      }
      const ClusterNode* target = myself(to->second->nodes);
      std::string err;
      if (target && target->master && !target->importing.count(slot) && to->second->state_ok &&
          m->state_ok && !migrate_slots(*m, *to->second, {slot}, members, err))
        note("cannot finish the migration of slot " + std::to_string(slot) + ": " + err);
    }
  }
  if (open_slots) note("completing slot migrations left open");

  // 6. Slots served by another node group than the record's move there.
  std::map<std::pair<MemberView*, MemberView*>, std::vector<int>> moves;
  int to_move = 0;
  for (int s = 0; s < core::kSlotCount; ++s) {
    const std::string& want = wanted[static_cast<std::size_t>(s)];
    const std::string& has = owner[static_cast<std::size_t>(s)];
    if (want.empty() || has.empty()) continue;
    auto p = primary_views.find(want);
    if (p != primary_views.end() && p->second->id == has) continue;
    ++to_move;
    auto from = by_id.find(has);
    if (p == primary_views.end() || from == by_id.end()) continue;
    moves[{from->second, p->second}].push_back(s);
  }
  if (layout_seen_ != g.layout_version) {
    layout_seen_ = g.layout_version;
    to_move_at_start_ = to_move;
  }
  to_move_at_start_ = std::max(to_move_at_start_, to_move);
  if (to_move > 0) {
    busy = true;
    note(std::to_string(to_move) + " slots to migrate");
    auto stop_at = std::chrono::steady_clock::now() + kMigrationSlice;
    for (auto& [pair, slots] : moves) {
      auto [from, to] = pair;
      // Both sides must see the whole cluster first: a node still learning
      // the slots (just met) would refuse the keys, and one importing a
      // slot never learns that slot's owner from gossip.
      if (!from->reachable || !to->reachable || !knows(*from, to->id) || !knows(*to, from->id) ||
          !from->state_ok || !to->state_ok) {
        note("waiting for " + to->cluster + " to see the whole cluster");
        continue;
      }
      for (std::size_t i = 0; i < slots.size() && std::chrono::steady_clock::now() < stop_at;
           i += kSlotBatch) {
        std::vector<int> batch(
            slots.begin() + static_cast<long>(i),
            slots.begin() + static_cast<long>(std::min(i + kSlotBatch, slots.size())));
        std::string err;
        if (!migrate_slots(*from, *to, batch, members, err)) {
          note("migration from " + from->cluster + " to " + to->cluster + ": " + err);
          break;
        }
        to_move -= static_cast<int>(batch.size());
        moved_ = true;
      }
    }
  }
  report.progress = to_move_at_start_ == 0
                        ? 100.0
                        : 100.0 * (to_move_at_start_ - std::max(to_move, 0)) / to_move_at_start_;

  // The report's node groups, as the cluster serves them now.
  for (const auto& ng : g.node_groups) {
    core::admin::ClusterShardStatus shard;
    shard.node_group = ng.id;
    auto p = primaries.find(ng.id);
    if (p != primaries.end()) shard.primary = p->second;
    auto pv = primary_views.find(ng.id);
    if (pv != primary_views.end())
      if (const ClusterNode* n = find_node(seed->nodes, pv->second->id))
        shard.slots = core::format_slots(n->slots);
    for (auto& m : members) {
      if (m.node_group != ng.id || m.cluster == shard.primary || m.id.empty()) continue;
      const ClusterNode* n = find_node(seed->nodes, m.id);
      if (n && n->replica && pv != primary_views.end() && n->master_id == pv->second->id)
        shard.replicas.push_back(m.cluster);
    }
    report.shards.push_back(std::move(shard));
  }

  // Converged: every member answers, knows exactly the members, agrees on
  // which primary serves each slot (the record's layout), no migration is
  // open, every node group has its primary and its replicas follow it, and
  // every engine says cluster_state:ok.
  bool converged = !busy && up.size() == members.size();
  for (auto* m : up) {
    if (!converged) break;
    if (!m->state_ok) {
      note(m->cluster + " says cluster_state:fail");
      converged = false;
    }
    std::size_t known = 0;
    for (const auto& n : m->nodes) {
      auto other = by_id.find(n.id);
      if (other == by_id.end() || n.fail) {
        converged = false;
        note(m->cluster + " still knows node " + n.id.substr(0, 8) + " (or sees it failing)");
        continue;
      }
      ++known;
      if (!n.migrating.empty() || !n.importing.empty()) converged = false;
      // (A node's new role as a replica reaches the other views with its
      // pings, within seconds; it serves no slot meanwhile, so clients,
      // which route by slots, are not waited for it.)
    }
    if (known != members.size()) converged = false;
    std::vector<std::string> seen = slot_owners(m->nodes);
    for (int s = 0; s < core::kSlotCount && converged; ++s) {
      const std::string& want = wanted[static_cast<std::size_t>(s)];
      auto pv = primary_views.find(want);
      if (want.empty() || pv == primary_views.end() ||
          seen[static_cast<std::size_t>(s)] != pv->second->id) {
        note(m->cluster + " does not see slot " + std::to_string(s) + " where the layout has it");
        converged = false;
      }
    }
    const ClusterNode* self = myself(m->nodes);
    auto pv = primary_views.find(m->node_group);
    if (!self || pv == primary_views.end()) {
      converged = false;
    } else if (pv->second != m && !(self->replica && self->master_id == pv->second->id)) {
      note(m->cluster + " does not replicate its node group's primary yet");
      converged = false;
    }
  }
  if (primaries.size() != g.node_groups.size()) converged = false;
  for (const auto& ng : g.node_groups) {
    auto p = primaries.find(ng.id);
    if (p == primaries.end() || p->second != ng.primary) converged = false;
  }
  if (converged && !g.formed) {
    auto err = groups_.update(group_, [](core::ReplicationGroupRecord& rec) -> core::Status {
      rec.formed = true;
      return std::nullopt;
    });
    if (err) converged = false;
  }
  if (converged && g.seeding) {
    std::string err;
    if (!restore_keys(g, members, err)) {
      note("loading the snapshot's keys: " + err);
      converged = false;
      busy = true;
    }
  }
  if (converged && converged_layout_ != g.layout_version) {
    if (converged_layout_ != 0 && to_move_at_start_ > 0)
      event("Slot migration completed: " + std::to_string(g.node_groups.size()) + " node groups, " +
            std::to_string(to_move_at_start_) + " slots moved");
    converged_layout_ = g.layout_version;
  }
  return finish(converged);
}

std::string ClusterManager::failover(const core::ReplicationGroupRecord& g,
                                     const std::string& node_group) {
  const core::NodeGroupRecord* ng = g.find_node_group(node_group);
  if (!ng) return "no node group " + node_group;
  std::vector<MemberView> members = look(g);
  std::string primary_id;
  for (auto& m : members) {
    const ClusterNode* self = m.reachable ? myself(m.nodes) : nullptr;
    if (m.node_group == node_group && self && self->master && !self->slots.empty())
      primary_id = m.id;
  }
  if (primary_id.empty()) return "node group " + node_group + " has no primary answering";
  for (auto& m : members) {
    const ClusterNode* self = m.reachable ? myself(m.nodes) : nullptr;
    if (m.node_group != node_group || !self || !self->replica || self->master_id != primary_id)
      continue;
    auto r = run(m, {"CLUSTER", "FAILOVER"});
    if (!r || r->is_error()) continue;
    auto give_up = std::chrono::steady_clock::now() + kFailoverWait;
    while (std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(50ms);
      auto role = run(m, {"ROLE"});
      if (role && role->type == RespValue::Type::kArray && !role->elements.empty() &&
          role->elements[0].text == "master")
        return {};
    }
    return "replica " + m.cluster + " did not take over in time";
  }
  return "node group " + node_group + " has no replica in sync to fail over to";
}

int run_cluster_manager(const DaemonOptions& o) {
  core::StateHome home{core::fs::path(o.state_dir)};
  core::ReplicationGroupStore groups(home);
  auto group = groups.get(o.cluster);
  if (!group) {
    std::fprintf(stderr, "cachectl-node: %s\n", group.error().message.c_str());
    return 1;
  }
  auto key = core::load_or_create_command_key(core::group_dir(home, group->id));
  if (!key) {
    std::fprintf(stderr, "cachectl-node: %s\n", key.error().message.c_str());
    return 1;
  }
  ClusterManager manager(home, group->id, *key);
  ::fcntl(0, F_SETFL, ::fcntl(0, F_GETFL) | O_NONBLOCK);
  std::string input;
  auto say = [](const json& line) {
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    // The group daemon reads every line; a write cut short is finished.
    for (std::size_t done = 0; done < text.size();) {
      ssize_t n = ::write(1, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) std::exit(0);  // the group daemon is gone
      done += static_cast<std::size_t>(n);
    }
  };
  std::string last_report;
  auto last_said = std::chrono::steady_clock::now() - 1h;
  for (;;) {
    auto g = groups.get(group->id);
    if (!g) {
      if (g.error().code == "ReplicationGroupNotFoundFault") return 0;
      std::fprintf(stderr, "%s\n", g.error().message.c_str());
      std::this_thread::sleep_for(kIdleInterval);
      continue;
    }
    if (g->lifecycle == core::Lifecycle::kDeleting) return 0;
    // Requests first: a failover asked for is done before more work.
    std::vector<json> requests;
    for (std::size_t eol; (eol = input.find('\n')) != std::string::npos;) {
      json j = json::parse(input.substr(0, eol), nullptr, false);
      input.erase(0, eol + 1);
      if (j.is_object()) requests.push_back(std::move(j));
    }
    for (const auto& r : requests) {
      if (!r.contains("failover") || !r["failover"].is_string()) continue;
      std::string why = manager.failover(*g, r["failover"].get<std::string>());
      say({{"reply", r.value("request", 0)}, {"ok", why.empty()}, {"error", why}});
    }
    bool busy = false;
    core::admin::ClusterReport report = manager.pass(*g, busy);
    std::string text = core::admin::to_json(report);
    auto now = std::chrono::steady_clock::now();
    if (text != last_report || now - last_said >= kIdleInterval) {
      say({{"report", json::parse(text)}});
      last_report = text;
      last_said = now;
    }
    // Slots still moving: straight on (after a look at the input); gossip
    // to wait for: shortly; in sync: a second, or at once when asked.
    auto wait = manager.moved_slots() ? 0ms
                : busy                ? kBusyInterval
                : report.converged    ? kIdleInterval
                                      : kBusyInterval * 5;
    pollfd p{0, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
      char buf[4096];
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n == 0) return 0;  // the group daemon closed our input: it is gone
      if (n > 0) input.append(buf, static_cast<std::size_t>(n));
      if (input.size() > (1 << 20)) input.clear();
    }
  }
}

}  // namespace cachectl::node
