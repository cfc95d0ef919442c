// serve/worker.h's frames between the server and its workers, and the
// request ids of serve/query_api.h.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "serve/worker.h"

namespace cachectl::serve {
namespace {

TEST(Frames, ComeOffTheBufferWholeAndInOrder) {
  std::string buffer = frame("first") + frame("") + frame(std::string(100000, 'x'));
  std::string partial = frame("next");
  buffer += partial.substr(0, 6);
  bool broken = false;
  EXPECT_EQ(take_frame(buffer, broken), "first");
  EXPECT_EQ(take_frame(buffer, broken), "");
  EXPECT_EQ(take_frame(buffer, broken)->size(), 100000u);
  EXPECT_EQ(take_frame(buffer, broken), std::nullopt);
  buffer += partial.substr(6);
  EXPECT_EQ(take_frame(buffer, broken), "next");
  EXPECT_TRUE(buffer.empty());
  EXPECT_FALSE(broken);
}

TEST(Frames, ALengthOverTheLimitIsBroken) {
  std::string buffer = "\xff\xff\xff\xff" + std::string("rest");
  bool broken = false;
  EXPECT_EQ(take_frame(buffer, broken), std::nullopt);
  EXPECT_TRUE(broken);
}

TEST(Answers, RoundTripThroughTheirPayload) {
  QueryAnswer a{404, "id-1", "<ErrorResponse>\n</ErrorResponse>"};
  auto back = parse_answer_payload(answer_payload(a));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status, 404);
  EXPECT_EQ(back->request_id, "id-1");
  EXPECT_EQ(back->body, a.body);
  for (const char* bad : {"", "200", "abc id\nbody", "99 id\n", "200id\n"})
    EXPECT_EQ(parse_answer_payload(bad), std::nullopt) << bad;
}

TEST(RequestIds, AreVersionFourUuidsAndDiffer) {
  RequestIds ids;
  std::set<std::string> seen;
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.next();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace cachectl::serve
