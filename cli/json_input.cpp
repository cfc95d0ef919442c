#include "cli/json_input.h"

#include <string>

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;

// A SAX pass that builds nothing: it finds syntax errors and stops at the
// first array or object deeper than the bound.
class DepthCheck : public nlohmann::json_sax<ordered> {
 public:
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    // "[json.exception.parse_error.101] parse error at ...": the part after the tag.
    if (std::size_t tag = error.find("] ");
        error.rfind("[json.exception", 0) == 0 && tag != std::string::npos)
      error = error.substr(tag + 2);
    return false;
  }

 private:
  bool enter() {
    if (++depth_ <= kMaxJsonDepth) return true;
    error = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return false;
  }
  bool leave() {
    --depth_;
    return true;
  }
  std::size_t depth_ = 0;
};

}  // namespace

core::Result<ordered> parse_json_input(std::string_view text) {
  DepthCheck check;
  bool ok = ordered::sax_parse(text.begin(), text.end(), &check);
  if (!ok)
    return core::ApiError{kJsonInputError, check.error.empty() ? "syntax error" : check.error};
  ordered parsed = ordered::parse(text.begin(), text.end(), nullptr, false);
  if (parsed.is_discarded()) return core::ApiError{kJsonInputError, "syntax error"};
  return parsed;
}

}  // namespace cachectl::cli
