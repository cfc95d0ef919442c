#include "node/background_save.h"

#include <cstdlib>

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

constexpr auto kPollInterval = 20ms;
constexpr auto kCommandTimeout = 5s;
constexpr auto kSaveLimit = 30min;

}  // namespace

std::string info_field(const std::string& info, const std::string& key) {
  std::string text = "\n" + info;
  std::size_t at = text.find("\n" + key + ":");
  if (at == std::string::npos) return {};
  std::size_t start = at + key.size() + 2;
  std::size_t end = text.find_first_of("\r\n", start);
  return text.substr(start, end - start);
}

BackgroundSave::BackgroundSave(EngineClient& client, std::string bgsave_command)
    : client_(client), bgsave_(std::move(bgsave_command)) {}

void BackgroundSave::finish(bool ok, const std::string& why) {
  Done done = std::move(done_);
  done_ = nullptr;
  next_ask_ = SteadyTime::max();
  deadline_ = SteadyTime::max();
  if (done) done(ok, why);
}

void BackgroundSave::start(SteadyTime now, Done done) {
  done_ = std::move(done);
  saves_before_ = -1;
  deadline_ = now + kSaveLimit;
  next_ask_ = SteadyTime::max();
  asking_ = true;
  generation_ = client_.generation();
  // Pipelined: the save count before, then the save.
  client_.send(
      {"INFO", "persistence"},
      [this](const EngineClient::Reply& r) {
        if (!running()) return;
        if (!r) return finish(false, "the engine does not answer");
        saves_before_ = std::atoll(info_field(*r, "rdb_saves").c_str());
      },
      kCommandTimeout, now);
  client_.send(
      {bgsave_},
      [this](const EngineClient::Reply& r) {
        asking_ = false;
        if (!running()) return;
        if (!r || r->rfind("+", 0) != 0)
          return finish(false, "BGSAVE was refused: " + r.value_or("no answer"));
        next_ask_ = std::chrono::steady_clock::now() + kPollInterval;
      },
      kCommandTimeout, now);
}

void BackgroundSave::ask(SteadyTime now) {
  // A dropped connection (the engine restarted or died) ends the save: a
  // new engine's counters say nothing about it.
  if (client_.generation() != generation_)
    return finish(false, "the engine went away during BGSAVE");
  asking_ = true;
  next_ask_ = SteadyTime::max();
  client_.send(
      {"INFO", "persistence"},
      [this](const EngineClient::Reply& r) {
        asking_ = false;
        if (!running()) return;
        if (!r) return finish(false, "the engine stopped answering during BGSAVE");
        bool finished = info_field(*r, "rdb_bgsave_in_progress") == "0" &&
                        std::atoll(info_field(*r, "rdb_saves").c_str()) > saves_before_;
        if (!finished) {
          next_ask_ = std::chrono::steady_clock::now() + kPollInterval;
        } else if (info_field(*r, "rdb_last_bgsave_status") != "ok") {
          finish(false, "BGSAVE failed (see engine.log)");
        } else {
          finish(true, "");
        }
      },
      kCommandTimeout, now);
}

void BackgroundSave::tick(SteadyTime now) {
  if (!running()) return;
  if (now >= deadline_) return finish(false, "BGSAVE did not finish in time");
  if (!asking_ && now >= next_ask_) ask(now);
}

SteadyTime BackgroundSave::next_deadline() const {
  if (!running()) return SteadyTime::max();
  return asking_ ? deadline_ : std::min(next_ask_, deadline_);
}

}  // namespace cachectl::node
