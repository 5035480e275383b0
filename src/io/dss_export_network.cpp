// OpenDSS export of the series network: line codes, lines and switches, transformer codes and
// transformers, written so importDss rebuilds exactly the same matrices and windings.
#include <cmath>
#include <map>
#include <set>

#include "dss_export_writer.hpp"
#include "feederlab/core/units.hpp"
#include "feederlab/io/dss_edit.hpp"

namespace feederlab::io::dssexport {

namespace {

constexpr double kTwoPi = 2.0 * core::kPi;

double maxAbs(const core::CMatrix& m) {
  double out = 0.0;
  for (const auto& v : m.values) out = std::max(out, std::abs(v));
  return out;
}

bool close(const core::CMatrix& a, const core::CMatrix& b, double rel) {
  if (a.n != b.n) return false;
  const double scale = std::max(maxAbs(a), maxAbs(b));
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    if (std::abs(a.values[i] - b.values[i]) > rel * scale) return false;
  }
  return true;
}

bool symmetric(const core::CMatrix& m) {
  core::CMatrix t(m.n);
  for (std::size_t r = 0; r < m.n; ++r) {
    for (std::size_t c = 0; c < m.n; ++c) t(r, c) = m(c, r);
  }
  return close(m, t, 1e-14);
}

// True when the line's sequence data rebuild its matrices (then they are written as given).
bool sequenceReproduces(const model::LineImpedance& imp, int phases, double freq) {
  if (!imp.sequence) return false;
  const auto& s = *imp.sequence;
  core::CMatrix z, y;
  dss::sequenceToMatrices(phases, s.r1, s.x1, s.r0, s.x0, s.c1_nf * 1e-9, s.c0_nf * 1e-9, freq, z, y);
  return close(z, imp.z_per_length, 1e-13) && close(y, imp.y_per_length, 1e-13);
}

struct LineNotes {
  int conductance = 0, asymmetric = 0, provenance = 0;
};

// Returns true when written as sequence values (a line code so written may serve other phase
// counts: OpenDSS lets a line change the phases of a symmetrical code).
bool impedance(Command& c, const model::LineImpedance& imp, int phases, double freq, LineNotes& notes) {
  if (sequenceReproduces(imp, phases, freq)) {
    const auto& s = *imp.sequence;
    c.num("r1", s.r1).num("x1", s.x1).num("r0", s.r0).num("x0", s.x0);
    c.num("c1", s.c1_nf).num("c0", s.c0_nf);
    return true;
  }
  for (const auto& v : imp.y_per_length.values) {
    if (v.real() != 0.0) {
      ++notes.conductance;
      break;
    }
  }
  if (!symmetric(imp.z_per_length) || !symmetric(imp.y_per_length)) ++notes.asymmetric;
  c.matrix("rmatrix", imp.z_per_length, false).matrix("xmatrix", imp.z_per_length, true);
  if (imp.y_per_length.n == imp.z_per_length.n) {
    c.matrix("cmatrix", imp.y_per_length, true, 1e9 / (kTwoPi * freq));
  } else {
    core::CMatrix zero(imp.z_per_length.n);
    c.matrix("cmatrix", zero, true);
  }
  return false;
}

// Returns the names of the codes written as sequence values.
std::set<std::string> writeLineCodes(Context& ctx, const std::map<std::string, const model::Line*>& codes,
                                     LineNotes& notes) {
  const double freq = ctx.feeder.settings.base_frequency_hz;
  std::set<std::string> symmetrical;
  for (const auto& [name, line] : codes) {
    Command c("New " + objectRef("LineCode", name), "linecode." + name);
    c.integer("nphases", line->phases);
    if (line->length_unit != core::LengthUnit::None) c.raw("units", core::lengthUnitName(line->length_unit));
    if (impedance(c, line->impedance, line->phases, freq, notes)) symmetrical.insert(name);
    c.num("normamps", line->norm_amps);
    ctx.line(c);
  }
  return symmetrical;
}

}  // namespace

void writeLines(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  const double freq = f.settings.base_frequency_hz;
  std::map<std::string, const model::Line*> codes;
  for (const auto& l : f.lines) {
    if (!l.linecode.empty()) codes.emplace(l.linecode, &l);
  }
  LineNotes notes;
  std::set<std::string> symmetrical;
  if (!codes.empty()) {
    ctx.comment("Line codes (each with the data of its first line; every line states its own impedances)");
    symmetrical = writeLineCodes(ctx, codes, notes);
  }
  notes = LineNotes{};
  if (!f.lines.empty()) ctx.comment("Lines and switches");
  int geometry = 0;
  for (const auto& l : f.lines) {
    const std::string element = "line." + l.name;
    Command c("New " + objectRef("Line", l.name), element);
    c.raw("bus1", ctx.busSpec(l.bus1, element)).raw("bus2", ctx.busSpec(l.bus2, element));
    if (!l.linecode.empty()) {
      if (codes.at(l.linecode)->phases == l.phases || symmetrical.count(l.linecode) > 0) {
        c.word("linecode", l.linecode);
      } else {
        ++notes.provenance;
      }
    }
    if (!l.geometry.empty()) ++geometry;
    c.integer("phases", l.phases);
    if (l.is_switch) c.yesNo("switch", true);  // before the impedances: it resets them
    impedance(c, l.impedance, l.phases, freq, notes);
    c.num("length", l.length);
    if (l.length_unit != core::LengthUnit::None) c.raw("units", core::lengthUnitName(l.length_unit));
    c.num("normamps", l.norm_amps);
    if (!l.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
  for (const auto& l : f.lines) {
    if (l.open) ctx.line("Open " + objectRef("Line", l.name) + " 1");
  }
  if (geometry > 0) {
    ctx.note(std::to_string(geometry) +
             " line(s) built from a line geometry or spacing are written with their "
             "computed phase matrices; the geometry name is not kept");
  }
  if (notes.provenance > 0) {
    ctx.note(std::to_string(notes.provenance) +
             " line(s) do not name their line code (it has another phase "
             "count); their impedances are exact");
  }
  if (notes.conductance > 0) {
    ctx.note(std::to_string(notes.conductance) +
             " line(s) have shunt conductance, which OpenDSS lines cannot "
             "carry: only the capacitance is written");
  }
  if (notes.asymmetric > 0) {
    ctx.note(std::to_string(notes.asymmetric) +
             " line(s) have non-symmetric matrices: the lower triangle is "
             "written");
  }
}

namespace {

std::vector<double> windingValues(const model::Transformer& t, double model::Winding::*field) {
  std::vector<double> out;
  for (const auto& w : t.windings) out.push_back(w.*field);
  return out;
}

// Everything but buses, bank and enabled (shared by XfmrCode and Transformer).
void transformerBody(Command& c, const model::Transformer& t) {
  const auto n = t.windings.size();
  c.integer("phases", t.phases).integer("windings", static_cast<long long>(n));
  std::string conns = "[";
  for (std::size_t i = 0; i < n; ++i) {
    conns += (i > 0 ? " " : "");
    conns += t.windings[i].conn == model::Connection::Delta ? "delta" : "wye";
  }
  c.raw("conns", conns + "]");
  c.array("kvs", windingValues(t, &model::Winding::kv));
  c.array("kvas", windingValues(t, &model::Winding::kva));
  c.array("taps", windingValues(t, &model::Winding::tap));
  // Each %R edit recomputes %loadloss from windings 1-2 and %loadloss sets their %R: the one
  // that agrees with the other goes last, so both read back exactly.
  const bool loss = t.pct_loadloss >= 0.0;
  const bool loss_decides = loss && n >= 2 && t.windings[0].r_pct == t.pct_loadloss / 200.0 * 100.0 &&
                            t.windings[1].r_pct == t.windings[0].r_pct;
  if (loss && !loss_decides) c.num("%loadloss", t.pct_loadloss);
  c.array("%rs", windingValues(t, &model::Winding::r_pct));
  if (loss_decides) c.num("%loadloss", t.pct_loadloss);
  for (std::size_t i = 0; i < n; ++i) {
    const model::Winding& w = t.windings[i];
    const bool plain =
        w.r_neutral == -1.0 && w.x_neutral == 0.0 && w.max_tap == 1.1 && w.min_tap == 0.9 && w.num_taps == 32;
    if (plain) continue;
    c.integer("wdg", static_cast<long long>(i + 1));
    c.numIf("rneut", w.r_neutral, -1.0).numIf("xneut", w.x_neutral, 0.0);
    c.numIf("maxtap", w.max_tap, 1.1).numIf("mintap", w.min_tap, 0.9);
    if (w.num_taps != 32) c.integer("numtaps", w.num_taps);
  }
  c.num("xhl", t.xhl_pct);
  if (n == 3) c.num("xht", t.xht_pct).num("xlt", t.xlt_pct);
  if (n > 3 && !t.x_sc_pct.empty()) c.array("xscarray", t.x_sc_pct);
  c.num("%noloadloss", t.pct_noload_loss).num("%imag", t.pct_imag);
}

}  // namespace

void writeTransformers(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  std::map<std::string, const model::Transformer*> codes;
  for (const auto& t : f.transformers) {
    if (!t.xfmrcode.empty()) codes.emplace(t.xfmrcode, &t);
  }
  if (!codes.empty()) {
    ctx.comment("Transformer codes (each with the data of its first transformer; every transformer states its own)");
  }
  for (const auto& [name, t] : codes) {
    Command c("New " + objectRef("XfmrCode", name), "xfmrcode." + name);
    transformerBody(c, *t);
    ctx.line(c);
  }
  if (!f.transformers.empty()) ctx.comment("Transformers and regulator transformers");
  for (const auto& t : f.transformers) {
    const std::string element = "transformer." + t.name;
    Command c("New " + objectRef("Transformer", t.name), element);
    if (!t.xfmrcode.empty()) c.word("xfmrcode", t.xfmrcode);
    transformerBody(c, t);
    std::string buses = "[";
    for (std::size_t i = 0; i < t.windings.size(); ++i) {
      buses += (i > 0 ? " " : "") + ctx.busSpec(t.windings[i].terminal, element);
    }
    c.raw("buses", buses + "]");
    if (!t.bank.empty()) c.word("bank", t.bank);
    if (!t.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
}

}  // namespace feederlab::io::dssexport
