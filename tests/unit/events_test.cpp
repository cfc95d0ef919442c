// core/events.h: the event store behind DescribeEvents (hourly segments of
// JSON lines, read newest first from their ends).
#include "core/events.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
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

EventQuery Everything() {
  EventQuery q;
  q.start = TimePoint{};
  q.end = kBase + days{365};
  q.max_records = 1000;
  return q;
}

class EventLogTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"ccev"};
  void SetUp() override { dir_ = tmp_.path() / "events"; }

  void Append(const Event& e) {
    Status s = EventLog(dir_).append(e);
    ASSERT_FALSE(s.has_value()) << s->message;
  }
  void AppendRaw(const std::string& segment, const std::string& bytes) {
    fs::create_directories(dir_);
    std::ofstream out(dir_ / segment, std::ios::binary | std::ios::app);
    out << bytes;
  }
  EventPage Page(const EventQuery& q) const {
    auto page = EventLog(dir_).newest_first(q);
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page ? *page : EventPage{};
  }
  std::vector<Event> Read(const EventQuery& q = Everything()) const { return Page(q).events; }

  fs::path dir_;
};

std::vector<std::string> Messages(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

TEST_F(EventLogTest, NoFolderHasNoEvents) { EXPECT_TRUE(Read().empty()); }

TEST_F(EventLogTest, AppendedEventsReadBackNewestFirst) {
  Append({"alpha", "cache-cluster", "Cache cluster created", kBase});
  Append({"alpha", "cache-cluster", "Cache node 0001 restarted", kBase + seconds{5}});
  Append({"bravo", "cache-cluster", "Cache cluster deleted", kBase + microseconds{5500123}});
  auto events = Read();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].source_identifier, "alpha");
  EXPECT_EQ(events[2].source_type, "cache-cluster");
  EXPECT_EQ(events[2].message, "Cache cluster created");
  EXPECT_EQ(events[2].date, kBase);
  EXPECT_EQ(events[1].date, kBase + seconds{5});
  EXPECT_EQ(events[0].source_identifier, "bravo");
  EXPECT_EQ(events[0].date, kBase + microseconds{5500123});
}

TEST_F(EventLogTest, OneHourPerSegmentOwnerOnly) {
  Append({"a", "cache-cluster", "six", kBase});
  Append({"a", "cache-cluster", "seven", kBase + hours{1} + minutes{5}});
  std::vector<std::string> names = EventLog(dir_).segments();
  EXPECT_EQ(names, (std::vector<std::string>{"2026-11-25T06.events", "2026-11-25T07.events"}));
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir_ / names[0]).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Newest hour first.
  EXPECT_EQ(Messages(Read()), (std::vector<std::string>{"seven", "six"}));
}

TEST_F(EventLogTest, SeveralEventsAreOneWriteInTheirOrder) {
  ASSERT_FALSE(EventLog(dir_)
                   .append({{"a", "cache-cluster", "Added cache node 0001", kBase},
                            {"a", "cache-cluster", "Cache cluster created", kBase}})
                   .has_value());
  EXPECT_EQ(Messages(Read()),
            (std::vector<std::string>{"Cache cluster created", "Added cache node 0001"}));
}

TEST_F(EventLogTest, MessagesKeepAnyText) {
  std::string tricky = "quote \" apostrophe ' newline\n{\"date\":\"x\"}\n ünï \t\\";
  Append({"alpha", "cache-cluster", tricky, kBase});
  Append({"alpha", "cache-cluster", "after", kBase + seconds{1}});
  auto events = Read();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].message, tricky);
  EXPECT_EQ(events[0].message, "after");
}

TEST_F(EventLogTest, TopicGoesWithTheEvent) {
  Append({"alpha", "cache-cluster", "m", kBase, "arn:aws:sns:us-east-1:000000000000:ops"});
  Append({"alpha", "cache-cluster", "n", kBase});
  auto events = Read();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].topic, "arn:aws:sns:us-east-1:000000000000:ops");
  EXPECT_EQ(events[0].topic, "");
}

TEST_F(EventLogTest, FilterBySourceIdentifier) {
  Append({"alpha", "cache-cluster", "a1", kBase});
  Append({"bravo", "cache-cluster", "b1", kBase + seconds{1}});
  Append({"alpha", "cache-cluster", "a2", kBase + seconds{2}});
  Append({"alpha2", "cache-cluster", "x", kBase + seconds{3}});
  EventQuery q = Everything();
  q.source_identifier = "alpha";
  EXPECT_EQ(Messages(Read(q)), (std::vector<std::string>{"a2", "a1"}));
  q.source_identifier = "nosuch";
  EXPECT_TRUE(Read(q).empty());
}

TEST_F(EventLogTest, FilterBySourceType) {
  Append({"alpha", "cache-cluster", "cluster", kBase});
  Append({"default.redis7", "cache-parameter-group", "group", kBase + seconds{1}});
  EventQuery q = Everything();
  q.source_type = "cache-parameter-group";
  EXPECT_EQ(Messages(Read(q)), (std::vector<std::string>{"group"}));
  q.source_type = "cache-cluster";
  q.source_identifier = "default.redis7";
  EXPECT_TRUE(Read(q).empty()) << "both filters apply";
}

TEST_F(EventLogTest, FilterByTimeRangeIncludesBothEnds) {
  for (int i = 0; i < 10; ++i)
    Append({"alpha", "cache-cluster", "m" + std::to_string(i), kBase + minutes{i * 20}});
  EventQuery q = Everything();
  q.start = kBase + minutes{60};
  q.end = kBase + minutes{100};
  EXPECT_EQ(Messages(Read(q)), (std::vector<std::string>{"m5", "m4", "m3"}));
  q.start = kBase + minutes{60} + microseconds{1};
  q.end = kBase + minutes{100} - microseconds{1};
  EXPECT_EQ(Messages(Read(q)), (std::vector<std::string>{"m4"}));
  q.start = kBase + hours{10};
  q.end = kBase + hours{11};
  EXPECT_TRUE(Read(q).empty());
  q = Everything();
  q.oldest_kept = kBase + minutes{150};
  EXPECT_EQ(Messages(Read(q)), (std::vector<std::string>{"m9", "m8"}));
}

TEST_F(EventLogTest, PagesFollowTheMarker) {
  for (int i = 0; i < 7; ++i)
    Append({"alpha", "cache-cluster", "m" + std::to_string(i), kBase + minutes{i * 25}});
  EventQuery q = Everything();
  q.max_records = 3;
  std::vector<std::string> all;
  int pages = 0;
  do {
    EventPage page = Page(q);
    for (const auto& e : page.events) all.push_back(e.message);
    q.marker = page.marker;
    ++pages;
  } while (!q.marker.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(all, (std::vector<std::string>{"m6", "m5", "m4", "m3", "m2", "m1", "m0"}));
  // Exactly a page: no marker.
  q = Everything();
  q.max_records = 7;
  EXPECT_TRUE(Page(q).marker.empty());
}

TEST_F(EventLogTest, MarkersNotOfTheStoreAreInvalid) {
  Append({"alpha", "cache-cluster", "m", kBase});
  for (const char* bad : {"20", "x@1", "2026-11-25T06.events@", "2026-11-25T06.events@-1", "../x@5",
                          "2026-11-25T06.events@12x"}) {
    EventQuery q = Everything();
    q.marker = bad;
    auto page = EventLog(dir_).newest_first(q);
    ASSERT_FALSE(page.ok()) << bad;
    EXPECT_EQ(page.error().code, "InvalidParameterValue");
  }
}

// A torn line (a writer killed in its write, a power cut) is skipped, and
// the events after it are whole: each write starts with a newline.
TEST_F(EventLogTest, TornOrGarbageLinesAreSkippedAndBreakNothingAfter) {
  Append({"alpha", "cache-cluster", "before", kBase});
  AppendRaw("2026-11-25T06.events",
            "\n{\"date\":\"2026-11-25T06:00:01.000000Z\",\"type\":\"cache-clu");
  Append({"alpha", "cache-cluster", "after-1", kBase + seconds{2}});
  AppendRaw("2026-11-25T06.events", "\nthis is not json\n\n{\"date\":\"nope\"}");
  Append({"alpha", "cache-cluster", "after-2", kBase + seconds{3}});
  EXPECT_EQ(Messages(Read()), (std::vector<std::string>{"after-2", "after-1", "before"}));
}

TEST_F(EventLogTest, ReadFromStopsBeforeALastLineInProgress) {
  Append({"alpha", "cache-cluster", "one", kBase});
  Append({"alpha", "cache-cluster", "two", kBase + seconds{1}});
  AppendRaw("2026-11-25T06.events", "\n{\"date\":\"2026-11-25T06:00:02");
  EventLog log(dir_);
  auto read = log.read_from("2026-11-25T06.events", 0);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[1].event.message, "two");
  // From the second's end: nothing whole yet.
  auto rest = log.read_from("2026-11-25T06.events", (*read)[1].end);
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty());
  // Once something follows, the torn line is passed.
  Append({"alpha", "cache-cluster", "three", kBase + seconds{3}});
  rest = log.read_from("2026-11-25T06.events", (*read)[1].end);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].event.message, "three");
}

TEST_F(EventLogTest, ANewHourRemovesSegmentsPastTheRetention) {
  auto now = system_clock::now();
  Append({"a", "cache-cluster", "old", now - kEventRetention - hours{3}});
  Append({"a", "cache-cluster", "kept", now - kEventRetention + hours{3}});
  // Written after the old one: a new segment sweeps.
  Append({"a", "cache-cluster", "new", now});
  EventQuery q = Everything();
  q.end = now + hours{1};
  EXPECT_EQ(Messages(Read(q)), (std::vector<std::string>{"new", "kept"}));
  EXPECT_EQ(EventLog(dir_).segments().size(), 2u);
}

TEST_F(EventLogTest, UnwritableSegmentIsAnErrorNamingIt) {
  fs::create_directories(dir_ / "2026-11-25T06.events");  // a directory where the file should be
  Status s = EventLog(dir_).append({"alpha", "cache-cluster", "lost", kBase});
  ASSERT_TRUE(s.has_value());
  EXPECT_NE(s->message.find((dir_ / "2026-11-25T06.events").string()), std::string::npos)
      << s->message;
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
      EventLog log(dir_);
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
}

TEST(EventLine, RoundTripsAndRefusesPrefixes) {
  Event e{"id \"q\"", "cache-cluster", "m\n",
          TimePoint(sys_days{2026y / May / 1}) + microseconds{7}, "arn:aws:sns:r:0:t"};
  std::string line = event_line(e);
  auto back = parse_event_line(line);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->source_identifier, e.source_identifier);
  EXPECT_EQ(back->message, e.message);
  EXPECT_EQ(back->date, e.date);
  EXPECT_EQ(back->topic, e.topic);
  for (std::size_t n = 0; n < line.size(); ++n)
    EXPECT_FALSE(parse_event_line(line.substr(0, n)).has_value()) << n;
}

}  // namespace
}  // namespace cachectl::core
