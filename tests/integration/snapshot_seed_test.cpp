// Seeding new clusters from an RDB file written by a plain redis-server: from
// a path, a file:// URL and an http:// URL served on loopback by the test
// itself (so it can also answer 404, redirect, or cut a body short);
// exporting snapshots to a directory (copy-snapshot --target-bucket); and
// describe-snapshots --show-node-group-config.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// An HTTP/1.1 server on 127.0.0.1 in a thread of the test: one request per
// connection, answers set per path.
class LoopbackHttpServer {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::size_t declared_length = std::string::npos;  // more than body: a cut transfer
    std::string location;                             // for a redirect
  };
  bool start() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return false;
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
    return true;
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void serve(const std::string& path, Reply reply) {
    std::lock_guard<std::mutex> lock(mutex_);
    replies_[path] = std::move(reply);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void loop() {
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      answer(c);
      ::close(c);
    }
  }
  void answer(int c) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      request.append(buf, static_cast<std::size_t>(n));
    }
    std::string path = request.substr(request.find(' ') + 1);
    path = path.substr(0, path.find(' '));
    Reply r;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = replies_.find(path);
      if (it == replies_.end()) {
        r.status = 404;
        r.body = "not found\n";
      } else {
        r = it->second;
      }
    }
    std::size_t length = r.declared_length == std::string::npos ? r.body.size() : r.declared_length;
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " +
                       (r.status == 200   ? "OK"
                        : r.status == 302 ? "Found"
                                          : "Not Found") +
                       "\r\nContent-Length: " + std::to_string(length) +
                       "\r\nConnection: close\r\n";
    if (!r.location.empty()) head += "Location: " + r.location + "\r\n";
    std::string all = head + "\r\n" + r.body;
    std::size_t sent = 0;
    while (sent < all.size()) {
      ssize_t n = ::send(c, all.data() + sent, all.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, Reply> replies_;
};

class Seeding : public CachectlTest {
 protected:
  void SetUp() override {
    CachectlTest::SetUp();
    ASSERT_TRUE(server_.start());
  }
  void TearDown() override {
    server_.stop();
    CachectlTest::TearDown();
  }

  // An RDB written by a Redis started by hand, as a user migrating to
  // ElastiCache has one; `keys` key:N -> value-N plus migrated -> yes.
  std::string plain_redis_rdb(const std::string& dir, int keys) {
    fs::create_directories(dir);
    RunResult started =
        run_program({"redis-server", "--port", "0", "--unixsocket", dir + "/r.sock", "--dir", dir,
                     "--daemonize", "yes", "--pidfile", dir + "/r.pid", "--save", ""});
    EXPECT_EQ(started.exit_code, 0) << started.err;
    EXPECT_TRUE(wait_until([&] { return fs::exists(dir + "/r.sock"); }, std::chrono::seconds(5)));
    auto cli = [&](std::vector<std::string> args, const std::string& input = "") {
      args.insert(args.begin(), {"redis-cli", "-s", dir + "/r.sock"});
      return run_program(args, input).out;
    };
    std::string pipe;
    for (int i = 0; i < keys; ++i) {
      std::string k = "key:" + std::to_string(i), v = "value-" + std::to_string(i);
      pipe += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$" +
              std::to_string(v.size()) + "\r\n" + v + "\r\n";
    }
    if (keys > 0) cli({"--pipe"}, pipe);
    EXPECT_EQ(cli({"set", "migrated", "yes"}), "OK\n");
    EXPECT_EQ(cli({"save"}), "OK\n");
    cli({"shutdown", "nosave"});
    wait_until([&] { return !fs::exists(dir + "/r.sock"); }, std::chrono::seconds(5));
    EXPECT_TRUE(fs::exists(dir + "/dump.rdb"));
    return dir + "/dump.rdb";
  }

  // create-cache-cluster seeded from `source`: exit 0, "creating", and
  // nothing on stderr (no progress line when stderr is not a terminal).
  void create_seeded(const std::string& id, const std::string& source) {
    RunResult r = cachectl({"create-cache-cluster", "--cache-cluster-id", id, "--engine", "redis",
                            "--cache-node-type", "cache.t3.micro", "--snapshot-arns", source});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    expect_shape("create-cache-cluster", r.out);
    EXPECT_EQ(r.json()["CacheCluster"]["CacheClusterStatus"], "creating");
  }
  std::pair<std::string, int> endpoint(const std::string& id) {
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", id, "--show-cache-node-info"});
    const json& ep = d["CacheClusters"][0]["CacheNodes"][0]["Endpoint"];
    return {ep["Address"], ep["Port"]};
  }
  std::string events_of(const std::string& id) {
    json ev = ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", id});
    std::string all;
    for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
    return all;
  }
  // The cluster ends restore-failed (the waiter gives up on it) with an
  // event naming `why`.
  void expect_restore_failed(const std::string& id, const std::string& why) {
    RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", id});
    EXPECT_EQ(w.exit_code, 255) << id;
    EXPECT_NE(w.err.find("restore-failed"), std::string::npos) << w.err;
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", id});
    EXPECT_EQ(d["CacheClusters"][0]["CacheClusterStatus"], "restore-failed") << id;
    std::string events = events_of(id);
    EXPECT_NE(events.find("Restore failed for cache node 0001: " + why), std::string::npos)
        << events;
  }
  // No partial download is left anywhere in the home.
  void expect_no_partial_files() {
    for (const auto& e : fs::recursive_directory_iterator(home_)) {
      EXPECT_EQ(e.path().filename().string().find(".part."), std::string::npos) << e.path();
    }
  }
  void expect_error(std::vector<std::string> args, const std::string& code) {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << args[0];
    EXPECT_NE(r.err.find("(" + code + ")"), std::string::npos) << r.err;
  }

  LoopbackHttpServer server_;
};

TEST_F(Seeding, APlainRedisRdbSeedsFromAPathAFileUrlAndAnHttpUrl) {
  // A space in the directory: the file:// URL carries it as %20.
  std::string rdb = plain_redis_rdb(home_ + "/plain dumps", 1000);
  server_.serve("/dumps/dump.rdb", {200, read_all(rdb), std::string::npos, ""});
  server_.serve("/moved.rdb", {302, "", std::string::npos, "/dumps/dump.rdb"});

  auto [a1, p1] = create_redis("from-path", {"--snapshot-arns", rdb});
  EXPECT_EQ(redis_cli(a1, p1, {"get", "migrated"}).out, "yes\n");

  std::string url = "file://" + home_ + "/plain%20dumps/dump.rdb";
  create_seeded("from-file-url", url);
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "from-file-url"})
                .exit_code,
            0);
  auto [a2, p2] = endpoint("from-file-url");
  EXPECT_EQ(redis_cli(a2, p2, {"get", "migrated"}).out, "yes\n");
  EXPECT_EQ(redis_cli(a2, p2, {"dbsize"}).out, "1001\n");
  // The record keeps the URL as given.
  json described = ok("describe-cache-clusters", {"--cache-cluster-id", "from-file-url"});
  EXPECT_EQ(described["CacheClusters"][0]["CacheClusterStatus"], "available");

  // Over http, through a redirect.
  create_seeded("from-http", server_.url("/moved.rdb"));
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "from-http"});
  ASSERT_EQ(w.exit_code, 0) << w.err << events_of("from-http");
  auto [a3, p3] = endpoint("from-http");
  EXPECT_EQ(redis_cli(a3, p3, {"get", "migrated"}).out, "yes\n");
  EXPECT_EQ(redis_cli(a3, p3, {"get", "key:999"}).out, "value-999\n");
  // The downloaded file was handed to the node (no copy left beside it).
  EXPECT_FALSE(fs::exists(home_ + "/nodes/from-http/0001/seed.rdb"));
  EXPECT_FALSE(fs::exists(home_ + "/nodes/from-http/0001/seed.error"));
  expect_no_partial_files();
}

TEST_F(Seeding, ADownloadShowsItsProgressOnATerminal) {
  std::string rdb = plain_redis_rdb(home_ + "/plain", 20000);
  server_.serve("/dump.rdb", {200, read_all(rdb), std::string::npos, ""});
  // script(1) gives the command a terminal; its output is what one shows.
  RunResult r = run_program({"script", "-qec",
                             bin_dir_ + "/cachectl --state-dir " + home_ +
                                 " create-cache-cluster --cache-cluster-id tty --engine redis "
                                 "--cache-node-type cache.t3.micro --snapshot-arns " +
                                 server_.url("/dump.rdb"),
                             "/dev/null"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Downloading " + server_.url("/dump.rdb") + ": "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(100%)"), std::string::npos) << r.out;
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "tty"}).exit_code,
            0);
  auto [a, p] = endpoint("tty");
  EXPECT_EQ(redis_cli(a, p, {"dbsize"}).out, "20001\n");
}

TEST_F(Seeding, FailedDownloadsAndBadDataLeaveTheClusterRestoreFailed) {
  std::string rdb = plain_redis_rdb(home_ + "/plain", 0);
  std::string good = read_all(rdb);
  server_.serve("/cut.rdb", {200, good.substr(0, good.size() / 2), good.size(), ""});
  server_.serve("/garbage.rdb", {200, "this is not an RDB file\n", std::string::npos, ""});

  create_seeded("missing", server_.url("/missing.rdb"));
  expect_restore_failed("missing", "cannot download " + server_.url("/missing.rdb") + ": HTTP 404");

  create_seeded("cut", server_.url("/cut.rdb"));
  expect_restore_failed("cut", "cannot download " + server_.url("/cut.rdb") + ": ");

  // A port that refuses: bound, never listening.
  int refusing = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(refusing, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::getsockname(refusing, reinterpret_cast<sockaddr*>(&a), &len), 0);
  std::string refused_url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/x.rdb";
  create_seeded("refused", refused_url);
  ::close(refusing);
  expect_restore_failed("refused", "cannot download " + refused_url + ": ");
  EXPECT_NE(events_of("refused").find("onnect"), std::string::npos) << events_of("refused");

  // Downloaded fine, but not an RDB: Redis refuses it.
  create_seeded("garbage", server_.url("/garbage.rdb"));
  expect_restore_failed("garbage", "redis-server");

  expect_no_partial_files();
  // Nothing else is affected, and the failed clusters can be deleted.
  auto [a1, p1] = create_redis("fine");
  EXPECT_EQ(redis_cli(a1, p1, {"ping"}).out, "PONG\n");
  for (const char* id : {"missing", "cut", "refused", "garbage"})
    ok("delete-cache-cluster", {"--cache-cluster-id", id});
}

TEST_F(Seeding, CopySnapshotExportsToADirectoryAndTheExportSeedsAClusterAgain) {
  auto [address, port] = create_redis("source");
  ASSERT_EQ(redis_cli(address, port, {"set", "exported", "yes"}).out, "OK\n");
  ok("create-snapshot", {"--cache-cluster-id", "source", "--snapshot-name", "s1"});
  std::string bucket = home_ + "/bucket";
  fs::create_directories(bucket);

  json copied = ok("copy-snapshot", {"--source-snapshot-name", "s1", "--target-snapshot-name",
                                     "my-export", "--target-bucket", bucket});
  // As ElastiCache, the answer describes the source snapshot.
  EXPECT_EQ(copied["Snapshot"]["SnapshotName"], "s1");
  std::string exported = bucket + "/my-export-0001.rdb";
  ASSERT_TRUE(fs::exists(exported));
  EXPECT_EQ(read_all(exported).substr(0, 5), "REDIS");
  EXPECT_EQ(std::vector<std::string>({"my-export-0001.rdb"}), [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(bucket)) names.push_back(e.path().filename());
    return names;
  }());
  // An export is not a snapshot of the store.
  EXPECT_EQ(ok("describe-snapshots", {})["Snapshots"].size(), 1u);

  auto [a2, p2] = create_redis("from-export", {"--snapshot-arns", exported});
  EXPECT_EQ(redis_cli(a2, p2, {"get", "exported"}).out, "yes\n");

  // Never overwritten.
  { std::ofstream(exported, std::ios::trunc) << "mine"; }
  expect_error({"copy-snapshot", "--source-snapshot-name", "s1", "--target-snapshot-name",
                "my-export", "--target-bucket", bucket},
               "SnapshotAlreadyExistsFault");
  EXPECT_EQ(read_all(exported), "mine");
  expect_error({"copy-snapshot", "--source-snapshot-name", "s1", "--target-snapshot-name", "x",
                "--target-bucket", home_ + "/no-such-dir"},
               "InvalidParameterValue");
  expect_error({"copy-snapshot", "--source-snapshot-name", "nope", "--target-snapshot-name", "x",
                "--target-bucket", bucket},
               "SnapshotNotFoundFault");
  // A relative directory is taken from the current one.
  RunResult relative =
      run_program({"sh", "-c",
                   "cd \"$1\" && \"$2\" --state-dir \"$1\" copy-snapshot --source-snapshot-name s1 "
                   "--target-snapshot-name rel --target-bucket bucket",
                   "sh", home_, bin_dir_ + "/cachectl"});
  EXPECT_EQ(relative.exit_code, 0) << relative.err;
  EXPECT_EQ(read_all(bucket + "/rel-0001.rdb").substr(0, 5), "REDIS");
  expect_no_partial_files();
}

TEST_F(Seeding, DescribeSnapshotsShowsTheNodeGroupConfigurationWhenAsked) {
  create_redis("grouped", {"--preferred-availability-zone", "us-east-1b"});
  ok("create-snapshot", {"--cache-cluster-id", "grouped", "--snapshot-name", "g1"});

  json plain = ok("describe-snapshots", {"--snapshot-name", "g1"});
  const json& plain_node = plain["Snapshots"][0]["NodeSnapshots"][0];
  EXPECT_FALSE(plain_node.contains("NodeGroupConfiguration")) << plain_node;
  EXPECT_FALSE(plain_node.contains("NodeGroupId")) << plain_node;

  // ok() runs shapecheck on the answer.
  json shown = ok("describe-snapshots", {"--snapshot-name", "g1", "--show-node-group-config"});
  const json& node = shown["Snapshots"][0]["NodeSnapshots"][0];
  EXPECT_EQ(node["CacheNodeId"], "0001");
  EXPECT_EQ(node["NodeGroupId"], "0001");
  const json& group = node["NodeGroupConfiguration"];
  EXPECT_EQ(group["NodeGroupId"], "0001");
  EXPECT_EQ(group["ReplicaCount"], 0);
  EXPECT_EQ(group["PrimaryAvailabilityZone"], "us-east-1b");
  json listed = ok("describe-snapshots", {"--show-node-group-config"});
  EXPECT_TRUE(listed["Snapshots"][0]["NodeSnapshots"][0].contains("NodeGroupConfiguration"));
}

}  // namespace
}  // namespace cachectl::testing
