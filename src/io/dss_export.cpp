// OpenDSS export: the script's frame (options, circuit, voltage bases, coordinates, recorded-only
// elements) and the small writer that quotes names and prints numbers exactly.
#include "feederlab/io/dss_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "dss_export_writer.hpp"
#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/io/dss_build.hpp"

namespace feederlab::io {

namespace dssexport {

namespace {

// Characters that end or delimit a bare OpenDSS token, or start a comment.
bool needsQuotes(std::string_view text) {
  if (text.empty()) return true;
  return text.find_first_of(" \t\r\n\f\v,=()[]{}\"'!/") != std::string_view::npos || text.front() == '~';
}

}  // namespace

std::string number(double value) {
  return fmt::format("{}", value);
}

std::string token(std::string_view text, std::string_view element) {
  if (!needsQuotes(text)) return std::string(text);
  if (text.find('"') == std::string_view::npos) return "\"" + std::string(text) + "\"";
  if (text.find('\'') == std::string_view::npos) return "'" + std::string(text) + "'";
  throw core::ModelError(std::string(element),
                         "name '" + std::string(text) + "' has both kinds of quote; OpenDSS cannot read it");
}

std::string objectRef(std::string_view cls, std::string_view name) {
  const std::string full = std::string(cls) + "." + std::string(name);
  return token(full, full);
}

Command::Command(std::string head, std::string element) : text_(std::move(head)), element_(std::move(element)) {}

Command& Command::raw(std::string_view key, std::string_view value) {
  text_ += ' ';
  text_ += key;
  text_ += '=';
  text_ += value;
  return *this;
}

Command& Command::num(std::string_view key, double value) {
  if (!std::isfinite(value)) {
    throw core::ModelError(element_, std::string(key) + " is not a finite number");
  }
  return raw(key, number(value));
}

Command& Command::numIf(std::string_view key, double value, double default_value) {
  return value == default_value ? *this : num(key, value);
}

Command& Command::integer(std::string_view key, long long value) {
  return raw(key, std::to_string(value));
}

Command& Command::word(std::string_view key, std::string_view value) {
  return raw(key, token(value, element_));
}

Command& Command::yesNo(std::string_view key, bool value) {
  return raw(key, value ? "yes" : "no");
}

Command& Command::array(std::string_view key, const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw core::ModelError(element_, std::string(key) + " has a value that is not finite");
    }
    if (i > 0) text += ' ';
    text += number(values[i]);
  }
  return raw(key, text + "]");
}

// Lower triangle, rows separated by `|` (the importer and OpenDSS both read it).
Command& Command::matrix(std::string_view key, const core::CMatrix& m, bool imag, double factor) {
  std::string text = "[";
  for (std::size_t r = 0; r < m.n; ++r) {
    if (r > 0) text += " |";
    for (std::size_t c = 0; c <= r; ++c) {
      const double v = (imag ? m(r, c).imag() : m(r, c).real()) * factor;
      if (!std::isfinite(v)) throw core::ModelError(element_, std::string(key) + " is not finite");
      if (r > 0 || c > 0) text += ' ';
      text += number(v);
    }
  }
  return raw(key, text + "]");
}

void Context::comment(std::string_view text) {
  out += "! ";
  out += text;
  out += '\n';
}

void Context::note(std::string text) {
  comment("note: " + text);
  notes.push_back(std::move(text));
}

std::string Context::busSpec(const model::Terminal& t, std::string_view element) const {
  if (t.bus < 0 || static_cast<std::size_t>(t.bus) >= feeder.buses.size()) {
    throw core::ModelError(std::string(element), "terminal without a bus");
  }
  const std::string& name = feeder.buses[static_cast<std::size_t>(t.bus)].name;
  if (name.find('.') != std::string::npos) {
    throw core::ModelError(std::string(element),
                           "bus name '" + name + "' contains '.', which OpenDSS reads as a node separator");
  }
  std::string spec = name;
  for (int n : t.nodes) spec += "." + std::to_string(n);
  return token(spec, element);
}

}  // namespace dssexport

namespace {

using dssexport::Command;
using dssexport::Context;
using dssexport::number;
using dssexport::token;

void writeSettingsAfterCircuit(Context& ctx) {
  const model::Settings& s = ctx.feeder.settings;
  ctx.line(Command("Set", "set").word("EarthModel", s.earth_model));
  if (!s.voltage_bases_kv.empty()) ctx.line(Command("Set", "set").array("VoltageBases", s.voltage_bases_kv));
  ctx.line(Command("Set", "set").num("LoadMult", s.load_mult));
  ctx.line(Command("Set", "set").integer("MaxIterations", s.max_iterations));
  ctx.line(Command("Set", "set").integer("MaxControlIter", s.max_control_iterations));
  ctx.line(Command("Set", "set").num("Tolerance", s.tolerance));
  if (s.controls_off) ctx.line("Set ControlMode=OFF");
}

// Flat placeholders for the load shapes loads name, so OpenDSS finds them; snapshot solves do
// not use them.
void writeLoadShapes(Context& ctx) {
  std::set<std::string> names;
  for (const auto& l : ctx.feeder.loads) {
    for (const std::string* n : {&l.yearly, &l.daily, &l.duty}) {
      if (!n->empty()) names.insert(*n);
    }
  }
  if (names.empty()) return;
  ctx.note(std::to_string(names.size()) +
           " load shape(s) named by loads are written as flat placeholders (mult=[1]): feederlab "
           "does not keep shape data, and snapshot power flows do not use it");
  for (const auto& n : names) {
    ctx.line("New " + dssexport::objectRef("Loadshape", n) + " npts=1 interval=1 mult=[1]");
  }
}

void writeOthers(Context& ctx) {
  std::set<std::string> placeholders;
  for (const auto& l : ctx.feeder.loads) {
    for (const std::string* n : {&l.yearly, &l.daily, &l.duty}) {
      if (!n->empty()) placeholders.insert(*n);
    }
  }
  std::vector<const model::OtherElement*> listed;
  for (const auto& o : ctx.feeder.others) {
    if (!(o.cls == "loadshape" && placeholders.count(o.name) > 0)) listed.push_back(&o);
  }
  if (listed.empty()) return;
  ctx.note(std::to_string(listed.size()) +
           " recorded-only element(s) (PV, storage, generators, meters, protection, shapes, ...) are "
           "listed below as comments: feederlab keeps their names and buses, not their data");
  for (const model::OtherElement* o : listed) {
    std::string text = o->cls + "." + o->name;
    for (const auto& t : o->terminals) text += " bus=" + ctx.busSpec(t, text);
    if (o->kw != 0.0) text += " kW=" + number(o->kw);
    if (o->kvar != 0.0) text += " kvar=" + number(o->kvar);
    if (!o->enabled) text += " enabled=no";
    ctx.comment(text);
  }
}

// CalcVoltageBases only when it reaches every bus and cannot give a base to a bus that has none;
// the SetkVBase lines after it set every known base exactly either way.
void writeVoltageBases(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  bool calc = !f.settings.voltage_bases_kv.empty();
  if (calc) {
    model::Feeder copy = f;
    calc = dss::assignVoltageBases(copy, f.settings.voltage_bases_kv) == 0;  // else it warns
    for (std::size_t i = 0; i < f.buses.size() && calc; ++i) {
      calc = !(f.buses[i].kv_base_ll <= 0.0 && copy.buses[i].kv_base_ll > 0.0);
    }
  }
  ctx.line(calc ? "CalcVoltageBases" : "MakeBusList");
  for (const auto& b : f.buses) {
    if (b.kv_base_ll > 0.0) {
      ctx.line(Command("SetkVBase", "bus." + b.name).word("bus", b.name).num("kVLL", b.kv_base_ll));
    }
  }
}

std::string coordinates(const model::Feeder& f) {
  std::string out;
  for (const auto& b : f.buses) {
    if (!b.coords) continue;
    out += token(b.name, "bus." + b.name) + ", " + number((*b.coords)[0]) + ", " + number((*b.coords)[1]) + '\n';
  }
  return out;
}

std::string header(const model::Feeder& f, const std::vector<std::string>& notes) {
  std::string out = "! OpenDSS script written by feederlab export from the " +
                    (f.format.empty() ? std::string("in-memory") : f.format) + " feeder '" + f.name + "'\n";
  for (const auto& s : f.source_files) out += "!   read from " + s + "\n";
  out +=
      "! Every terminal names all of its conductors' nodes; impedances are exact (ohm, nF,\n"
      "! per unit of each line's length unit). Solve with `Solve` after compiling.\n";
  if (!notes.empty())
    out += "! " + std::to_string(notes.size()) + " note(s) on what is not carried over exactly follow in place.\n";
  return out + "\n";
}

}  // namespace

DssExport exportDss(const model::Feeder& feeder, const DssExportOptions& options) {
  Context ctx{feeder, {}, {}};
  ctx.line("Clear");
  ctx.line(Command("Set", "set").num("DefaultBaseFrequency", feeder.settings.base_frequency_hz));
  dssexport::writeSources(ctx);
  writeSettingsAfterCircuit(ctx);
  dssexport::writeLines(ctx);
  dssexport::writeTransformers(ctx);
  dssexport::writeShunts(ctx);
  dssexport::writeControls(ctx);
  writeLoadShapes(ctx);
  dssexport::writeLoads(ctx);
  writeOthers(ctx);
  writeVoltageBases(ctx);
  DssExport result;
  result.bus_coords = coordinates(feeder);
  if (!result.bus_coords.empty()) {
    ctx.line("BusCoords " + token(options.bus_coords_file, "buscoords"));
  }
  result.script = header(feeder, ctx.notes) + ctx.out;
  result.notes = std::move(ctx.notes);
  return result;
}

std::vector<std::string> exportDssFile(const model::Feeder& feeder, const std::filesystem::path& path) {
  DssExportOptions options;
  options.bus_coords_file = path.stem().string() + "_buscoords.csv";
  DssExport result = exportDss(feeder, options);
  if (!result.bus_coords.empty()) {
    core::writeFileAtomic(path.parent_path() / options.bus_coords_file, result.bus_coords);
  }
  core::writeFileAtomic(path, result.script);
  return std::move(result.notes);
}

}  // namespace feederlab::io
