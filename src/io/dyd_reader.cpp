// PSLF .dyd reader: cmpldw/cmpldwg records into CompositeRecord (format: docs/dyd.md).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "dyd_keys.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/io/dyd.hpp"

namespace feederlab::io {

namespace {

struct Token {
  std::string text;
  bool quoted = false;
  int line = 0;
};

class RecordReader {
 public:
  explicit RecordReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(int line, const std::string& offending, const std::string& message) const {
    throw core::InputError({file_, line}, offending, message);
  }

  // Splits one physical line: quoted strings ("..." or '...'), the separators / : = as tokens of
  // their own, and bare words.
  std::vector<Token> tokenize(const std::string& text, int line) const {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
        ++i;
      } else if (c == '"' || c == '\'') {
        const auto end = text.find(c, i + 1);
        if (end == std::string::npos) fail(line, text.substr(i), "unterminated quoted text");
        out.push_back({text.substr(i + 1, end - i - 1), true, line});
        i = end + 1;
      } else if (c == '/' || c == ':' || c == '=') {
        out.push_back({std::string(1, c), false, line});
        ++i;
      } else {
        std::size_t end = i;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
               std::string_view("\"'/:=,").find(text[end]) == std::string_view::npos) {
          ++end;
        }
        out.push_back({text.substr(i, end - i), false, line});
        i = end;
      }
    }
    return out;
  }

  CompositeRecord parse(const std::vector<Token>& t) const {
    CompositeRecord r;
    const int start = t.front().line;
    r.location = {file_, start};
    std::size_t i = 1;
    auto next = [&](const char* what) -> const Token& {
      if (i >= t.size()) fail(t.back().line, t.front().text, std::string("record ends before its ") + what);
      return t[i++];
    };
    const Token& number = next("bus number");
    if (number.quoted || !core::parseInt(number.text, r.bus_number)) fail(number.line, number.text, "bad bus number");
    r.bus = std::string(core::trim(next("bus name").text));
    const Token& kv = next("base kV");
    if (kv.quoted || !core::parseDouble(kv.text, r.kv)) fail(kv.line, kv.text, "bad number for the base kV");
    r.id = std::string(core::trim(next("load id").text));
    const Token& colon = next("':'");
    if (colon.quoted || colon.text != ":") fail(colon.line, colon.text, "expected ':' after the load id");
    while (i < t.size() && !t[i].quoted && t[i].text.starts_with('#')) ++i;  // "#1": PSLF's record counter
    if (i < t.size() && !t[i].quoted && core::iequals(t[i].text, "mva")) {
      ++i;
      const Token& eq = next("'=' after mva");
      if (eq.text != "=") fail(eq.line, eq.text, "expected '=' after mva");
      const Token& v = next("mva value");
      if (v.quoted || !core::parseDouble(v.text, r.mva)) fail(v.line, "mva=" + v.text, "bad number for mva");
    }

    r.spec.parameters.name = "dyd";
    r.spec.parameters.description = "cmpldw record at " + r.location.str();
    r.spec.parameters.provenance = {r.location.str()};
    r.spec.name = r.location.str();
    std::set<std::string> seen;
    while (i < t.size()) {
      const Token& key = t[i++];
      const dyd::Key* k = dyd::findKey(key.text);
      double value = 0.0;
      if (!key.quoted && core::parseDouble(key.text, value)) fail(key.line, key.text, "value without a key");
      if (!k) fail(key.line, key.text, "unknown cmpldw key");
      if (!seen.insert(std::string(k->name)).second) fail(key.line, key.text, "key given twice in one record");
      if (i >= t.size() || t[i].quoted || (dyd::findKey(t[i].text) && !core::parseDouble(t[i].text, value))) {
        fail(key.line, key.text, "missing value for the key");
      }
      const Token& v = t[i++];
      const std::string pair = key.text + " " + v.text;
      if (!core::parseDouble(v.text, value)) fail(v.line, pair, "bad number");
      if (k->kind == dyd::Kind::Integer && value != std::round(value)) fail(v.line, pair, "must be a whole number");
      if (k->kind == dyd::Kind::MtpD && value != 1.0) {
        fail(v.line, pair, "only motor D type 1 (the single-phase performance model) is supported");
      }
      k->set(r.spec, value);
    }
    completeFractions(r, t);
    checkParameters(r);
    return r;
  }

 private:
  // static = 1 - (Fma+Fmb+Fmc+Fmd+Fel) (load-models.md 3.1).
  void completeFractions(CompositeRecord& r, const std::vector<Token>& t) const {
    auto& f = r.spec.fractions;
    const double sum = f.fm_a + f.fm_b + f.fm_c + f.fm_d + f.fel;
    const std::string text = "Fma+Fmb+Fmc+Fmd+Fel = " + std::to_string(sum);
    for (double x : {f.fm_a, f.fm_b, f.fm_c, f.fm_d, f.fel}) {
      if (!(x >= 0.0 && x <= 1.0)) fail(t.front().line, text, "each fraction must be in [0, 1]");
    }
    if (sum > 1.0 + 1e-9) fail(t.front().line, text, "fractions sum above 1");
    f.static_load = std::max(0.0, 1.0 - sum);
  }

  void checkParameters(const CompositeRecord& r) const {
    auto problems = r.spec.parameters.validate();
    for (auto& p : r.spec.fractions.validate()) problems.push_back("fractions." + p);
    if (problems.empty()) return;
    std::string message = "invalid cmpldw parameters: ";
    for (std::size_t k = 0; k < problems.size(); ++k) message += (k ? "; " : "") + problems[k];
    fail(r.location.line, "bus \"" + r.bus + "\" id \"" + r.id + "\"", message);
  }

  std::string file_;
};

bool isComposite(const Token& first) {
  return !first.quoted && (core::iequals(first.text, "cmpldw") || core::iequals(first.text, "cmpldwg"));
}

}  // namespace

std::vector<CompositeRecord> readDyd(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::InputError({file, 0}, "", "cannot read the file");
  RecordReader reader(file);
  std::vector<CompositeRecord> records;
  std::vector<Token> record;  // tokens of the record being continued
  std::string line;
  int number = 0;
  auto finish = [&] {
    if (!record.empty() && isComposite(record.front())) records.push_back(reader.parse(record));
    record.clear();
  };
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto trimmed = core::trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    auto tokens = reader.tokenize(line, number);
    const bool continues = !tokens.empty() && !tokens.back().quoted && tokens.back().text == "/";
    for (auto& tok : tokens) {
      if (tok.quoted || tok.text != "/") record.push_back(std::move(tok));  // '/' only joins lines
    }
    if (!continues) finish();
  }
  finish();  // a file ending inside a continued record
  return records;
}

}  // namespace feederlab::io
