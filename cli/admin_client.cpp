#include "cli/admin_client.h"

#include <curl/curl.h>

namespace cachectl::cli {
namespace {

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

}  // namespace

AdminClient::AdminClient() {
  // Only HTTP over Unix sockets is used: no TLS or other global state needed.
  curl_global_init(CURL_GLOBAL_NOTHING);
  curl_ = curl_easy_init();
}

AdminClient::~AdminClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

AdminReply AdminClient::get(const std::filesystem::path& socket, const std::string& path,
                            std::chrono::milliseconds timeout) {
  return request(socket, "GET", path, timeout);
}

AdminReply AdminClient::post(const std::filesystem::path& socket, const std::string& path,
                             std::chrono::milliseconds timeout) {
  return request(socket, "POST", path, timeout);
}

AdminReply AdminClient::request(const std::filesystem::path& socket, const std::string& method,
                                const std::string& path, std::chrono::milliseconds timeout) {
  AdminReply reply;
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) {
    reply.error = "libcurl could not be initialised";
    return reply;
  }
  std::string body;
  std::string url = "http://node" + path;
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 500L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    reply.error = curl_easy_strerror(rc);
    return reply;
  }
  reply.reached = true;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = nlohmann::json::parse(body, nullptr, false);
  if (reply.body.is_discarded()) {
    reply.body = nlohmann::json::object();
    reply.error = "the daemon's answer is not JSON";
  }
  return reply;
}

}  // namespace cachectl::cli
