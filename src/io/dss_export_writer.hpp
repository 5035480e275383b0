// OpenDSS export internals: one command line at a time, with names quoted when the OpenDSS
// parser would split them and numbers in their shortest exact form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feederlab/core/cmatrix.hpp"
#include "feederlab/model/feeder.hpp"

namespace feederlab::io::dssexport {

// Shortest decimal text that reads back to the same double.
std::string number(double value);
// `text` as one OpenDSS token: bare when safe, else in double (or single) quotes. Throws
// core::ModelError naming `element` when it cannot be quoted.
std::string token(std::string_view text, std::string_view element);
// "Class.name" as the object of New/Edit/Open, quoted when needed.
std::string objectRef(std::string_view cls, std::string_view name);

// One command: `head key=value key=value ...`.
class Command {
 public:
  explicit Command(std::string head, std::string element);
  Command& raw(std::string_view key, std::string_view value);  // value written as is
  Command& num(std::string_view key, double value);
  Command& numIf(std::string_view key, double value, double default_value);
  Command& integer(std::string_view key, long long value);
  Command& word(std::string_view key, std::string_view value);  // quoted when needed
  Command& yesNo(std::string_view key, bool value);
  Command& array(std::string_view key, const std::vector<double>& values);
  Command& matrix(std::string_view key, const core::CMatrix& m, bool imag, double factor = 1.0);
  const std::string& text() const { return text_; }
  const std::string& element() const { return element_; }

 private:
  std::string text_;
  std::string element_;
};

// What the element writers share: the feeder, the output and the notes on lossy parts.
struct Context {
  const model::Feeder& feeder;
  std::string out;
  std::vector<std::string> notes;

  void line(const Command& c) { out += c.text() + '\n'; }
  void line(std::string_view text) {
    out += text;
    out += '\n';
  }
  void comment(std::string_view text);
  void note(std::string text);  // remembered and written as a comment
  // "name.1.2.3" for a terminal, every conductor's node written.
  std::string busSpec(const model::Terminal& t, std::string_view element) const;
};

void writeSources(Context& ctx);  // after `New Circuit`, the main source is `source`
void writeLines(Context& ctx);
void writeTransformers(Context& ctx);
void writeControls(Context& ctx);
void writeShunts(Context& ctx);
void writeLoads(Context& ctx);

}  // namespace feederlab::io::dssexport
