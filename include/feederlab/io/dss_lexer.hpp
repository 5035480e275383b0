// OpenDSS script lexing and value conversion (internal to the OpenDSS importer).
//
// The rules follow OpenDSS's ParserDel: parameters are `name=value` or bare positional values,
// separated by blanks or commas; a value wrapped in ( ), [ ], { }, " " or ' ' is "quoted" and is
// delivered without its delimiters; a quoted value read as a number is an RPN expression.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feederlab/core/error.hpp"

namespace feederlab::io::dss {

// Where a command came from. `file` points into the interpreter's stable list of file names.
struct Where {
  const std::string* file = nullptr;
  int line = 0;
  core::SourceLocation location() const;
};

// Throws core::InputError at `where` quoting `offending`.
[[noreturn]] void fail(const Where& where, std::string_view offending, const std::string& message);

struct Value {
  std::string_view text;  // without the surrounding brackets or quotes
  bool quoted = false;
};

struct Param {
  std::string_view name;  // empty for a positional value
  Value value;
};

// Removes a trailing `!` or `//` comment that is not inside brackets or quotes.
std::string_view stripComment(std::string_view line);

// Splits a command's text into parameters, one at a time, without allocating.
class ParamLexer {
 public:
  ParamLexer(std::string_view text, const Where& where) : text_(text), where_(where) {}
  bool next(Param& out);  // false at the end of the text
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  Value readToken();
  void skipBlanks();
  std::string_view text_;
  std::size_t pos_ = 0;
  Where where_;
};

// Value conversions. All throw core::InputError (with file:line and the text) on bad input.
double evalRpn(std::string_view expression, const Where& where);
double toNumber(const Value& value, const Where& where);
int toInt(const Value& value, const Where& where);
bool toYesNo(const Value& value);  // OpenDSS InterpretYesNo: true when it starts with y or t
std::vector<Value> toArray(const Value& value, const Where& where);
std::vector<double> toNumbers(const Value& value, const Where& where);
// A symmetric matrix of `order` written as a lower triangle or in full, rows separated by `|`
// (or, without `|`, as order*order or order*(order+1)/2 values). Returned row-major, full.
std::vector<double> toSymMatrix(const Value& value, int order, const Where& where);

// A bus reference `name.1.2.3`: lower-case name and node numbers (0 = ground).
struct BusSpec {
  std::string name;
  std::vector<int> nodes;
  bool given = false;
};
BusSpec toBus(const Value& value, const Where& where);

std::string lower(std::string_view text);

}  // namespace feederlab::io::dss
