// serve/xml_response.h: response and error documents as the service writes
// them, from the model.
#include <gtest/gtest.h>

#include "cli/api_model.h"
#include "model/model_data.h"
#include "serve/xml_response.h"

namespace cachectl::serve {
namespace {

using nlohmann::json;

const std::string kOpen = "xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\">";

std::string text(std::string_view s) {
  std::string out;
  append_xml_text(out, s);
  return out;
}

TEST(ResponseDocument, MembersInModelOrderAndListItemsByLocationName) {
  json response = json::parse(R"({
    "CacheClusters": [{"CacheNodes": [{"CacheNodeId": "0001", "Endpoint": {"Port": 6379,
        "Address": "127.0.0.1"}}], "NumCacheNodes": 1, "CacheClusterId": "a",
        "AutoMinorVersionUpgrade": true, "SecurityGroups": [], "PendingModifiedValues": {},
        "ConfigurationEndpoint": null}],
    "Marker": "a"})");
  EXPECT_EQ(response_document("DescribeCacheClusters", response, "rid"),
            "<DescribeCacheClustersResponse " + kOpen +
                "<DescribeCacheClustersResult><Marker>a</Marker><CacheClusters><CacheCluster>"
                "<CacheClusterId>a</CacheClusterId><NumCacheNodes>1</NumCacheNodes>"
                "<PendingModifiedValues></PendingModifiedValues><CacheNodes><CacheNode>"
                "<CacheNodeId>0001</CacheNodeId><Endpoint><Address>127.0.0.1</Address>"
                "<Port>6379</Port></Endpoint></CacheNode></CacheNodes>"
                "<AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade>"
                "<SecurityGroups></SecurityGroups></CacheCluster></CacheClusters>"
                "</DescribeCacheClustersResult><ResponseMetadata><RequestId>rid</RequestId>"
                "</ResponseMetadata></DescribeCacheClustersResponse>");
}

TEST(ResponseDocument, AnOperationWithoutOutputHasOnlyItsMetadata) {
  EXPECT_EQ(response_document("DeleteCacheParameterGroup", json::object(), "r"),
            "<DeleteCacheParameterGroupResponse " + kOpen +
                "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                "</DeleteCacheParameterGroupResponse>");
}

TEST(XmlText, EscapesWhatXmlMustAndReplacesWhatItCannotHold) {
  EXPECT_EQ(text("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d\"e'f");
  EXPECT_EQ(text("line\r\nnext\ttab"), "line&#13;\nnext\ttab");
  EXPECT_EQ(text(std::string("nul\0bell\x07", 9)),
            "nul\xEF\xBF\xBD"
            "bell\xEF\xBF\xBD");
  EXPECT_EQ(text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(text("bad \xFF\xC3 end"), "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(text("\xEF\xBF\xBE"), "\xEF\xBF\xBD");  // U+FFFE is not an XML character
}

TEST(ErrorKind, TheModelsStatusForItsErrorsAndTheQueryApisForTheCommonOnes) {
  EXPECT_EQ(error_kind("CacheClusterNotFound").http_status, 404);
  EXPECT_EQ(error_kind("CacheClusterAlreadyExists").http_status, 400);
  EXPECT_EQ(error_kind("InvalidCredentialsException").http_status, 408);
  EXPECT_EQ(error_kind("MalformedQueryString").http_status, 404);
  EXPECT_EQ(error_kind("InvalidClientTokenId").http_status, 403);
  EXPECT_EQ(error_kind("SignatureDoesNotMatch").http_status, 403);
  EXPECT_EQ(error_kind("MissingParameter").http_status, 400);
  EXPECT_EQ(error_kind("InternalFailure").http_status, 500);
  EXPECT_FALSE(error_kind("InternalFailure").sender_fault);
  EXPECT_EQ(error_kind(core::kRegistryFileInvalid).http_status, 500);
  EXPECT_EQ(error_kind("SomethingNew").http_status, 400);
  EXPECT_TRUE(error_kind("SomethingNew").sender_fault);
  for (const auto& e : model::error_shapes()) {
    EXPECT_EQ(error_kind(std::string(e.code)).http_status, e.http_status) << e.code;
    EXPECT_EQ(error_kind(std::string(e.code)).sender_fault, e.sender_fault) << e.code;
  }
  EXPECT_GT(model::error_shapes().size(), 70u);
}

TEST(ErrorDocument, IsTheQueryApisErrorResponse) {
  EXPECT_EQ(error_document({"CacheClusterNotFound", "CacheCluster not found: <x>"}, "rid"),
            "<ErrorResponse " + kOpen +
                "<Error><Type>Sender</Type><Code>CacheClusterNotFound</Code>"
                "<Message>CacheCluster not found: &lt;x&gt;</Message></Error>"
                "<RequestId>rid</RequestId></ErrorResponse>");
  EXPECT_NE(error_document({"InternalFailure", "m"}, "r").find("<Type>Receiver</Type>"),
            std::string::npos);
}

}  // namespace
}  // namespace cachectl::serve
