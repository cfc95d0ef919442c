// Integration tests of `cachectl serve`: a fresh state home, the server
// started on a free port of 127.0.0.1 over it, the real clients (aws-cli,
// boto3, redis-cli) in an environment of their own (credentials, region, a
// HOME without the user's config), and a TearDown that stops the server and
// every process the test started, pass or fail.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace cachectl::testing {

class ServeTest : public CachectlTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // cachectl --state-dir HOME serve --listen 127.0.0.1:0 [extra...]; sets port_.
  void start_server(std::vector<std::string> extra = {});
  // SIGTERM, then the wait for its exit status (SIGKILL after 10 s).
  int stop_server();
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // One aws-cli call, `aws ARGS --endpoint-url ENDPOINT`, through
  // aws_cli_runner.py (aws-cli's own driver, one Python process for them all).
  RunResult aws(std::vector<std::string> args);
  // The `aws` program itself, as a shell runs it.
  RunResult aws_program(std::vector<std::string> args);
  // A Python script with boto3, ENDPOINT as its first argument.
  RunResult python(const std::string& script, std::vector<std::string> args = {});
  // cachectl with a clean configuration and --region us-east-1 (the region
  // the clients sign with), so that its documents can be compared.
  RunResult cli(std::vector<std::string> args);

  // The environment the clients run in (env(1) arguments).
  std::vector<std::string> client_env() const;

  int port_ = 0;
  pid_t server_ = -1;
  std::string client_home_;
  std::string access_key_ = "AKIDCACHECTLTEST";
  std::string secret_key_ = "cachectl-test-secret";

 private:
  pid_t runner_ = -1;
  int runner_in_ = -1, runner_out_ = -1;
  std::string runner_buffer_;
};

// Documents compared as the tests need: `exact` for the same request on the
// same resource; `twins` for the same request on two resources made alike
// (ids given as pairs), where only the ids and the times each was made at
// may differ (timestamps: both ISO 8601, any value).
void expect_same_document(const std::string& what, const nlohmann::json& served,
                          const nlohmann::json& direct);
void expect_twin_documents(const std::string& what, const nlohmann::json& served,
                           const nlohmann::json& direct,
                           const std::vector<std::pair<std::string, std::string>>& ids);

}  // namespace cachectl::testing
