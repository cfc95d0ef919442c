// Help as data: `cachectl help` (text, aws-cli's layout) and the man page
// (roff) are two renderings of the same document, so they cannot drift.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace cachectl::cli {

struct HelpItem {
  std::string term;
  std::string text;  // may be empty
};

struct HelpBlock {
  enum class Kind {
    kParagraph,    // text, wrapped
    kDefinitions,  // items: term, then its text indented below
    kBullets,      // items: "o term   (text)"
    kExample,      // text, lines kept as they are
  };
  Kind kind = Kind::kParagraph;
  std::string text;
  std::vector<HelpItem> items;
};

struct HelpSection {
  std::string title;
  int level = 1;  // 1: a section (man's .SH), 2: a subsection (.SS)
  std::vector<HelpBlock> blocks;
};

struct HelpDocument {
  std::string name;  // "cachectl", "create-cache-cluster"
  std::vector<HelpSection> sections;
};

HelpBlock paragraph(std::string text);
HelpBlock example(std::string text);
HelpBlock definitions(std::vector<HelpItem> items);
HelpBlock bullets(std::vector<HelpItem> items);

// NAME() then sections, text indented 7 columns and wrapped at 79.
void render_text(const HelpDocument& doc, std::ostream& out);
// man(7) roff for section 1.
void render_roff(const HelpDocument& doc, const std::string& version, std::ostream& out);

}  // namespace cachectl::cli
