#include "feederlab/io/dss_lexer.hpp"

#include <cmath>
#include <cstring>

#include "feederlab/core/strings.hpp"

namespace feederlab::io::dss {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

char closerOf(char c) {
  switch (c) {
    case '(': return ')';
    case '[': return ']';
    case '{': return '}';
    case '"': return '"';
    case '\'': return '\'';
    default: return 0;
  }
}

// Position just past the closer matching text[open]; npos when unterminated.
// ( [ { nest with their own kind; quotes do not nest.
std::size_t findCloser(std::string_view text, std::size_t open) {
  const char opener = text[open];
  const char closer = closerOf(opener);
  int depth = 1;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == closer) {
      if (--depth == 0) return i + 1;
    } else if (c == opener && opener != closer) {
      ++depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

core::SourceLocation Where::location() const {
  return core::SourceLocation{file ? *file : std::string("<input>"), line};
}

void fail(const Where& where, std::string_view offending, const std::string& message) {
  constexpr std::size_t kMaxQuoted = 120;
  std::string text(offending.substr(0, kMaxQuoted));
  if (offending.size() > kMaxQuoted) text += "...";
  throw core::InputError(where.location(), std::move(text), message);
}

std::string lower(std::string_view text) { return core::toLower(text); }

std::string_view stripComment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '!') return line.substr(0, i);
    if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') return line.substr(0, i);
    if (closerOf(c) != 0) {
      const std::size_t end = findCloser(line, i);
      if (end == std::string_view::npos) return line;  // the lexer reports it
      i = end - 1;
    }
  }
  return line;
}

void ParamLexer::skipBlanks() {
  while (pos_ < text_.size() && isBlank(text_[pos_])) ++pos_;
}

Value ParamLexer::readToken() {
  skipBlanks();
  if (pos_ >= text_.size()) return {};
  const char c = text_[pos_];
  if (closerOf(c) != 0) {
    const std::size_t end = findCloser(text_, pos_);
    if (end == std::string_view::npos) {
      fail(where_, text_.substr(pos_), std::string("unterminated '") + c + "'");
    }
    Value v{text_.substr(pos_ + 1, end - pos_ - 2), true};
    pos_ = end;
    return v;
  }
  const std::size_t start = pos_;
  while (pos_ < text_.size() && !isBlank(text_[pos_]) && text_[pos_] != ',' &&
         text_[pos_] != '=') {
    ++pos_;
  }
  return Value{text_.substr(start, pos_ - start), false};
}

bool ParamLexer::next(Param& out) {
  skipBlanks();
  if (pos_ >= text_.size()) return false;
  const std::size_t start = pos_;
  Value first = readToken();
  skipBlanks();
  if (pos_ < text_.size() && text_[pos_] == '=') {
    ++pos_;
    out.name = first.text;
    out.value = readToken();
  } else {
    out.name = {};
    out.value = first;
  }
  skipBlanks();
  if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
  if (pos_ == start) ++pos_;  // never stall on a stray delimiter
  return true;
}

// ---------------------------------------------------------------- RPN

namespace {

struct RpnStack {
  double v[64];
  int n = 0;
};

bool applyRpnWord(std::string_view w, RpnStack& s, bool& underflow) {
  auto need = [&](int k) {
    if (s.n < k) underflow = true;
    return s.n >= k;
  };
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  const std::string word = lower(w);
  if (word.size() == 1 && std::strchr("+-*/^", word[0]) != nullptr) {
    if (!need(2)) return true;
    const double y = s.v[s.n - 2];
    const double x = s.v[s.n - 1];
    double r = 0.0;
    switch (word[0]) {
      case '+': r = y + x; break;
      case '-': r = y - x; break;
      case '*': r = y * x; break;
      case '/': r = y / x; break;
      default: r = std::pow(y, x); break;
    }
    s.n -= 1;
    s.v[s.n - 1] = r;
    return true;
  }
  struct Unary { const char* name; double (*fn)(double); };
  static const Unary kUnary[] = {
      {"sqr", [](double x) { return x * x; }},    {"sqrt", [](double x) { return std::sqrt(x); }},
      {"inv", [](double x) { return 1.0 / x; }},  {"ln", [](double x) { return std::log(x); }},
      {"exp", [](double x) { return std::exp(x); }},
      {"log10", [](double x) { return std::log10(x); }},
      {"sin", [](double x) { return std::sin(x * kDeg); }},
      {"cos", [](double x) { return std::cos(x * kDeg); }},
      {"tan", [](double x) { return std::tan(x * kDeg); }},
      {"asin", [](double x) { return std::asin(x) / kDeg; }},
      {"acos", [](double x) { return std::acos(x) / kDeg; }},
      {"atan", [](double x) { return std::atan(x) / kDeg; }},
      {"dtr", [](double x) { return x * kDeg; }}, {"rtd", [](double x) { return x / kDeg; }},
      {"chs", [](double x) { return -x; }},
  };
  for (const auto& u : kUnary) {
    if (word == u.name) {
      if (need(1)) s.v[s.n - 1] = u.fn(s.v[s.n - 1]);
      return true;
    }
  }
  if (word == "pi") {
    if (s.n < 64) s.v[s.n++] = 3.14159265358979323846;
    return true;
  }
  if (word == "swap") {
    if (need(2)) std::swap(s.v[s.n - 1], s.v[s.n - 2]);
    return true;
  }
  if (word == "atan2") {
    if (!need(2)) return true;
    const double r = std::atan2(s.v[s.n - 2], s.v[s.n - 1]) / kDeg;
    s.n -= 1;
    s.v[s.n - 1] = r;
    return true;
  }
  if (word == "rollup" || word == "rolldn" || word == "enter") return true;
  return false;
}

}  // namespace

double evalRpn(std::string_view expression, const Where& where) {
  RpnStack stack;
  std::size_t i = 0;
  while (i < expression.size()) {
    while (i < expression.size() && (isBlank(expression[i]) || expression[i] == ',')) ++i;
    if (i >= expression.size()) break;
    std::size_t j = i;
    while (j < expression.size() && !isBlank(expression[j]) && expression[j] != ',') ++j;
    const std::string_view word = expression.substr(i, j - i);
    i = j;
    double number = 0.0;
    if (core::parseDouble(word, number)) {
      if (stack.n >= 64) fail(where, expression, "RPN expression too deep");
      stack.v[stack.n++] = number;
      continue;
    }
    bool underflow = false;
    if (!applyRpnWord(word, stack, underflow)) {
      fail(where, expression, "bad RPN expression: unknown word '" + std::string(word) + "'");
    }
    if (underflow) fail(where, expression, "bad RPN expression: stack underflow at '" + std::string(word) + "'");
  }
  if (stack.n == 0) fail(where, expression, "empty value where a number is expected");
  const double result = stack.v[stack.n - 1];
  if (!std::isfinite(result)) fail(where, expression, "RPN expression is not a finite number");
  return result;
}

double toNumber(const Value& value, const Where& where) {
  double out = 0.0;
  if (core::parseDouble(value.text, out)) return out;
  if (value.quoted) return evalRpn(value.text, where);
  fail(where, value.text, "not a number");
}

int toInt(const Value& value, const Where& where) {
  const double x = toNumber(value, where);
  if (std::fabs(x) > 2.0e9) fail(where, value.text, "integer out of range");
  return static_cast<int>(std::lround(x));
}

bool toYesNo(const Value& value) {
  const std::string_view t = core::trim(value.text);
  if (t.empty()) return false;
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(t[0])));
  return c == 'y' || c == 't';
}

std::vector<Value> toArray(const Value& value, const Where& where) {
  std::vector<Value> out;
  ParamLexer lex(value.text, where);
  Param p;
  while (lex.next(p)) {
    if (!p.name.empty()) {
      // `name=value` inside an array: OpenDSS ignores the name.
      out.push_back(p.value);
    } else if (!p.value.text.empty() || p.value.quoted) {
      out.push_back(p.value);
    }
  }
  return out;
}

std::vector<double> toNumbers(const Value& value, const Where& where) {
  std::vector<double> out;
  for (const Value& v : toArray(value, where)) {
    if (v.text == "|") continue;
    out.push_back(toNumber(v, where));
  }
  return out;
}

namespace {

// Numbers of one matrix row (text between `|`).
std::vector<double> rowNumbers(std::string_view row, const Where& where) {
  return toNumbers(Value{row, true}, where);
}

}  // namespace

std::vector<double> toSymMatrix(const Value& value, int order, const Where& where) {
  if (order <= 0 || order > 100) fail(where, value.text, "bad matrix order");
  const auto n = static_cast<std::size_t>(order);
  std::vector<double> m(n * n, 0.0);
  std::vector<std::vector<double>> rows;
  std::size_t start = 0;
  const std::string_view text = value.text;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '|') {
      rows.push_back(rowNumbers(text.substr(start, i - start), where));
      start = i + 1;
    }
  }
  if (rows.size() == 1 && n > 1) {
    // No row separators: full row-major or lower triangle, by count.
    const std::vector<double> all = rows.front();
    rows.clear();
    std::size_t k = 0;
    const bool full = all.size() == n * n;
    if (!full && all.size() != n * (n + 1) / 2) {
      fail(where, text, "matrix needs " + std::to_string(n * (n + 1) / 2) + " or " +
                            std::to_string(n * n) + " values, found " + std::to_string(all.size()));
    }
    for (std::size_t r = 0; r < n; ++r) {
      const std::size_t len = full ? n : r + 1;
      rows.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(k),
                        all.begin() + static_cast<std::ptrdiff_t>(k + len));
      k += len;
    }
  }
  if (rows.size() != n) {
    fail(where, text, "matrix has " + std::to_string(rows.size()) + " rows, expected " +
                          std::to_string(n));
  }
  for (std::size_t r = 0; r < n; ++r) {
    if (rows[r].size() < r + 1) {
      fail(where, text, "matrix row " + std::to_string(r + 1) + " has too few values");
    }
    for (std::size_t c = 0; c <= r; ++c) {
      m[r * n + c] = rows[r][c];
      m[c * n + r] = rows[r][c];
    }
  }
  return m;
}

BusSpec toBus(const Value& value, const Where& where) {
  BusSpec bus;
  const std::string_view text = core::trim(value.text);
  const std::size_t dot = text.find('.');
  bus.name = lower(core::trim(text.substr(0, dot)));
  bus.given = true;
  if (bus.name.empty()) fail(where, value.text, "empty bus name");
  if (dot == std::string_view::npos) return bus;
  std::string_view rest = text.substr(dot + 1);
  while (true) {
    const std::size_t next = rest.find('.');
    const std::string_view part = core::trim(rest.substr(0, next));
    int node = 0;
    if (part.empty() || !core::parseInt(part, node) || node < 0) {
      fail(where, value.text, "bad node '" + std::string(part) + "' in bus specification");
    }
    bus.nodes.push_back(node);
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return bus;
}

}  // namespace feederlab::io::dss
