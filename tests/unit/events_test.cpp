// core/events.h: the append-only event log behind DescribeEvents.
#include "core/events.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>

#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

using namespace std::chrono;

const TimePoint kBase = TimePoint(sys_days{2026y / November / 25} + hours{6});

EventFilter Everything() {
  EventFilter f;
  f.start = TimePoint{};
  f.end = kBase + days{365};
  return f;
}

class EventLogTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"ccev"};
  void SetUp() override {
    dir_ = tmp_.path();
    file_ = dir_ / "events.toml";
  }

  void Append(const Event& e) {
    Status s = EventLog(file_).append(e);
    ASSERT_FALSE(s.has_value()) << s->message;
  }
  void AppendRaw(const std::string& bytes) {
    std::ofstream out(file_, std::ios::binary | std::ios::app);
    out << bytes;
  }
  std::vector<Event> Read(const EventFilter& f = Everything()) const {
    auto events = EventLog(file_).read(f);
    EXPECT_TRUE(events.ok()) << events.error().message;
    return events ? *events : std::vector<Event>{};
  }
  // The error of reading a broken file (which must name it).
  std::string ReadError() const {
    auto events = EventLog(file_).read(Everything());
    EXPECT_FALSE(events.ok());
    if (events) return "";
    EXPECT_EQ(events.error().code, kRegistryFileInvalid);
    EXPECT_NE(events.error().message.find(file_.string()), std::string::npos)
        << events.error().message;
    return events.error().message;
  }

  fs::path dir_;
  fs::path file_;
};

std::vector<std::string> Messages(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

TEST_F(EventLogTest, MissingFileHasNoEvents) { EXPECT_TRUE(Read().empty()); }

TEST_F(EventLogTest, AppendedEventsReadBackInOrder) {
  Append({"alpha", "cache-cluster", "Cache cluster created", kBase});
  Append({"alpha", "cache-cluster", "Cache node 0001 restarted", kBase + seconds{5}});
  Append({"bravo", "cache-cluster", "Cache cluster deleted", kBase + milliseconds{5500}});
  auto events = Read();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].source_identifier, "alpha");
  EXPECT_EQ(events[0].source_type, "cache-cluster");
  EXPECT_EQ(events[0].message, "Cache cluster created");
  EXPECT_EQ(events[0].date, kBase);
  EXPECT_EQ(events[1].date, kBase + seconds{5});
  EXPECT_EQ(events[2].source_identifier, "bravo");
  EXPECT_EQ(events[2].date, kBase + milliseconds{5500});
}

TEST_F(EventLogTest, OldestFirstWhateverTheAppendOrder) {
  Append({"a", "cache-cluster", "third", kBase + seconds{3}});
  Append({"a", "cache-cluster", "first", kBase + seconds{1}});
  Append({"a", "cache-cluster", "second-a", kBase + seconds{2}});
  Append({"a", "cache-cluster", "second-b", kBase + seconds{2}});
  EXPECT_EQ(Messages(Read()), (std::vector<std::string>{"first", "second-a", "second-b", "third"}));
}

TEST_F(EventLogTest, MessagesKeepAnyText) {
  std::string tricky = "quote \" apostrophe ' newline\n[[events]]\nsource_identifier = 'x'\n ünï";
  Append({"alpha", "cache-cluster", tricky, kBase});
  Append({"alpha", "cache-cluster", "after", kBase + seconds{1}});
  auto events = Read();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].message, tricky);
  EXPECT_EQ(events[1].message, "after");
}

TEST_F(EventLogTest, FilterBySourceIdentifier) {
  Append({"alpha", "cache-cluster", "a1", kBase});
  Append({"bravo", "cache-cluster", "b1", kBase + seconds{1}});
  Append({"alpha", "cache-cluster", "a2", kBase + seconds{2}});
  EventFilter f = Everything();
  f.source_identifier = "alpha";
  EXPECT_EQ(Messages(Read(f)), (std::vector<std::string>{"a1", "a2"}));
  f.source_identifier = "nosuch";
  EXPECT_TRUE(Read(f).empty());
}

TEST_F(EventLogTest, FilterBySourceType) {
  Append({"alpha", "cache-cluster", "cluster", kBase});
  Append({"default.redis7", "cache-parameter-group", "group", kBase + seconds{1}});
  EventFilter f = Everything();
  f.source_type = "cache-parameter-group";
  EXPECT_EQ(Messages(Read(f)), (std::vector<std::string>{"group"}));
  f.source_type = "cache-cluster";
  f.source_identifier = "default.redis7";
  EXPECT_TRUE(Read(f).empty()) << "both filters apply";
}

TEST_F(EventLogTest, FilterByTimeRangeIncludesBothEnds) {
  for (int i = 0; i < 10; ++i)
    Append({"alpha", "cache-cluster", "m" + std::to_string(i), kBase + minutes{i}});
  EventFilter f = Everything();
  f.start = kBase + minutes{3};
  f.end = kBase + minutes{5};
  EXPECT_EQ(Messages(Read(f)), (std::vector<std::string>{"m3", "m4", "m5"}));
  f.start = kBase + minutes{3} + milliseconds{1};
  f.end = kBase + minutes{5} - milliseconds{1};
  EXPECT_EQ(Messages(Read(f)), (std::vector<std::string>{"m4"}));
  f.start = kBase + hours{1};
  f.end = kBase + hours{2};
  EXPECT_TRUE(Read(f).empty());
}

// A broken block is never skipped: reading says which file and where, so
// that nothing is dropped silently.
TEST_F(EventLogTest, GarbageBlockIsAnErrorNamingTheFileAndLine) {
  Append({"alpha", "cache-cluster", "before", kBase});
  AppendRaw("\n[[events]]\nthis is = not [ toml\n");
  Append({"alpha", "cache-cluster", "after", kBase + seconds{1}});
  EXPECT_NE(ReadError().find("at line 8"), std::string::npos);
}

TEST_F(EventLogTest, BlockMissingAFieldIsAnError) {
  Append({"alpha", "cache-cluster", "before", kBase});
  AppendRaw(
      "\n[[events]]\nsource_identifier = 'x'\nsource_type = 'cache-cluster'\n"
      "message = 'no date'\n");
  EXPECT_NE(ReadError().find("date"), std::string::npos);
}

TEST_F(EventLogTest, TornBlockIsAnError) {
  Append({"alpha", "cache-cluster", "before", kBase});
  AppendRaw("\n[[events]]\ndate = 2026-11-25T06:00:00Z\nmessage = 'cut her");
  Append({"alpha", "cache-cluster", "after-1", kBase + seconds{1}});
  ReadError();
}

TEST_F(EventLogTest, GarbageBeforeTheFirstBlockIsAnError) {
  AppendRaw("garbage\n");
  Append({"alpha", "cache-cluster", "after", kBase});
  ReadError();
}

TEST_F(EventLogTest, EmptyFileHasNoEvents) {
  AppendRaw("");
  EXPECT_TRUE(Read().empty());
}

TEST_F(EventLogTest, UnwritableFileIsAnErrorNamingIt) {
  fs::create_directory(file_);  // a directory where the file should be
  Status s = EventLog(file_).append({"alpha", "cache-cluster", "lost", kBase});
  ASSERT_TRUE(s.has_value());
  EXPECT_NE(s->message.find(file_.string()), std::string::npos) << s->message;
}

TEST_F(EventLogTest, ConcurrentAppendsFromManyProcessesAreAllKept) {
  constexpr int kProcesses = 8;
  constexpr int kEach = 50;
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      while (::read(gate[0], &c, 1) < 0 && errno == EINTR) {
      }
      EventLog log(file_);
      int failures = 0;
      for (int i = 0; i < kEach; ++i) {
        // Long messages make interleaving visible if writes were split.
        Event e{"p" + std::to_string(p), "cache-cluster",
                std::to_string(i) + ":" + std::string(200 + 37 * i, 'x'),
                kBase + seconds{i} + milliseconds{p}};
        if (log.append(e)) ++failures;
      }
      ::_exit(failures);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto events = Read();
  ASSERT_EQ(events.size(), static_cast<std::size_t>(kProcesses * kEach));
  std::map<std::string, std::set<int>> seen;
  for (const auto& e : events) {
    int seq = std::stoi(e.message.substr(0, e.message.find(':')));
    EXPECT_EQ(e.message.size(), e.message.find(':') + 1 + 200 + 37 * seq) << "intact message";
    EXPECT_TRUE(seen[e.source_identifier].insert(seq).second);
  }
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kProcesses));
  for (const auto& [source, seqs] : seen)
    EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kEach)) << source;
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].date, events[i].date);
}

}  // namespace
}  // namespace cachectl::core
