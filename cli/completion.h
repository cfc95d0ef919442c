// `cachectl __complete WORD...`: what the shells' completion scripts
// (completions/) offer. The words are the command line after the program
// name; the last one is the word being completed (possibly ""). Prints one
// candidate a line, "VALUE<TAB>DESCRIPTION" (the description may be absent),
// or a single directive line ":files" / ":dirs" asking the shell for its own
// file name completion.
//
// Candidates: commands and waiters; the global options and the command's
// options (from the API model); an option's values: enums from the model,
// engines, node types (core's catalog), output formats, and the user's own
// resources read from the state home (cluster ids, snapshot names, node ids),
// located as every command locates it (--state-dir on the line, else
// $CACHECTL_HOME, ...). Nothing here creates or locks anything, and a run
// reads at most one directory listing: completion must not be felt.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace cachectl::cli {

struct Completion {
  std::string value;
  std::string description;
};

// The candidates for the last word of `words` (already filtered by its prefix).
std::vector<Completion> complete(const std::vector<std::string>& words);

void print_completions(const std::vector<std::string>& words, std::ostream& out);

}  // namespace cachectl::cli
