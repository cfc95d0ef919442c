// Tab completion in real shells: bash, zsh and fish are started on a
// pseudo-terminal with completions/ loaded, a command line is typed with a
// TAB, and what the shell made of the line is read back. Plus the details of
// the candidates (through bash's completion function and fish's
// `complete -C`) and how long a completion takes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/harness.h"

extern char** environ;

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kCompletions =
    fs::path(__FILE__).parent_path().parent_path().parent_path() / "completions";

// An interactive shell on a pseudo-terminal.
class PtyShell {
 public:
  PtyShell(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
    std::string replica = ::ptsname(master_);
    winsize ws{};
    ws.ws_row = 40;
    ws.ws_col = 250;  // wide: the typed line must not wrap
    ::ioctl(master_, TIOCSWINSZ, &ws);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      int fd = ::open(replica.c_str(), O_RDWR);
      ::ioctl(fd, TIOCSCTTY, 0);
      ::dup2(fd, 0);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      if (fd > 2) ::close(fd);
      ::execvpe(args[0], args.data(), envp.data());
      ::_exit(127);
    }
  }
  ~PtyShell() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }

  void type(const std::string& keys) { (void)!::write(master_, keys.data(), keys.size()); }

  // Reads until `needle` has been seen (true) or the time is up (false).
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle) == std::string::npos)
      if (!read_some(master_, output_, deadline)) return false;
    return true;
  }
  void settle(std::chrono::milliseconds quiet) {
    wait_for("\x01never\x01", quiet);  // reads whatever comes for that long
  }
  const std::string& output() const { return output_; }
  bool started() const { return pid_ > 0; }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  std::string output_;
};

class Completion : public CachectlTest {
 protected:
  void SetUp() override {
    CachectlTest::SetUp();
    shell_home_ = home_ + "-shell";
    fs::create_directories(shell_home_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(shell_home_, ec);
    CachectlTest::TearDown();
  }

  // The environment of a user whose state home is this test's (found
  // through $CACHECTL_HOME, as every command finds it) and who has cachectl
  // on PATH; nothing of the real user's shell setup.
  std::vector<std::string> user_env() const {
    const char* path = std::getenv("PATH");
    return {"PATH=" + bin_dir_ + ":" + (path ? path : "/usr/bin:/bin"),
            "HOME=" + shell_home_,
            "XDG_CONFIG_HOME=" + shell_home_ + "/config",
            "XDG_DATA_HOME=" + shell_home_ + "/data",
            "XDG_CACHE_HOME=" + shell_home_ + "/cache",
            "CACHECTL_HOME=" + home_,
            "TERM=xterm",
            "LANG=C.UTF-8"};
  }

  // Types `line`, TAB, then wraps whatever the line became in
  // `echo BEGIN ... END | tr a-z A-Z` and runs it, so that the completed
  // line comes back upper-cased (the terminal's echo of the typing stays
  // lower case and cannot be mistaken for it). Returns the output.
  std::string complete_in(const std::vector<std::string>& argv, const std::string& setup,
                          const std::string& line, const std::string& expected_line) {
    PtyShell shell(argv, user_env());
    EXPECT_TRUE(shell.started());
    shell.settle(300ms);
    shell.type(setup + "\recho RE\"\"ADY\r");
    EXPECT_TRUE(shell.wait_for("READY", 10s)) << shell.output();
    shell.settle(200ms);
    shell.type(line + "\t");
    shell.settle(500ms);
    shell.type(
        "\x05 END | tr a-z A-Z\x01"
        "echo BEGIN \r");
    std::string upper = "BEGIN " + expected_line + " END";
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    EXPECT_TRUE(shell.wait_for(upper, 10s)) << "expected " << upper << " in:\n" << shell.output();
    shell.type("exit\r");
    return shell.output();
  }

  std::string bash_complete(const std::string& line) {
    std::string script =
        "source '" + (kCompletions / "cachectl.bash").string() +
        "'; COMP_LINE=\"$1\"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=($COMP_LINE); "
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cachectl; printf '%s\\n' \"${COMPREPLY[@]}\"";
    std::vector<std::string> argv = {"env"};
    for (const auto& e : user_env()) argv.push_back(e);
    for (const auto& a : {std::string("bash"), std::string("--norc"), std::string("--noprofile"),
                          std::string("-c"), script, std::string("bash"), line})
      argv.push_back(a);
    RunResult r = run_program(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string fish_complete(const std::string& line) {
    std::vector<std::string> argv = {"env"};
    for (const auto& e : user_env()) argv.push_back(e);
    for (const auto& a :
         {std::string("fish"), std::string("--no-config"), std::string("-c"),
          "source '" + (kCompletions / "cachectl.fish").string() + "'; complete -C '" + line + "'"})
      argv.push_back(a);
    RunResult r = run_program(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  std::string shell_home_;
};

const char* kLine = "cachectl describe-cache-clusters --cache-cluster-id ex";
const char* kCompleted = "cachectl describe-cache-clusters --cache-cluster-id exampleredis";

TEST_F(Completion, BashCompletesAClusterIdFromTheRegistry) {
  create_redis("exampleredis");
  create_redis("other");
  complete_in({"bash", "--norc", "--noprofile", "-i"},
              "PS1='$ '; source '" + (kCompletions / "cachectl.bash").string() + "'", kLine,
              kCompleted);
}

TEST_F(Completion, ZshCompletesAClusterIdFromTheRegistry) {
  create_redis("exampleredis");
  create_redis("other");
  complete_in({"zsh", "-f", "-i"},
              "PS1='%% '; fpath=('" + kCompletions.string() +
                  "' $fpath); autoload -Uz compinit; compinit -u -D",
              kLine, kCompleted);
}

TEST_F(Completion, FishCompletesAClusterIdFromTheRegistry) {
  create_redis("exampleredis");
  create_redis("other");
  complete_in({"fish", "--no-config", "-i"},
              "source '" + (kCompletions / "cachectl.fish").string() + "'", kLine, kCompleted);
}

TEST_F(Completion, CandidatesInBashAndFish) {
  create_redis("exampleredis");
  EXPECT_EQ(bash_complete(kLine), "exampleredis\n");
  EXPECT_EQ(fish_complete(kLine), "exampleredis\n");
  // An operation's options, from the model, with the paging ones.
  std::string options = bash_complete("cachectl describe-cache-clusters --");
  for (const char* o :
       {"--cache-cluster-id\n", "--show-cache-node-info\n", "--max-items\n", "--output\n"})
    EXPECT_NE(options.find(o), std::string::npos) << o << " in\n" << options;
  EXPECT_EQ(bash_complete("cachectl create-cache-cluster --engine "), "redis\nmemcached\n");
  EXPECT_EQ(bash_complete("cachectl create-cache-cluster --az-mode c"), "cross-az\n");
  EXPECT_NE(bash_complete("cachectl create-cache-cluster --cache-node-type cache.t3.m")
                .find("cache.t3.micro\n"),
            std::string::npos);
  EXPECT_EQ(bash_complete("cachectl wait cache-cluster-a"), "cache-cluster-available\n");
  EXPECT_EQ(bash_complete("cachectl reboot-cache-cluster --cache-cluster-id exampleredis "
                          "--cache-node-ids-to-reboot "),
            "0001\n");
  // fish shows the descriptions.
  EXPECT_NE(fish_complete("cachectl describe-events --source-t").find("--source-type\tstring"),
            std::string::npos);
  // file:// values keep their colon in bash (whose word breaks include ':').
  std::ofstream(shell_home_ + "/request.json") << "{}";
  EXPECT_EQ(bash_complete("cachectl create-cache-cluster --cli-input-json file://" + shell_home_ +
                          "/req"),
            "//" + shell_home_ + "/request.json\n");
}

// A registry of 1,000 clusters: the candidates are right (how fast is
// measured by bench/completion_latency.sh, not asserted here).
TEST_F(Completion, ListsCandidatesFromAThousandClusters) {
  std::string big = home_ + "/big";
  fs::create_directories(big + "/clusters");
  for (int i = 0; i < 1000; ++i)
    std::ofstream(big + "/clusters/c" + std::to_string(1000 + i) + ".toml");
  RunResult r = run_program({bin_dir_ + "/cachectl", "__complete", "--state-dir", big,
                             "describe-cache-clusters", "--cache-cluster-id", "c19"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 100);
  EXPECT_NE(r.out.find("c1999\n"), std::string::npos);
  EXPECT_EQ(r.out.find("c2000"), std::string::npos);
}

}  // namespace
}  // namespace cachectl::testing
