// Sweep file parsing and case expansion (sweep_file.hpp, docs/sweep.md).
#include "feederlab/sweep/sweep_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <glob.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "feederlab/core/error.hpp"
#include "feederlab/events/scenario_io.hpp"
#include "feederlab/events/study_events.hpp"

namespace feederlab::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Motor D fields a sweep may vary (model::MotorDParameters; load-models.md 3.3).
struct ParameterField {
  const char* key;
  double model::MotorDParameters::*member;
};
const ParameterField kMotorDFields[] = {
    {"motor_d.comp_lf", &model::MotorDParameters::comp_lf}, {"motor_d.comp_pf", &model::MotorDParameters::comp_pf},
    {"motor_d.v_stall", &model::MotorDParameters::v_stall}, {"motor_d.r_stall", &model::MotorDParameters::r_stall},
    {"motor_d.x_stall", &model::MotorDParameters::x_stall}, {"motor_d.t_stall", &model::MotorDParameters::t_stall},
    {"motor_d.f_rst", &model::MotorDParameters::f_rst},     {"motor_d.v_rst", &model::MotorDParameters::v_rst},
    {"motor_d.t_rst", &model::MotorDParameters::t_rst},     {"motor_d.f_uvr", &model::MotorDParameters::f_uvr},
    {"motor_d.uv_tr1", &model::MotorDParameters::uv_tr1},   {"motor_d.t_tr1", &model::MotorDParameters::t_tr1},
    {"motor_d.uv_tr2", &model::MotorDParameters::uv_tr2},   {"motor_d.t_tr2", &model::MotorDParameters::t_tr2},
    {"motor_d.v_c1off", &model::MotorDParameters::v_c1off}, {"motor_d.v_c2off", &model::MotorDParameters::v_c2off},
    {"motor_d.v_c1on", &model::MotorDParameters::v_c1on},   {"motor_d.v_c2on", &model::MotorDParameters::v_c2on},
    {"motor_d.t_th", &model::MotorDParameters::t_th},       {"motor_d.th1t", &model::MotorDParameters::th1t},
    {"motor_d.th2t", &model::MotorDParameters::th2t},       {"motor_d.t_v", &model::MotorDParameters::t_v},
    {"motor_d.lf_adj", &model::MotorDParameters::lf_adj},
};

const ParameterField* findField(std::string_view key) {
  for (const auto& f : kMotorDFields)
    if (key == f.key) return &f;
  return nullptr;
}

// Every error names the sweep file and the key path of the offending value.
struct Context {
  fs::path file;
  fs::path base;  // the sweep file's folder
  [[noreturn]] void fail(const std::string& key, const std::string& offending, const std::string& message) const {
    throw core::InputError({file.string(), 0}, offending, key.empty() ? message : key + ": " + message);
  }
  fs::path resolve(const std::string& written) const {
    fs::path p(written);
    return (p.is_absolute() ? p : base / p).lexically_normal();
  }
  std::string relative(const fs::path& resolved) const {
    const auto rel = resolved.lexically_relative(base);
    return rel.empty() ? resolved.string() : rel.generic_string();
  }
};

bool hasGlob(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

// Paths for one written entry: the path itself, or the sorted matches of a glob.
std::vector<fs::path> expandPath(const Context& ctx, const std::string& key, const std::string& written) {
  const fs::path resolved = ctx.resolve(written);
  if (!hasGlob(written)) {
    if (!fs::exists(resolved)) ctx.fail(key, written, fmt::format("no such file or folder ({})", resolved.string()));
    return {resolved};
  }
  glob_t g{};
  const int rc = ::glob(resolved.c_str(), 0, nullptr, &g);
  std::vector<fs::path> out;
  if (rc == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  if (out.empty()) ctx.fail(key, written, fmt::format("the pattern matches nothing ({})", resolved.string()));
  std::sort(out.begin(), out.end());
  return out;
}

void checkKeys(const Context& ctx, const std::string& where, const json& obj,
               std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : obj.items()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) ctx.fail(where.empty() ? k : where + "." + k, k, "unknown key");
  }
}

std::string str(const Context& ctx, const std::string& key, const json& v) {
  if (!v.is_string()) ctx.fail(key, v.dump(), "expected a string");
  return v.get<std::string>();
}

double number(const Context& ctx, const std::string& key, const json& v) {
  if (!v.is_number()) ctx.fail(key, v.dump(), "expected a number");
  const double x = v.get<double>();
  if (!std::isfinite(x)) ctx.fail(key, v.dump(), "expected a finite number");
  return x;
}

std::vector<double> numbers(const Context& ctx, const std::string& key, const json& v) {
  if (!v.is_array() || v.empty()) ctx.fail(key, v.dump(), "expected a non-empty array of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(number(ctx, fmt::format("{}[{}]", key, i), v[i]));
  return out;
}

const json& array(const Context& ctx, const std::string& key, const json& v) {
  if (!v.is_array() || v.empty()) ctx.fail(key, v.dump(), "expected a non-empty array");
  return v;
}

// ----------------------------------------------------------------------------------------------
std::vector<FeederSpec> parseFeeders(const Context& ctx, const json& list) {
  std::vector<FeederSpec> out;
  for (std::size_t i = 0; i < array(ctx, "feeders", list).size(); ++i) {
    const std::string key = fmt::format("feeders[{}]", i);
    const json& e = list[i];
    std::string written, format = "auto", name;
    if (e.is_string()) {
      written = e.get<std::string>();
    } else if (e.is_object()) {
      checkKeys(ctx, key, e, {"path", "format", "name"});
      if (!e.contains("path")) ctx.fail(key, e.dump(), "missing key \"path\"");
      written = str(ctx, key + ".path", e["path"]);
      if (e.contains("format")) format = str(ctx, key + ".format", e["format"]);
      if (e.contains("name")) name = str(ctx, key + ".name", e["name"]);
      if (format != "auto" && format != "dss" && format != "cim" && format != "csv")
        ctx.fail(key + ".format", format, "expected auto, dss, cim or csv");
    } else {
      ctx.fail(key, e.dump(), "expected a path (string) or an object {\"path\", \"format\", \"name\"}");
    }
    const auto paths = expandPath(ctx, key, written);
    if (!name.empty() && paths.size() > 1)
      ctx.fail(key + ".name", name, "a glob matching several feeders cannot have one name");
    for (const auto& p : paths) {
      FeederSpec f;
      f.path = p;
      f.format = format;
      f.as_written = ctx.relative(p);
      f.name = safeName(!name.empty() ? name : fs::is_directory(p) ? p.filename().string() : p.stem().string());
      out.push_back(std::move(f));
    }
  }
  // Same stem in different folders (e.g. every EPRI feeder's Master.dss): prefix the parent
  // folder's name; a remaining clash needs an explicit name.
  std::map<std::string, int> count;
  for (const auto& f : out) ++count[f.name];
  for (auto& f : out)
    if (count[f.name] > 1 && f.path.has_parent_path())
      f.name = safeName(f.path.parent_path().filename().string() + "-" + f.name);
  std::set<std::string> seen;
  for (const auto& f : out)
    if (!seen.insert(f.name).second)
      ctx.fail("feeders", f.as_written, fmt::format("two feeders are named \"{}\"; give one a \"name\"", f.name));
  return out;
}

std::string gridNumber(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  if (std::abs(std::round(x * scale) / scale - x) < 1e-12) return fmt::format("{:.{}f}", x, decimals);
  return fmt::format("{}", x);
}

std::vector<events::Scenario> parseSagGrid(const Context& ctx, const std::string& key, const json& g) {
  checkKeys(
      ctx, key, g,
      {"magnitude_pu", "duration_cycles", "duration_s", "t_on_s", "t_end_s", "output_interval_s", "frequency_hz"});
  if (!g.contains("magnitude_pu")) ctx.fail(key, g.dump(), "missing key \"magnitude_pu\"");
  if (g.contains("duration_cycles") == g.contains("duration_s"))
    ctx.fail(key, g.dump(), "give exactly one of \"duration_cycles\" and \"duration_s\"");
  const auto magnitudes = numbers(ctx, key + ".magnitude_pu", g["magnitude_pu"]);
  const bool cycles = g.contains("duration_cycles");
  const auto durations = numbers(ctx, key + (cycles ? ".duration_cycles" : ".duration_s"),
                                 cycles ? g["duration_cycles"] : g["duration_s"]);
  const double t_on = g.contains("t_on_s") ? number(ctx, key + ".t_on_s", g["t_on_s"]) : events::kStudyEventStartS;
  const double t_end = g.contains("t_end_s") ? number(ctx, key + ".t_end_s", g["t_end_s"]) : events::kStudyEndS;
  const double dt = g.contains("output_interval_s") ? number(ctx, key + ".output_interval_s", g["output_interval_s"])
                                                    : events::kDefaultOutputIntervalS;
  const double f_hz =
      g.contains("frequency_hz") ? number(ctx, key + ".frequency_hz", g["frequency_hz"]) : events::kStudyFrequencyHz;
  if (!(f_hz > 0)) ctx.fail(key + ".frequency_hz", g["frequency_hz"].dump(), "must be positive");
  std::vector<events::Scenario> out;
  for (double m : magnitudes) {
    for (double d : durations) {
      events::Scenario s;
      const double duration_s = cycles ? d / f_hz : d;
      s.name = cycles ? fmt::format("sag-{}pu-{}cyc", gridNumber(m, 2), d)
                      : fmt::format("sag-{}pu-{}s", gridNumber(m, 2), d);
      s.description =
          cycles ? fmt::format("Source EMF (behind the source impedance) to {} pu for {} cycles at {} Hz from t = {} s",
                               m, d, f_hz, t_on)
                 : fmt::format("Source EMF (behind the source impedance) to {} pu for {} s from t = {} s", m, d, t_on);
      s.t_end_s = t_end;
      s.output_interval_s = dt;
      s.events.push_back(events::Event{
          .detail =
              events::SourceSag{.magnitude_pu = {m, m, m}, .t_on_s = t_on, .duration_s = duration_s, .profile = {}},
          .note = ""});
      const auto problems = s.validate();
      if (!problems.empty()) ctx.fail(key, s.name, problems.front());
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<events::Scenario> parseEvents(const Context& ctx, const json& list) {
  std::vector<events::Scenario> out;
  for (std::size_t i = 0; i < array(ctx, "events", list).size(); ++i) {
    const std::string key = fmt::format("events[{}]", i);
    const json& e = list[i];
    if (e.is_string() && e.get<std::string>() == "default") {
      for (auto& s : events::defaultStudyEvents()) out.push_back(std::move(s));
    } else if (e.is_string()) {
      for (const auto& p : expandPath(ctx, key, e.get<std::string>())) {
        if (fs::is_directory(p)) {
          std::vector<fs::path> files;
          for (const auto& f : fs::directory_iterator(p))
            if (f.path().extension() == ".json") files.push_back(f.path());
          std::sort(files.begin(), files.end());
          if (files.empty()) ctx.fail(key, e.get<std::string>(), "no event files (*.json) in the folder");
          for (const auto& f : files) out.push_back(events::readScenario(f));
        } else {
          out.push_back(events::readScenario(p));
        }
      }
    } else if (e.is_object()) {
      checkKeys(ctx, key, e, {"source_sag_grid"});
      if (!e.contains("source_sag_grid")) ctx.fail(key, e.dump(), "expected {\"source_sag_grid\": {...}}");
      for (auto& s : parseSagGrid(ctx, key + ".source_sag_grid", e["source_sag_grid"])) out.push_back(std::move(s));
    } else {
      ctx.fail(key, e.dump(), "expected an event file, a folder, \"default\" or {\"source_sag_grid\": {...}}");
    }
  }
  std::set<std::string> seen;
  for (const auto& s : out)
    if (!seen.insert(safeName(s.name)).second)
      ctx.fail("events", s.name, "two events have the same name (event names are part of case ids)");
  return out;
}

std::vector<Variation> parseVariations(const Context& ctx, const json* v) {
  // Axes, each a list of (id part, setter).
  struct Composition {
    std::optional<fs::path> path;
    std::string written;
  };
  std::vector<Composition> compositions{{}};
  std::vector<std::optional<int>> sections{std::nullopt};
  std::vector<std::pair<std::string, std::vector<double>>> parameters;  // sorted by key
  if (v) {
    if (!v->is_object()) ctx.fail("variations", v->dump(), "expected an object");
    checkKeys(ctx, "variations", *v, {"compositions", "sections", "parameters"});
    if (v->contains("compositions")) {
      compositions.clear();
      const json& list = array(ctx, "variations.compositions", (*v)["compositions"]);
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string key = fmt::format("variations.compositions[{}]", i);
        if (list[i].is_null() || (list[i].is_string() && list[i].get<std::string>() == "default")) {
          compositions.push_back({});
          continue;
        }
        const std::string written = str(ctx, key, list[i]);
        const auto paths = expandPath(ctx, key, written);
        for (const auto& p : paths) compositions.push_back({p, ctx.relative(p)});
      }
    }
    if (v->contains("sections")) {
      sections.clear();
      const json& list = array(ctx, "variations.sections", (*v)["sections"]);
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string key = fmt::format("variations.sections[{}]", i);
        if (list[i].is_string() && list[i].get<std::string>() == "auto") {
          sections.push_back(std::nullopt);
        } else if (list[i].is_number_integer() && list[i].get<int>() >= 1 && list[i].get<int>() <= 50) {
          sections.push_back(list[i].get<int>());
        } else {
          ctx.fail(key, list[i].dump(), "expected an integer from 1 to 50, or \"auto\"");
        }
      }
    }
    if (v->contains("parameters")) {
      const json& p = (*v)["parameters"];
      if (!p.is_object())
        ctx.fail("variations.parameters", p.dump(), "expected an object {\"motor_d.v_stall\": [..], ...}");
      for (const auto& [k, values] : p.items()) {
        const std::string key = "variations.parameters." + k;
        if (!isParameterKey(k))
          ctx.fail(key, k, fmt::format("unknown parameter; known: {}", fmt::join(parameterKeys(), ", ")));
        parameters.emplace_back(
            k, values.is_array() ? numbers(ctx, key, values) : std::vector<double>{number(ctx, key, values)});
      }
      std::sort(parameters.begin(), parameters.end());
    }
  }
  // Cartesian product: compositions x sections x parameter values (keys in sorted order).
  std::vector<std::vector<std::pair<std::string, double>>> combos{{}};
  for (const auto& [k, values] : parameters) {
    std::vector<std::vector<std::pair<std::string, double>>> next;
    for (const auto& c : combos)
      for (double x : values) {
        auto n = c;
        n.emplace_back(k, x);
        next.push_back(std::move(n));
      }
    combos = std::move(next);
  }
  std::vector<Variation> out;
  std::set<std::string> seen;
  for (const auto& comp : compositions)
    for (const auto& s : sections)
      for (const auto& combo : combos) {
        Variation var;
        var.composition = comp.path;
        var.composition_as_written = comp.written;
        var.sections = s;
        var.parameters = combo;
        std::vector<std::string> parts;
        if (comp.path) parts.push_back("comp-" + safeName(comp.path->stem().string()));
        if (s) parts.push_back(fmt::format("s{}", *s));
        for (const auto& [k, x] : combo) parts.push_back(fmt::format("{}-{}", k, x));
        var.id = parts.empty() ? "base" : safeName(fmt::format("{}", fmt::join(parts, "+")));
        if (!seen.insert(var.id).second)
          ctx.fail("variations", var.id, "two variations give the same id (repeated values or composition file names)");
        out.push_back(std::move(var));
      }
  return out;
}

}  // namespace

std::string safeName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '+';
    out += keep ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::vector<std::string> parameterKeys() {
  std::vector<std::string> out;
  for (const auto& f : kMotorDFields) out.emplace_back(f.key);
  std::sort(out.begin(), out.end());
  return out;
}

bool isParameterKey(std::string_view key) {
  return findField(key) != nullptr;
}

void applyParameters(model::CompositeSpec& spec, const std::vector<std::pair<std::string, double>>& parameters) {
  for (const auto& [key, value] : parameters) {
    const auto* f = findField(key);
    if (!f) throw std::invalid_argument("unknown sweep parameter " + key);
    spec.parameters.motor_d.*(f->member) = value;
    // Vstall and Tstall also differ by motor D population (docs/compositions.md): a swept value
    // is every unit's, so it replaces each population's as well.
    for (auto& pop : spec.motor_d_populations) {
      if (f->member == &model::MotorDParameters::v_stall) pop.v_stall = value;
      if (f->member == &model::MotorDParameters::t_stall) pop.t_stall = value;
    }
  }
}

std::uint64_t caseListHash(const std::vector<Case>& cases) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& c : cases) {
    for (unsigned char ch : c.id + '\n') {
      h ^= ch;
      h *= 1099511628211ull;
    }
  }
  return h;
}

SweepPlan parseSweep(const std::string& text, const fs::path& path) {
  Context ctx{path, path.has_parent_path() ? fs::absolute(path).parent_path() : fs::current_path()};
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // Line of the byte where parsing stopped.
    const std::size_t at = std::min<std::size_t>(e.byte, text.size());
    const int line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    throw core::InputError({path.string(), line}, "", fmt::format("invalid JSON: {}", e.what()));
  }
  if (!doc.is_object()) ctx.fail("", doc.dump().substr(0, 40), "a sweep file is a JSON object");
  checkKeys(
      ctx, "", doc,
      {"format", "name", "description", "feeders", "events", "variations", "write_reports", "source_mva", "source_xr"});
  if (!doc.contains("format") || !doc["format"].is_string() || doc["format"].get<std::string>() != kSweepFormat)
    ctx.fail("format", doc.contains("format") ? doc["format"].dump() : "",
             fmt::format("expected \"{}\"", kSweepFormat));
  if (!doc.contains("feeders")) ctx.fail("feeders", "", "missing key");
  if (!doc.contains("events")) ctx.fail("events", "", "missing key");

  SweepPlan plan;
  plan.file = path;
  plan.name = doc.contains("name") ? str(ctx, "name", doc["name"]) : path.stem().string();
  plan.feeders = parseFeeders(ctx, doc["feeders"]);
  plan.events = parseEvents(ctx, doc["events"]);
  plan.variations = parseVariations(ctx, doc.contains("variations") ? &doc["variations"] : nullptr);
  if (doc.contains("write_reports")) {
    if (!doc["write_reports"].is_boolean())
      ctx.fail("write_reports", doc["write_reports"].dump(), "expected true or false");
    plan.write_reports = doc["write_reports"].get<bool>();
  }
  if (doc.contains("source_mva")) plan.source_mva = number(ctx, "source_mva", doc["source_mva"]);
  if (doc.contains("source_xr")) plan.source_xr = number(ctx, "source_xr", doc["source_xr"]);
  if (!(plan.source_mva > 0)) ctx.fail("source_mva", doc["source_mva"].dump(), "must be positive");
  if (!(plan.source_xr > 0)) ctx.fail("source_xr", doc["source_xr"].dump(), "must be positive");

  for (const auto& f : plan.feeders)
    for (const auto& e : plan.events)
      for (const auto& v : plan.variations)
        plan.cases.push_back(Case{fmt::format("{}__{}__{}", f.name, safeName(e.name), v.id), f, e, v});
  std::sort(plan.cases.begin(), plan.cases.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < plan.cases.size(); ++i)
    if (plan.cases[i].id == plan.cases[i - 1].id) ctx.fail("", plan.cases[i].id, "two cases have the same id");
  return plan;
}

SweepPlan readSweepFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::InputError({path.string(), 0}, path.string(), "cannot read the sweep file");
  std::ostringstream text;
  text << in.rdbuf();
  return parseSweep(text.str(), path);
}

}  // namespace feederlab::sweep
