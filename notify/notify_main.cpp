// cachectl-notify --state-dir DIR: delivers the notifications of a state
// home (notify/sender.h). Started by whoever records an event that has a
// topic (os/notify_start.h), detached, its output in STATE/notify/notify.log;
// one runs per home (STATE/notify/sender.lock), and it exits after 10 s with
// nothing to do. A dynamically linked program of its own, as cachectl-fetch
// is, so that cachectl and cachectl-node never load libcurl
// (docs/decisions.md).
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "core/files.h"
#include "notify/sender.h"
#include "os/notify_start.h"

namespace {

using namespace std::chrono;

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

std::string post(const std::string& url, const std::string& topic, const std::string& body) {
  CURL* curl = curl_easy_init();
  if (!curl) return "cannot start libcurl";
  char error[CURL_ERROR_SIZE] = "";
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json; charset=UTF-8");
  headers = curl_slist_append(headers, "x-amz-sns-message-type: Notification");
  headers = curl_slist_append(headers, ("x-amz-sns-topic-arn: " + topic).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return *error ? error : curl_easy_strerror(rc);
  if (status < 200 || status > 299) return "HTTP " + std::to_string(status);
  return "";
}

milliseconds env_ms(const char* name, milliseconds fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  return end && *end == '\0' && n > 0 ? milliseconds(n) : fallback;
}

// The sender's lock, taken without waiting; -1 when another sender holds it.
int take_lock(const std::filesystem::path& root) {
  ::mkdir(cachectl::os::notify_dir(root).c_str(), 0700);
  int fd = ::open(cachectl::os::notify_lock(root).c_str(),
                  O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  ::umask(077);
  if (argc != 3 || std::strcmp(argv[1], "--state-dir") != 0) {
    std::fprintf(stderr, "usage: cachectl-notify --state-dir DIR\n");
    return 2;
  }
  std::filesystem::path root = argv[2];
  int lock = take_lock(root);
  if (lock < 0) return 0;  // another sender runs
  curl_global_init(CURL_GLOBAL_DEFAULT);
  cachectl::notify::SenderOptions options;
  options.max_backoff = env_ms("CACHECTL_NOTIFY_MAX_BACKOFF_MS", options.max_backoff);
  options.first_backoff = std::min(options.first_backoff, options.max_backoff);
  options.give_up = env_ms("CACHECTL_NOTIFY_GIVE_UP_MS", options.give_up);
  const milliseconds idle_exit = env_ms("CACHECTL_NOTIFY_IDLE_EXIT_MS", milliseconds(10000));
  constexpr milliseconds kPoll{100};
  cachectl::notify::Sender sender{cachectl::core::StateHome(root), post, options};
  auto idle_since = steady_clock::now();
  while (true) {
    auto now = steady_clock::now();
    milliseconds wait = sender.pass(now);
    if (!sender.idle()) {
      idle_since = now;
    } else if (now - idle_since >= idle_exit) {
      // Nothing to do: go, unless an event came in while the lock was
      // still held (its writer saw the lock and started nobody).
      ::close(lock);
      if (!sender.has_unread()) break;
      lock = take_lock(root);
      if (lock < 0) break;  // a new sender took over
      idle_since = now;
    }
    if (!std::filesystem::exists(root / "home.toml")) break;  // the home is gone
    std::this_thread::sleep_for(std::min(wait, kPoll));
  }
  curl_global_cleanup();
  return 0;
}
