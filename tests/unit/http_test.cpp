// node/http.h: the admin socket's HTTP/1.1 subset: one request per
// connection, bodies by Content-Length.
#include "node/http.h"

#include <gtest/gtest.h>

#include <string>

namespace cachectl::node {
namespace {

void ExpectBad(std::string_view data, int status) {
  ParseResult r = parse_http_request(data);
  EXPECT_EQ(r.state, ParseState::kBad) << data.substr(0, 200);
  EXPECT_EQ(r.status, status) << data.substr(0, 200);
  EXPECT_FALSE(r.reason.empty());
}

TEST(ParseHttpRequest, CompleteGet) {
  ParseResult r = parse_http_request("GET /status HTTP/1.1\r\nHost: node\r\nAccept: */*\r\n\r\n");
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.path, "/status");
  EXPECT_EQ(r.request.body, "");
}

TEST(ParseHttpRequest, QueryStringIsNotPartOfThePath) {
  ParseResult r = parse_http_request("GET /nodes/0001?verbose=1 HTTP/1.1\r\n\r\n");
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(r.request.path, "/nodes/0001");
}

TEST(ParseHttpRequest, Http10IsAccepted) {
  EXPECT_EQ(parse_http_request("GET / HTTP/1.0\r\n\r\n").state, ParseState::kComplete);
}

TEST(ParseHttpRequest, PostBodyByContentLength) {
  std::string body = R"({"action":"reboot"})";
  std::string req =
      "POST /reboot HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  ParseResult r = parse_http_request(req);
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(r.request.method, "POST");
  EXPECT_EQ(r.request.path, "/reboot");
  EXPECT_EQ(r.request.body, body);
}

TEST(ParseHttpRequest, ContentLengthHeaderNameIsCaseInsensitive) {
  ParseResult r = parse_http_request("POST /x HTTP/1.1\r\ncontent-length:   5  \r\n\r\nhelloEXTRA");
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(r.request.body, "hello") << "bytes past Content-Length are not the body";
}

TEST(ParseHttpRequest, EveryPrefixOfARequestIsIncomplete) {
  std::string req = "POST /config HTTP/1.1\r\nContent-Length: 11\r\n\r\n{\"a\":\"bcd\"}";
  for (std::size_t n = 0; n < req.size(); ++n) {
    ParseResult r = parse_http_request(std::string_view(req).substr(0, n));
    EXPECT_EQ(r.state, ParseState::kIncomplete) << "after " << n << " bytes";
  }
  ParseResult r = parse_http_request(req);
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(r.request.body, "{\"a\":\"bcd\"}");
}

TEST(ParseHttpRequest, GarbageRequestLineIs400) {
  ExpectBad("HELLO\r\n\r\n", 400);
  ExpectBad("\r\n\r\n", 400);
  ExpectBad("GET\r\n\r\n", 400);
  ExpectBad("get / HTTP/1.1\r\n\r\n", 400);
  ExpectBad("GET status HTTP/1.1\r\n\r\n", 400);
  ExpectBad("GET  HTTP/1.1\r\n\r\n", 400);
  ExpectBad("\x16\x03\x01 / HTTP/1.1\r\n\r\n", 400);
}

TEST(ParseHttpRequest, MalformedHeaderLineIs400) {
  ExpectBad("GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400);
  ExpectBad("GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400);
}

TEST(ParseHttpRequest, BadContentLengthIs400) {
  ExpectBad("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400);
  ExpectBad("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
  ExpectBad("POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\nhello", 400);
  ExpectBad("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400);
}

TEST(ParseHttpRequest, UnterminatedHeaderOver16KiBIs431) {
  std::string req = "GET / HTTP/1.1\r\nX-Filler: " + std::string(16 * 1024, 'a');
  ExpectBad(req, 431);
  // Up to the limit, more bytes may still come.
  std::string small = "GET / HTTP/1.1\r\nX-Filler: " + std::string(8 * 1024, 'a');
  EXPECT_EQ(parse_http_request(small).state, ParseState::kIncomplete);
}

TEST(ParseHttpRequest, CompleteHeaderOver16KiBIs431) {
  // The limit must not depend on how the bytes arrived: a header block over
  // 16 KiB that came in one read is refused as well.
  std::string req = "GET / HTTP/1.1\r\nX-Filler: " + std::string(20 * 1024, 'a') + "\r\n\r\n";
  ExpectBad(req, 431);
}

TEST(ParseHttpRequest, BodyOverOneMiBIs413) {
  ExpectBad("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n", 413);
  ExpectBad("POST / HTTP/1.1\r\nContent-Length: 4000000000\r\n\r\n", 413);
  // Exactly 1 MiB is allowed: wait for it.
  EXPECT_EQ(parse_http_request("POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n").state,
            ParseState::kIncomplete);
}

TEST(ParseHttpRequest, ChunkedBodiesAre400) {
  ExpectBad("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
  ExpectBad("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n", 400);
}

TEST(ParseHttpRequest, OtherHttpVersionsAre505) {
  ExpectBad("GET / HTTP/2.0\r\n\r\n", 505);
  ExpectBad("GET / HTTP/0.9\r\n\r\n", 505);
  ExpectBad("GET / FOO\r\n\r\n", 505);
}

TEST(ParseHttpRequest, KeepsHeadersQueryVersionAndItsLength) {
  std::string first =
      "POST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: h:1\r\nX-Amz-Date:  20260101T000000Z \r\n"
      "Content-Length: 3\r\n\r\nabc";
  ParseResult r = parse_http_request(first + "GET / HTTP/1.1\r\n\r\n");
  ASSERT_EQ(r.state, ParseState::kComplete);
  EXPECT_EQ(r.request.path, "/a/b");
  EXPECT_EQ(r.request.query, "x=1&y=%20");
  EXPECT_EQ(r.request.version, "HTTP/1.1");
  EXPECT_EQ(r.request.body, "abc");
  EXPECT_EQ(r.request.length, first.size());  // the pipelined GET is left alone
  ASSERT_EQ(r.request.headers.size(), 3u);
  EXPECT_EQ(r.request.headers[1].first, "X-Amz-Date");
  EXPECT_EQ(r.request.header("x-amz-date"), "20260101T000000Z");
  EXPECT_EQ(r.request.header("HOST"), "h:1");
  EXPECT_EQ(r.request.header("Authorization"), std::nullopt);
}

TEST(ParseHttpRequest, LimitsAreTheCallers) {
  HttpLimits small{64, 10};
  EXPECT_EQ(parse_http_request("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", small).status, 413);
  EXPECT_EQ(parse_http_request("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n", small).state,
            ParseState::kIncomplete);
  EXPECT_EQ(
      parse_http_request("GET / HTTP/1.1\r\nX: " + std::string(64, 'a') + "\r\n\r\n", small).status,
      431);
}

TEST(HttpResponse, IsStatusLineJsonHeadersAndBody) {
  EXPECT_EQ(http_response(200, "{}"),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\n{}");
}

TEST(HttpResponse, ReasonPhrasesFollowTheStatus) {
  EXPECT_EQ(http_response(404, "").rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_EQ(http_response(400, "").rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  EXPECT_EQ(http_response(413, "").rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u);
  EXPECT_EQ(http_response(431, "").rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0),
            0u);
  EXPECT_EQ(http_response(505, "").rfind("HTTP/1.1 505 HTTP Version Not Supported\r\n", 0), 0u);
  EXPECT_EQ(http_response(503, "").rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u);
}

TEST(HttpResponse, ContentLengthCountsBytes) {
  std::string body = "{\"message\":\"ünïcode\"}";
  std::string out = http_response(200, body);
  EXPECT_NE(out.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - body.size()), body);
  EXPECT_EQ(out.find("\r\n\r\n") + 4, out.size() - body.size());
}

}  // namespace
}  // namespace cachectl::node
