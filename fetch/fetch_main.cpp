// cachectl-fetch URL DEST: downloads URL (http or https, redirects followed,
// certificates checked against the system's CAs) to DEST. The data goes to
// DEST.part.PID first and is renamed to DEST when complete, so a killed or
// failed download never looks like a finished one.
//
// Exit 0 when DEST is complete. Otherwise exit 1 and the reason as one line
// on stdout ("HTTP 404", "Couldn't connect to server ..."): stdout is how
// cachectl learns it, while stderr stays the terminal's for the progress
// line, printed only when stderr is a terminal.
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

char g_part[4096];  // removed by the signal handler

extern "C" void remove_part_and_exit(int sig) {
  ::unlink(g_part);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

struct Transfer {
  int fd = -1;
  int write_errno = 0;
  std::string url;
  bool progress_shown = false;
  curl_off_t total = 0, now = 0;
  std::chrono::steady_clock::time_point last_progress;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t total = size * count;
  size_t done = 0;
  while (done < total) {
    ssize_t n = ::write(t->fd, data + done, total - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      t->write_errno = errno;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    done += static_cast<size_t>(n);
  }
  return total;
}

std::string megabytes(curl_off_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

void print_progress(const Transfer& t) {
  std::string line = "\rDownloading " + t.url + ": " + megabytes(t.now);
  if (t.total > 0)
    line += " of " + megabytes(t.total) + " (" + std::to_string(t.now * 100 / t.total) + "%)";
  line += "\x1b[K";  // clear what a longer previous line left
  std::fputs(line.c_str(), stderr);
}

int show_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  t->total = total;
  t->now = now;
  auto clock = std::chrono::steady_clock::now();
  if (now == 0 || clock - t->last_progress < std::chrono::milliseconds(200)) return 0;
  t->last_progress = clock;
  print_progress(*t);
  t->progress_shown = true;
  return 0;
}

int fail(const std::string& reason) {
  ::unlink(g_part);
  std::printf("%s\n", reason.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cachectl-fetch URL DEST\n");
    return 2;
  }
  ::umask(077);  // the download is the owner's only
  std::string url = argv[1], dest = argv[2];
  std::string part = dest + ".part." + std::to_string(::getpid());
  if (part.size() >= sizeof g_part) return fail("the destination path is too long");
  std::memcpy(g_part, part.c_str(), part.size() + 1);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, remove_part_and_exit);

  Transfer t;
  t.url = url;
  // Exclusive and never through a link: a name already there (a link
  // planted by someone else included) is refused, not written through.
  t.fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (t.fd < 0) {
    g_part[0] = '\0';  // not ours to remove
    return fail("cannot create " + part + ": " + std::strerror(errno));
  }

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return fail("libcurl did not initialize");
  CURL* curl = curl_easy_init();
  if (!curl) return fail("libcurl did not initialize");
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);  // HTTP >= 400 is an error
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "cachectl-fetch/" CACHECTL_VERSION);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) fails instead of hanging.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  if (::isatty(STDERR_FILENO)) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, show_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  }
  CURLcode result = curl_easy_perform(curl);
  if (t.progress_shown) {
    print_progress(t);  // where it ended
    std::fputs("\n", stderr);
  }
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_easy_cleanup(curl);
  curl_global_cleanup();

  if (result == CURLE_HTTP_RETURNED_ERROR) return fail("HTTP " + std::to_string(http_status));
  if (result == CURLE_WRITE_ERROR && t.write_errno != 0)
    return fail("cannot write " + part + ": " + std::strerror(t.write_errno));
  if (result != CURLE_OK) return fail(error[0] ? error : curl_easy_strerror(result));
  // On disk before it is published, and published durably.
  if (::fsync(t.fd) != 0) return fail("cannot write " + part + ": " + std::strerror(errno));
  if (::close(t.fd) != 0) return fail("cannot write " + part + ": " + std::strerror(errno));
  if (::rename(part.c_str(), dest.c_str()) != 0)
    return fail("cannot rename " + part + " to " + dest + ": " + std::strerror(errno));
  std::string dir = dest.find('/') == std::string::npos ? "." : dest.substr(0, dest.rfind('/') + 1);
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || ::fsync(dir_fd) != 0)
    return fail("cannot sync " + dir + ": " + std::strerror(errno));
  ::close(dir_fd);
  return 0;
}
