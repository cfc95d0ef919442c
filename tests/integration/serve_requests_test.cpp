// cachectl serve against bad and hostile requests, over plain sockets: the
// Query API's error for each (unknown or unimplemented Action, missing
// Version, malformed form encoding, a member of the wrong type, an unknown
// parameter), a 10 MB body, a client that never finishes its request, a
// worker killed while it runs an operation (answered once, never run
// again), keep-alive and pipelining, and signatures with --credentials. After
// each, the server still serves.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/serve_fixture.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Answer {
  int status = 0;  // 0: no answer
  std::string head, body;
  bool closed = false;  // the server closed the connection after it
  std::string code() const {
    std::smatch m;
    static const std::regex code_re("<Code>([^<]*)</Code>");
    return std::regex_search(body, m, code_re) ? m[1].str() : "";
  }
};

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads one answer (head + Content-Length body) from `fd`, keeping what
// follows in `buffer`; status 0 when none comes within `timeout`.
Answer read_answer(int fd, std::string& buffer, std::chrono::milliseconds timeout = 10s) {
  Answer a;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::size_t end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::smatch m;
      std::string head = buffer.substr(0, end);
      static const std::regex length_re("Content-Length: (\\d+)");
      std::size_t length = std::regex_search(head, m, length_re) ? std::stoul(m[1].str()) : 0;
      if (buffer.size() >= end + 4 + length) {
        a.head = head;
        a.status = std::stoi(head.substr(9, 3));
        a.body = buffer.substr(end + 4, length);
        buffer.erase(0, end + 4 + length);
        a.closed = head.find("Connection: close") != std::string::npos;
        return a;
      }
    }
    if (!read_some(fd, buffer, deadline)) return a;
  }
}

std::string post(const std::string& body, const std::string& extra_headers = "") {
  return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded; "
         "charset=utf-8\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Whether the connection was closed by the server (EOF) within `timeout`.
bool closed_by_server(int fd, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return true;
  }
  return false;
}

const std::string kDescribe = "Action=DescribeCacheClusters&Version=2015-02-02";

// argv run as user nobody (the tests run as root, as CI does).
std::vector<std::string> as_nobody(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"});
  return argv;
}

class ServeRequests : public ServeTest {
 protected:
  // One request on a connection of its own.
  Answer ask(const std::string& raw) {
    int fd = connect_to(port_);
    EXPECT_GE(fd, 0);
    if (fd < 0) return {};
    send_all(fd, raw);
    std::string buffer;
    Answer a = read_answer(fd, buffer);
    ::close(fd);
    return a;
  }
  // The server still answers a good request at once.
  void expect_serving(const std::string& after) {
    auto start = std::chrono::steady_clock::now();
    Answer a = ask(post(kDescribe));
    EXPECT_EQ(a.status, 200) << "after " << after << ": " << a.body;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "after " << after;
  }
};

TEST_F(ServeRequests, BadRequestsGetTheQueryApiErrorsAndTheServerKeepsServing) {
  start_server();
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string in_message;
  };
  const std::vector<Case> cases = {
      {"Action=DescribeCacheClustrs&Version=2015-02-02", 400, "InvalidAction",
       "DescribeCacheClustrs"},
      {"Action=CreateUser&Version=2015-02-02", 400, "InvalidAction", "does not implement"},
      {"Action=DescribeCacheClusters", 400, "MissingParameter", "Version"},
      {"Version=2015-02-02", 400, "MissingAction", "Action"},
      {"Action=DescribeCacheClusters&Version=2014-03-24", 400, "InvalidParameterValue",
       "2015-02-02"},
      {kDescribe + "&CacheClusterId=%zz", 404, "MalformedQueryString", "%zz"},
      {kDescribe + "&CacheClusterId=a&CacheClusterId=b", 404, "MalformedQueryString",
       "more than once"},
      {kDescribe + "&MaxRecords=twenty", 400, "InvalidParameterValue", "MaxRecords"},
      {kDescribe + "&MaxRecords=99999999999", 400, "InvalidParameterValue", "32-bit"},
      {kDescribe + "&ShowCacheNodeInfo=perhaps", 400, "InvalidParameterValue", "boolean"},
      {"Action=DescribeEvents&Version=2015-02-02&StartTime=yesterday", 400, "InvalidParameterValue",
       "ISO 8601"},
      {"Action=DescribeEvents&Version=2015-02-02&SourceType=galaxy", 400, "InvalidParameterValue",
       "cache-cluster"},
      {kDescribe + "&ClusterId=x", 400, "InvalidQueryParameter", "ClusterId"},
      {"Action=RebootCacheCluster&Version=2015-02-02&CacheClusterId=x", 400, "MissingParameter",
       "CacheNodeIdsToReboot"},
      {"Action=RebootCacheCluster&Version=2015-02-02&CacheClusterId=x&CacheNodeIdsToReboot."
       "CacheNodeId.2=0001",
       400, "InvalidQueryParameter", "CacheNodeIdsToReboot.CacheNodeId.1"},
      {kDescribe + "&CacheClusterId=nope", 404, "CacheClusterNotFound", "nope"},
  };
  for (const auto& c : cases) {
    Answer a = ask(post(c.body));
    EXPECT_EQ(a.status, c.status) << c.body << "\n" << a.body;
    EXPECT_EQ(a.code(), c.code) << c.body << "\n" << a.body;
    EXPECT_NE(a.body.find(c.in_message), std::string::npos) << c.body << "\n" << a.body;
    EXPECT_NE(a.body.find("<ErrorResponse xmlns=\"http://elasticache.amazonaws.com/doc/"
                          "2015-02-02/\"><Error><Type>Sender</Type>"),
              std::string::npos)
        << a.body;
    EXPECT_NE(a.body.find("</Error><RequestId>"), std::string::npos) << a.body;
  }
  // A GET with the request in its query string is the same API.
  Answer get = ask("GET /?" + kDescribe + "&CacheClusterId=nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.code(), "CacheClusterNotFound");
  // Not HTTP at all, and HTTP the server does not take.
  Answer garbage = ask("HELLO\r\n\r\n");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.code(), "InvalidRequest");
  Answer chunked = ask(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.status, 400);
  expect_serving("the bad requests");
  // Nothing was created by any of them.
  EXPECT_TRUE(fs::is_empty(home_ + "/clusters"));
}

TEST_F(ServeRequests, ATenMegabyteBodyIsRefusedAndAnsweredWhole) {
  start_server();
  int fd = connect_to(port_);
  ASSERT_GE(fd, 0);
  std::string body(10 * 1024 * 1024, 'a');
  std::thread sender([&] { send_all(fd, post(body)); });
  std::string buffer;
  Answer a = read_answer(fd, buffer);
  sender.join();
  EXPECT_EQ(a.status, 413) << a.head;
  EXPECT_EQ(a.code(), "RequestEntityTooLarge");
  EXPECT_TRUE(a.closed);
  ::close(fd);
  expect_serving("a 10 MB body");
}

TEST_F(ServeRequests, AClientThatNeverFinishesStopsNobodyAndTimesOut) {
  start_server({"--request-timeout", "1"});
  // Half a request, and a hundred connections that say nothing.
  int slow = connect_to(port_);
  ASSERT_GE(slow, 0);
  std::string half = post(kDescribe);
  send_all(slow, half.substr(0, half.size() - 10));
  std::vector<int> silent;
  for (int i = 0; i < 100; ++i) silent.push_back(connect_to(port_));
  // Others are served meanwhile, at once.
  for (int i = 0; i < 5; ++i) expect_serving("a slow client");
  // The slow one is told, then disconnected.
  std::string buffer;
  Answer a = read_answer(slow, buffer, 5s);
  EXPECT_EQ(a.status, 408) << a.head;
  EXPECT_EQ(a.code(), "RequestTimeout");
  EXPECT_TRUE(closed_by_server(slow, 5s));
  ::close(slow);
  for (int fd : silent) ::close(fd);
  expect_serving("the timeouts");
}

TEST_F(ServeRequests, KeepAliveAndPipelinedRequestsAreAnsweredInOrder) {
  start_server();
  int fd = connect_to(port_);
  ASSERT_GE(fd, 0);
  std::string buffer;
  for (int i = 0; i < 3; ++i) {
    send_all(fd, post(kDescribe));
    Answer a = read_answer(fd, buffer);
    EXPECT_EQ(a.status, 200);
    EXPECT_FALSE(a.closed);
  }
  // Three at once: three answers, in the order asked.
  send_all(fd, post(kDescribe + "&CacheClusterId=one") + post(kDescribe) +
                   post(kDescribe + "&CacheClusterId=three"));
  Answer first = read_answer(fd, buffer), second = read_answer(fd, buffer),
         third = read_answer(fd, buffer);
  EXPECT_NE(first.body.find("not found: one"), std::string::npos) << first.body;
  EXPECT_EQ(second.status, 200);
  EXPECT_NE(third.body.find("not found: three"), std::string::npos) << third.body;
  // Connection: close is honoured.
  send_all(fd, post(kDescribe, "Connection: close\r\n"));
  Answer last = read_answer(fd, buffer);
  EXPECT_EQ(last.status, 200);
  EXPECT_TRUE(last.closed);
  EXPECT_TRUE(closed_by_server(fd, 5s));
  ::close(fd);
}

// A create whose seed download never ends holds its worker; the others go
// on. Its worker killed, the client gets InternalFailure once, and the create
// is not run again (its download is never asked for twice).
TEST_F(ServeRequests, AKilledWorkerAnswersOnceAndNothingRunsTwice) {
  start_server({"--workers", "2"});
  // A "web server" that accepts the download and never answers.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  socklen_t len = sizeof sa;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&sa), &len);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(sa.sin_port)) + "/seed.rdb";

  int fd = connect_to(port_);
  ASSERT_GE(fd, 0);
  send_all(fd, post("Action=CreateCacheCluster&Version=2015-02-02&CacheClusterId=seeded&Engine="
                    "redis&CacheNodeType=cache.t3.micro&NumCacheNodes=1&SnapshotArns.SnapshotArn."
                    "1=" +
                    url));
  pollfd p{listener, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10000), 1) << "the create never asked for its seed";
  int download = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(download, 0);

  // Meanwhile the other worker answers, and the command line finds the
  // cluster's operation lock held (one lock for both front ends).
  expect_serving("a create held by its download");
  RunResult busy = cli({"delete-cache-cluster", "--cache-cluster-id", "seeded"});
  EXPECT_EQ(busy.exit_code, 254);
  EXPECT_NE(busy.err.find("InvalidCacheClusterState"), std::string::npos) << busy.err;

  // The worker running the create: the parent of the download.
  int worker = 0;
  for (int pid : processes_mentioning(url)) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string state;
    int ppid = 0;
    fields >> state >> ppid;
    std::ifstream cmd("/proc/" + std::to_string(ppid) + "/cmdline");
    std::string parent((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (parent.find("__serve-worker") != std::string::npos) worker = ppid;
  }
  ASSERT_GT(worker, 0) << "no worker runs the download";
  ASSERT_EQ(::kill(worker, SIGKILL), 0);

  std::string buffer;
  Answer a = read_answer(fd, buffer);
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.code(), "InternalFailure");
  EXPECT_NE(a.body.find("not run again"), std::string::npos) << a.body;
  ::close(fd);
  // No second download: the request went to no other worker.
  p = {listener, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 1500), 0) << "the create ran a second time";
  ::close(download);
  ::close(listener);
  expect_serving("a killed worker");
}

TEST_F(ServeRequests, CredentialsMakeSignaturesChecked) {
  std::string file = client_home_ + "/server-credentials";
  {
    std::ofstream out(file);
    out << "[default]\naws_access_key_id = " << access_key_
        << "\naws_secret_access_key = " << secret_key_ << "\n";
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  start_server({"--credentials", file});
  // aws-cli signs with the right key: served.
  RunResult ok = aws({"elasticache", "describe-cache-clusters", "--output", "json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, cli({"describe-cache-clusters"}).out);
  // A wrong secret, an unknown key, a tampered body, no signature.
  RunResult py = python("serve_signatures.py", {access_key_});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out,
            "wrong secret: 403 SignatureDoesNotMatch\n"
            "unknown key: 403 InvalidClientTokenId\n"
            "tampered body: 403 SignatureDoesNotMatch\n"
            "right key: 200\n")
      << py.err;
  Answer unsigned_request = ask(post(kDescribe));
  EXPECT_EQ(unsigned_request.status, 403);
  EXPECT_EQ(unsigned_request.code(), "MissingAuthenticationToken");
  // With credentials, another local user's signed request is served (curl
  // signs it).
  RunResult other = run_program(as_nobody(
      {"curl", "-s", "-w", " %{http_code}", "--aws-sigv4", "aws:amz:us-east-1:elasticache",
       "--user", access_key_ + ":" + secret_key_, "-d", kDescribe, endpoint()}));
  EXPECT_NE(other.out.find("<DescribeCacheClustersResponse"), std::string::npos) << other.out;
  EXPECT_NE(other.out.find(" 200"), std::string::npos) << other.out;
  // A credentials file others can read is refused, and nothing listens.
  EXPECT_EQ(stop_server(), 0);
  fs::permissions(file, fs::perms::group_read, fs::perm_options::add);
  RunResult refused = cachectl({"serve", "--listen", "127.0.0.1:0", "--credentials", file});
  EXPECT_EQ(refused.exit_code, 253);
  EXPECT_NE(refused.err.find("chmod 600"), std::string::npos) << refused.err;
}

// A TCP port on 127.0.0.1 is every local user's: without --credentials
// only the server's own user is served.
TEST_F(ServeRequests, AnotherLocalUserIsRefusedWithoutCredentials) {
  ASSERT_EQ(::geteuid(), 0u) << "connecting as another user needs root (CI runs as root)";
  start_server();
  RunResult other =
      run_program(as_nobody({"curl", "-s", "-w", " %{http_code}", "-d", kDescribe, endpoint()}));
  EXPECT_NE(other.out.find("<Code>AccessDenied</Code>"), std::string::npos) << other.out;
  EXPECT_NE(other.out.find(" 403"), std::string::npos) << other.out;
  expect_serving("another user's request");  // ours still are
}

TEST_F(ServeRequests, ItsCommandLine) {
  RunResult help = cachectl({"serve", "help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option : {"--listen", "--credentials", "--workers", "--request-timeout"})
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  for (std::vector<std::string> bad :
       std::vector<std::vector<std::string>>{{"serve", "--output", "json"},
                                             {"serve", "--listen", "nowhere"},
                                             {"serve", "--listen", "127.0.0.1:70000"},
                                             {"serve", "--workers", "0"},
                                             {"serve", "--request-timeout"}}) {
    RunResult r = cachectl(bad);
    EXPECT_EQ(r.exit_code, 252) << bad[1] << ": " << r.err;
  }
  // An address it cannot have, and a port already taken.
  EXPECT_EQ(cachectl({"serve", "--listen", "not-an-address:1"}).exit_code, 253);
  start_server();
  RunResult taken = cachectl({"serve", "--listen", "127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(taken.exit_code, 253);
  EXPECT_NE(taken.err.find("cannot listen"), std::string::npos) << taken.err;
  // SIGTERM: a clean stop.
  EXPECT_EQ(stop_server(), 0);
}

}  // namespace
}  // namespace cachectl::testing
