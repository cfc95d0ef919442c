// cli/help_document.h: one help document, two renderings.
#include "cli/help_document.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cachectl::cli {
namespace {

HelpDocument Sample() {
  HelpDocument doc{"cachectl", {}};
  doc.sections.push_back({"NAME", 1, {paragraph("cachectl - a tool")}});
  doc.sections.push_back(
      {"OPTIONS", 1, {definitions({{"--output FORMAT", "json or text"}, {"--debug", ""}})}});
  doc.sections.push_back({"create-cache-cluster", 2, {example(".starts with a dot\n\\backslash")}});
  doc.sections.push_back(
      {"COMMANDS", 1, {bullets({{"wait", ""}, {"copy-snapshot", "not implemented yet"}})}});
  return doc;
}

TEST(HelpDocument, RendersAsAwsCliStyleText) {
  std::ostringstream out;
  render_text(Sample(), out);
  EXPECT_EQ(out.str(),
            "CACHECTL()\n\nNAME\n       cachectl - a tool\n\nOPTIONS\n       --output FORMAT\n"
            "           json or text\n       --debug\n\n   create-cache-cluster\n"
            "           .starts with a dot\n           \\backslash\n\nCOMMANDS\n       o wait\n"
            "       o copy-snapshot   (not implemented yet)\n");
}

TEST(HelpDocument, RendersAsRoffWithEscapes) {
  std::ostringstream out;
  render_roff(Sample(), "1.2.3", out);
  std::string roff = out.str();
  EXPECT_NE(roff.find(".TH \"CACHECTL\" \"1\" \"\" \"cachectl 1.2.3\""), std::string::npos) << roff;
  EXPECT_NE(roff.find(".SH \"NAME\"\n.PP\ncachectl \\- a tool\n"), std::string::npos) << roff;
  EXPECT_NE(roff.find(".TP\n\\fB\\-\\-output FORMAT\\fR\njson or text\n"), std::string::npos)
      << roff;
  EXPECT_NE(roff.find(".SS \"create\\-cache\\-cluster\""), std::string::npos) << roff;
  // A line may not start with a control character; backslashes are escaped.
  EXPECT_NE(roff.find(".nf\n\\&.starts with a dot\n\\ebackslash\n.fi"), std::string::npos) << roff;
  EXPECT_NE(roff.find(".IP \\(bu 2\n\\fBcopy\\-snapshot\\fR (not implemented yet)\n"),
            std::string::npos)
      << roff;
}

TEST(HelpDocument, ParagraphsWrapAtSeventyNineColumns) {
  HelpDocument doc{"x", {{"S", 1, {paragraph(std::string(50, 'a') + " " + std::string(30, 'b'))}}}};
  std::ostringstream out;
  render_text(doc, out);
  EXPECT_EQ(out.str(),
            "x()\n\nS\n       " + std::string(50, 'a') + "\n       " + std::string(30, 'b') + "\n");
}

}  // namespace
}  // namespace cachectl::cli
