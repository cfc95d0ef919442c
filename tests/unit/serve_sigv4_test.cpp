// serve/sha256.h against NIST's and RFC 4231's vectors, and serve/sigv4.h
// against AWS's documented example and requests botocore signed.
#include <gtest/gtest.h>

#include <fstream>

#include "serve/sha256.h"
#include "serve/sigv4.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::serve {
namespace {

using namespace std::chrono_literals;

TEST(Sha256, NistVectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesHashAsTheWhole) {
  std::string data;
  for (int i = 0; i < 300; ++i) data += static_cast<char>(i * 7);
  for (std::size_t cut = 0; cut <= data.size(); cut += 13) {
    Sha256 s;
    s.update(std::string_view(data).substr(0, cut));
    s.update(std::string_view(data).substr(cut));
    EXPECT_EQ(s.finish(), sha256(data)) << cut;
  }
}

TEST(HmacSha256, Rfc4231Vectors) {
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// AWS's own example of a Signature Version 4 (IAM ListUsers, 2015-08-30).
TEST(SigV4, AwsDocumentedExample) {
  node::HttpRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Amz-Date", "20150830T123600Z"}};
  std::string canonical = canonical_request(r, "content-type;host;x-amz-date", hex(sha256("")));
  EXPECT_EQ(canonical,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256(canonical)),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam",
                      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

const Credentials kKeys = {{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                           {"AKIDOTHER", "other"}};
const core::TimePoint kSigned =
    core::TimePoint(std::chrono::seconds(1767268800));  // 2026-01-01T12:00:00Z

node::HttpRequest parsed(const std::string& raw) {
  node::ParseResult r = node::parse_http_request(raw);
  EXPECT_EQ(r.state, node::ParseState::kComplete);
  return r.request;
}

// Requests botocore's SigV4Auth signed (us-west-2, elasticache,
// 2026-01-01T12:00:00Z), as they arrive.
node::HttpRequest botocore_post() {
  return parsed(
      "POST / HTTP/1.1\r\nHost: 127.0.0.1:9736\r\n"
      "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
      "X-Amz-Date: 20260101T120000Z\r\n"
      "Authorization: AWS4-HMAC-SHA256 "
      "Credential=AKIDEXAMPLE/20260101/us-west-2/elasticache/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=0d1eb4b0eed1ba963c317ff202696b03cb80e5a9cc9ea0f04f3848c659a03265\r\n"
      "Content-Length: 47\r\n\r\nAction=DescribeCacheClusters&Version=2015-02-02");
}

node::HttpRequest botocore_get() {
  return parsed(
      "GET /?Version=2015-02-02&Action=DescribeEvents&SourceIdentifier=a%20b HTTP/1.1\r\n"
      "Host: 127.0.0.1:9736\r\nX-Amz-Date: 20260101T120000Z\r\n"
      "Authorization: AWS4-HMAC-SHA256 "
      "Credential=AKIDEXAMPLE/20260101/us-west-2/elasticache/aws4_request, "
      "SignedHeaders=host;x-amz-date, "
      "Signature=4f34535afa9c41d1222ce1d656a1d1478d371ec0c1fda8cca590348a309da50e\r\n\r\n");
}

std::string code(const core::Status& s) { return s ? s->code : "OK"; }

TEST(SigV4, RequestsBotocoreSignedAreAccepted) {
  EXPECT_EQ(code(verify_sigv4(botocore_post(), kKeys, kSigned)), "OK");
  EXPECT_EQ(code(verify_sigv4(botocore_post(), kKeys, kSigned + 14min)), "OK");
  EXPECT_EQ(code(verify_sigv4(botocore_get(), kKeys, kSigned - 14min)), "OK");
  EXPECT_EQ(signed_region(botocore_post()), "us-west-2");
}

TEST(SigV4, EachWayOfBeingWrongHasAwsAnswer) {
  Credentials wrong_secret = {{"AKIDEXAMPLE", "not-the-secret"}};
  EXPECT_EQ(code(verify_sigv4(botocore_post(), wrong_secret, kSigned)), "SignatureDoesNotMatch");
  EXPECT_EQ(code(verify_sigv4(botocore_post(), {{"AKIDOTHER", "x"}}, kSigned)),
            "InvalidClientTokenId");
  EXPECT_EQ(code(verify_sigv4(botocore_post(), kKeys, kSigned + 16min)), "RequestExpired");
  EXPECT_EQ(code(verify_sigv4(botocore_post(), kKeys, kSigned - 16min)), "RequestExpired");

  node::HttpRequest body = botocore_post();
  body.body = "Action=DeleteCacheCluster&Version=2015-02-02";
  EXPECT_EQ(code(verify_sigv4(body, kKeys, kSigned)), "SignatureDoesNotMatch");
  node::HttpRequest host = botocore_post();
  host.headers[0].second = "127.0.0.1:9737";
  EXPECT_EQ(code(verify_sigv4(host, kKeys, kSigned)), "SignatureDoesNotMatch");
  node::HttpRequest query = botocore_get();
  query.query += "&Duration=60";
  EXPECT_EQ(code(verify_sigv4(query, kKeys, kSigned)), "SignatureDoesNotMatch");
  node::HttpRequest payload = botocore_post();
  payload.headers.push_back({"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"});
  EXPECT_EQ(code(verify_sigv4(payload, kKeys, kSigned)), "SignatureDoesNotMatch");

  node::HttpRequest none = botocore_post();
  none.headers.erase(none.headers.begin() + 3);
  EXPECT_EQ(code(verify_sigv4(none, kKeys, kSigned)), "MissingAuthenticationToken");
  EXPECT_EQ(signed_region(none), std::nullopt);
  node::HttpRequest basic = botocore_post();
  basic.headers[3].second = "Basic dXNlcjpwYXNz";
  EXPECT_EQ(code(verify_sigv4(basic, kKeys, kSigned)), "IncompleteSignature");
  node::HttpRequest no_date = botocore_post();
  no_date.headers.erase(no_date.headers.begin() + 2);
  EXPECT_EQ(code(verify_sigv4(no_date, kKeys, kSigned)), "IncompleteSignature");
  node::HttpRequest short_scope = botocore_post();
  short_scope.headers[3].second =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-west-2, SignedHeaders=host, "
      "Signature=00";
  EXPECT_EQ(code(verify_sigv4(short_scope, kKeys, kSigned)), "IncompleteSignature");
  node::HttpRequest other_service = botocore_post();
  other_service.headers[3].second =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-west-2/s3/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, Signature=00";
  EXPECT_EQ(code(verify_sigv4(other_service, kKeys, kSigned)), "SignatureDoesNotMatch");
}

TEST(LoadCredentials, EveryProfilesKeyFromAnOwnerOnlyFile) {
  test_support::TempDir dir("cct-credentials");
  auto file = dir.path() / "credentials";
  std::ofstream(file) << "# keys\n[default]\naws_access_key_id = AKIDONE\r\n"
                         "aws_secret_access_key=secret/one\n\n[profile ci]\n"
                         "aws_access_key_id=AKIDTWO\naws_secret_access_key = two\n"
                         "[half]\naws_access_key_id = AKIDHALF\n";
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto keys = load_credentials(file);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(*keys, (Credentials{{"AKIDONE", "secret/one"}, {"AKIDTWO", "two"}}));

  std::filesystem::permissions(file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  EXPECT_FALSE(load_credentials(file).ok());
  auto empty = dir.path() / "empty";
  std::ofstream(empty) << "[default]\nregion = us-east-1\n";
  std::filesystem::permissions(empty, std::filesystem::perms::owner_read);
  EXPECT_FALSE(load_credentials(empty).ok());
  auto missing = load_credentials(dir.path() / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::kInvalidConfiguration);
}

}  // namespace
}  // namespace cachectl::serve
