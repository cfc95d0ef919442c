// Fills a state home's event store for bench/events.sh: N events through
// core::EventLog (the writers' own code), spread evenly over the window
// ending now (14 days: a home at its retention limit; or an hour: every
// event in the window `describe-events --duration 60` reads).
//   events_fill_bench STATE_DIR N WINDOW_MINUTES
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/state_home.h"

int main(int argc, char** argv) {
  using namespace std::chrono;
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s STATE_DIR N WINDOW_MINUTES\n", argv[0]);
    return 2;
  }
  cachectl::core::StateHome home{argv[1]};
  cachectl::core::EventLog log(home.events_dir());
  const long n = std::atol(argv[2]);
  const auto window = minutes(std::atol(argv[3]));
  const auto now = system_clock::now();
  const char* types[] = {"cache-cluster", "replication-group", "cache-parameter-group",
                         "cache-subnet-group"};
  std::vector<cachectl::core::Event> batch;
  for (long i = 0; i < n; ++i) {
    auto date =
        now - window + duration_cast<system_clock::duration>(window * (i + 1) / n) - seconds(1);
    std::string id = "cluster-" + std::to_string(i % 500);
    batch.emplace_back(id, types[i % 4],
                       "Cache node 0001 restarted (event " + std::to_string(i) + ")", date);
    if (batch.size() == 2000 || i + 1 == n) {
      if (auto err = log.append(batch)) {
        std::fprintf(stderr, "%s\n", err->message.c_str());
        return 1;
      }
      batch.clear();
    }
  }
  return 0;
}
