// Readers of parameter-set and load-composition JSON files (docs/compositions.md).
#include "feederlab/io/composition_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "feederlab/core/error.hpp"

namespace feederlab::io {

namespace {

using nlohmann::json;

struct Field {
  const char* key;
  const char* unit;
  double* target;
};

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : file_(path.string()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::InputError({file_, 0}, "", "cannot read the file");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    try {
      root_ = json::parse(s);
    } catch (const json::parse_error& e) {
      const auto upto = std::min<std::size_t>(e.byte, s.size());
      const int line = 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(upto), '\n'));
      throw core::InputError({file_, line}, "", std::string("JSON syntax error: ") + e.what());
    }
    if (!root_.is_object()) fail("", "the file must hold one JSON object");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw core::InputError({file_, 0}, key, message);
  }
  const json& root() const { return root_; }
  const std::string& file() const { return file_; }

  void checkFormat(const char* expected) const {
    if (!root_.contains("format") || root_["format"] != expected) {
      fail("format", std::string("expected \"format\": \"") + expected + "\"");
    }
  }
  std::string text(const char* key, bool required = true) const {
    if (!root_.contains(key)) {
      if (required) fail(key, "missing");
      return {};
    }
    if (!root_[key].is_string()) fail(key, "must be a string");
    return root_[key].get<std::string>();
  }
  std::vector<std::string> lines(const char* key) const {
    std::vector<std::string> out;
    if (!root_.contains(key)) fail(key, "missing (every data file states its provenance)");
    const json& a = root_[key];
    if (!a.is_array() || a.empty()) fail(key, "must be a non-empty array of strings");
    for (const auto& e : a) {
      if (!e.is_string()) fail(key, "must be a non-empty array of strings");
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  void onlyKeys(const std::set<std::string>& allowed) const {
    for (const auto& [k, v] : root_.items()) {
      if (!allowed.contains(k)) fail(k, "unknown key");
    }
  }

  // Reads group `name`: every field required with its unit, nothing else but "note".
  void group(const json& parent, const std::string& name, const std::vector<Field>& fields) const {
    if (!parent.contains(name)) fail(name, "missing group");
    object(parent[name], name, fields);
  }

  // Reads one object `g` (named `name` in messages): every field required with its unit, nothing
  // else but "note" and the `extra` keys, which the caller reads.
  void object(const json& g, const std::string& name, const std::vector<Field>& fields,
              const std::set<std::string>& extra = {}) const {
    if (!g.is_object()) fail(name, "must be an object");
    std::set<std::string> known = extra;
    known.insert("note");
    for (const auto& f : fields) {
      known.insert(f.key);
      const std::string key = name + "." + f.key;
      if (!g.contains(f.key)) fail(key, "missing parameter");
      *f.target = value(g[f.key], key, f.unit);
    }
    for (const auto& [k, v] : g.items()) {
      if (!known.contains(k)) fail(name + "." + k, "unknown parameter");
    }
  }

 private:
  double value(const json& p, const std::string& key, const char* unit) const {
    if (!p.is_object()) fail(key, "must be {\"value\": ..., \"unit\": \"" + std::string(unit) + "\"}");
    for (const auto& [k, v] : p.items()) {
      if (k != "value" && k != "unit" && k != "note") fail(key + "." + k, "unknown field");
    }
    if (!p.contains("unit") || !p["unit"].is_string()) fail(key, "missing unit (expected \"" + std::string(unit) + "\")");
    if (p["unit"] != unit) {
      fail(key, "unit \"" + p["unit"].get<std::string>() + "\" where \"" + unit + "\" is expected");
    }
    if (!p.contains("value")) fail(key, "missing value");
    const json& v = p["value"];
    if (v.is_string() && v == "inf") return std::numeric_limits<double>::infinity();
    if (!v.is_number()) fail(key, "value must be a number or \"inf\"");
    const double x = v.get<double>();
    if (!std::isfinite(x)) fail(key, "value must be finite (write \"inf\" for never)");
    return x;
  }

  std::string file_;
  json root_;
};

std::vector<Field> staticFields(model::StaticLoadParameters& s) {
  return {{"pfs", "-", &s.pfs},   {"p1e", "-", &s.p1e},   {"p1c", "-", &s.p1c},      {"p2e", "-", &s.p2e},
          {"p2c", "-", &s.p2c},   {"pfrq", "pu/pu", &s.pfrq}, {"q1e", "-", &s.q1e},  {"q1c", "-", &s.q1c},
          {"q2e", "-", &s.q2e},   {"q2c", "-", &s.q2c},   {"qfrq", "pu/pu", &s.qfrq}};
}

void readMotor(const Reader& r, const std::string& name, model::InductionMotorParameters& m) {
  double mtyp = 0.0;
  r.group(r.root(), name,
          {{"mtyp", "-", &mtyp},           {"lfm", "-", &m.lfm},          {"rs", "pu", &m.rs},
           {"ls", "pu", &m.ls},            {"lp", "pu", &m.lp},           {"lpp", "pu", &m.lpp},
           {"tpo", "s", &m.tpo},           {"tppo", "s", &m.tppo},        {"h", "s", &m.h},
           {"etrq", "-", &m.etrq},         {"vtr1", "pu", &m.uv1.v_trip}, {"ttr1", "s", &m.uv1.t_trip},
           {"ftr1", "-", &m.uv1.f_trip},   {"vrc1", "pu", &m.uv1.v_reconnect}, {"trc1", "s", &m.uv1.t_reconnect},
           {"vtr2", "pu", &m.uv2.v_trip},  {"ttr2", "s", &m.uv2.t_trip},  {"ftr2", "-", &m.uv2.f_trip},
           {"vrc2", "pu", &m.uv2.v_reconnect}, {"trc2", "s", &m.uv2.t_reconnect}});
  if (mtyp != std::round(mtyp)) r.fail(name + ".mtyp", "must be an integer");
  m.mtyp = static_cast<int>(mtyp);
}

void readMotorD(const Reader& r, model::MotorDParameters& d) {
  r.group(r.root(), "motor_d",
          {{"comp_lf", "-", &d.comp_lf}, {"comp_pf", "-", &d.comp_pf}, {"v_stall", "pu", &d.v_stall},
           {"r_stall", "pu", &d.r_stall}, {"x_stall", "pu", &d.x_stall}, {"t_stall", "s", &d.t_stall},
           {"f_rst", "-", &d.f_rst},     {"v_rst", "pu", &d.v_rst},     {"t_rst", "s", &d.t_rst},
           {"f_uvr", "-", &d.f_uvr},     {"uv_tr1", "pu", &d.uv_tr1},   {"t_tr1", "s", &d.t_tr1},
           {"uv_tr2", "pu", &d.uv_tr2},  {"t_tr2", "s", &d.t_tr2},      {"v_c1off", "pu", &d.v_c1off},
           {"v_c2off", "pu", &d.v_c2off}, {"v_c1on", "pu", &d.v_c1on},  {"v_c2on", "pu", &d.v_c2on},
           {"t_th", "s", &d.t_th},       {"th1t", "pu", &d.th1t},       {"th2t", "pu", &d.th2t},
           {"t_v", "s", &d.t_v},         {"kp1", "pu", &d.kp1},         {"np1", "-", &d.np1},
           {"kq1", "pu", &d.kq1},        {"nq1", "-", &d.nq1},          {"kp2", "pu", &d.kp2},
           {"np2", "-", &d.np2},         {"kq2", "pu", &d.kq2},         {"nq2", "-", &d.nq2},
           {"v_brk", "pu", &d.v_brk},    {"cmp_kpf", "pu/pu", &d.cmp_kpf}, {"cmp_kqf", "pu/pu", &d.cmp_kqf},
           {"lf_adj", "-", &d.lf_adj}});
}

void readFeeder(const Reader& r, model::FeederEquivalentParameters& f) {
  double ltc = 0.0;
  r.group(r.root(), "feeder",
          {{"bss", "pu", &f.bss},       {"rfdr", "pu", &f.rfdr},     {"xfdr", "pu", &f.xfdr},
           {"fb", "-", &f.fb},          {"xxf", "pu", &f.xxf},       {"tfixhs", "pu", &f.tfixhs},
           {"tfixls", "pu", &f.tfixls}, {"ltc", "-", &ltc},          {"tmin", "pu", &f.tmin},
           {"tmax", "pu", &f.tmax},     {"step", "pu", &f.step},     {"vmin", "pu", &f.vmin},
           {"vmax", "pu", &f.vmax},     {"tdel", "s", &f.tdel},      {"ttap", "s", &f.ttap},
           {"rcomp", "pu", &f.rcomp},   {"xcomp", "pu", &f.xcomp}});
  if (ltc != std::round(ltc)) r.fail("feeder.ltc", "must be an integer");
  f.ltc = static_cast<int>(ltc);
}

void throwIfInvalid(const Reader& r, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string msg = "invalid parameters: ";
  for (std::size_t k = 0; k < problems.size(); ++k) msg += (k ? "; " : "") + problems[k];
  const std::string first_key = problems.front().substr(0, problems.front().find(' '));
  r.fail(first_key, msg);
}

}  // namespace

model::ParameterSet readParameterSet(const std::filesystem::path& path) {
  Reader r(path);
  r.checkFormat("feederlab-parameter-set/1");
  r.onlyKeys({"format", "name", "description", "provenance", "static", "electronic", "motor_a", "motor_b",
              "motor_c", "motor_d", "feeder"});
  model::ParameterSet s;
  s.name = r.text("name");
  s.description = r.text("description", false);
  s.provenance = r.lines("provenance");
  r.group(r.root(), "static", staticFields(s.static_load));
  r.group(r.root(), "electronic",
          {{"pfel", "-", &s.electronic.pfel}, {"vd1", "pu", &s.electronic.vd1}, {"vd2", "pu", &s.electronic.vd2},
           {"frcel", "-", &s.electronic.frcel}});
  readMotor(r, "motor_a", s.motor_a);
  readMotor(r, "motor_b", s.motor_b);
  readMotor(r, "motor_c", s.motor_c);
  readMotorD(r, s.motor_d);
  readFeeder(r, s.feeder);
  throwIfInvalid(r, s.validate());
  return s;
}

model::LoadComposition readComposition(const std::filesystem::path& path) {
  Reader r(path);
  r.checkFormat("feederlab-composition/1");
  r.onlyKeys({"format", "name", "description", "provenance", "parameter_set", "fractions", "static_override",
              "motor_d_populations"});
  model::LoadComposition c;
  c.name = r.text("name");
  c.description = r.text("description", false);
  c.provenance = r.lines("provenance");
  const std::filesystem::path set = r.text("parameter_set");
  c.parameter_set = (set.is_absolute() ? set : path.parent_path() / set).lexically_normal().string();
  auto& f = c.fractions;
  r.group(r.root(), "fractions",
          {{"fm_a", "-", &f.fm_a}, {"fm_b", "-", &f.fm_b}, {"fm_c", "-", &f.fm_c}, {"fm_d", "-", &f.fm_d},
           {"fel", "-", &f.fel}, {"static", "-", &f.static_load}});
  if (r.root().contains("static_override")) {
    model::StaticLoadParameters s;
    r.group(r.root(), "static_override", staticFields(s));
    c.static_override = s;
  }
  if (r.root().contains("motor_d_populations")) {
    const json& a = r.root()["motor_d_populations"];
    if (!a.is_array() || a.empty()) r.fail("motor_d_populations", "must be a non-empty array of populations");
    for (std::size_t k = 0; k < a.size(); ++k) {
      const std::string key = "motor_d_populations[" + std::to_string(k) + "]";
      model::MotorDPopulation pop;
      r.object(a[k], key, {{"share", "-", &pop.share}, {"v_stall", "pu", &pop.v_stall}, {"t_stall", "s", &pop.t_stall}},
               {"name"});
      if (!a[k].contains("name") || !a[k]["name"].is_string()) r.fail(key + ".name", "missing (a string)");
      pop.name = a[k]["name"].get<std::string>();
      c.motor_d_populations.push_back(pop);
    }
  }
  throwIfInvalid(r, c.validate());
  if (!c.motor_d_populations.empty())
    throwIfInvalid(r, model::validatePopulations(c.motor_d_populations, readParameterSet(c.parameter_set).motor_d));
  return c;
}

model::CompositeSpec readCompositeSpec(const std::filesystem::path& composition_file) {
  const model::LoadComposition c = readComposition(composition_file);
  model::CompositeSpec s;
  s.name = c.name;
  s.fractions = c.fractions;
  s.parameters = readParameterSet(c.parameter_set);
  s.static_override = c.static_override;
  s.motor_d_populations = c.motor_d_populations;
  return s;
}

}  // namespace feederlab::io
