// One Query API request, answered: what a `cachectl serve` worker process
// does with each request the server hands it (serve/worker.h). The signature
// is checked (with --credentials), the form decoded into the operation's
// request (serve/form_decoder.h), the operation run by the same handler the
// command line calls (cli/context.h), and its response or error written as
// the service writes them (serve/xml_response.h). No operation logic here.
#pragma once

#include <optional>
#include <random>
#include <string>

#include "core/state_home.h"
#include "node/http.h"
#include "serve/sigv4.h"

namespace cachectl::serve {

struct QueryApiConfig {
  core::StateHome home;
  // ARNs name the region of the request's credential scope, else this one.
  std::string default_region = "us-east-1";
  std::optional<Credentials> credentials;  // set: signatures are checked
};

struct QueryAnswer {
  int status = 200;
  std::string request_id;
  std::string body;  // XML
};

// Request ids: random UUIDs (version 4), as the service's look.
class RequestIds {
 public:
  RequestIds();
  std::string next();

 private:
  std::mt19937_64 random_;
};

QueryAnswer answer_query(const node::HttpRequest& request, const QueryApiConfig& config,
                         RequestIds& ids);

// An error answered without running anything (the server's HTTP level too).
QueryAnswer error_answer(const core::ApiError& error, RequestIds& ids);

}  // namespace cachectl::serve
