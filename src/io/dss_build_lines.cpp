// Lines: impedance per unit of the line's length unit, as OpenDSS's Line.CalcYPrim builds it
// (total Z = Z * length / FUnitsConvert for line codes and sequence/matrix data; geometry and
// spacing lines via computeLineConstants, per metre times the line's unit).
#include <cmath>
#include <unordered_map>

#include "feederlab/io/dss_build.hpp"
#include "feederlab/io/line_constants.hpp"

namespace feederlab::io::dss {

namespace {

struct PerMetre {
  CMatrix z, y;
};

const WireState& findConductor(const Workspace& ws, ClassId kind, const std::string& name,
                               const std::string& element, const Where& where) {
  const auto& table = kind == ClassId::CNData ? ws.cndata : kind == ClassId::TSData ? ws.tsdata : ws.wires;
  const int id = table.find(name);
  if (id < 0) modelError(element, where, "conductor '" + name + "' is not defined");
  return table.items[static_cast<std::size_t>(id)];
}

lineconst::Conductor toConductor(const WireState& w, double x, double h, LengthUnit units,
                                 const std::string& element, const Where& where) {
  lineconst::Conductor c;
  const double m = core::metersPer(units);
  c.x_m = x * m;
  c.h_m = h * m;
  if (w.rac < 0.0 && w.rdc < 0.0) {
    modelError(element, where, "conductor '" + w.name + "' has no resistance (Rac or Rdc)");
  }
  if (w.gmr <= 0.0 || w.radius <= 0.0) {
    modelError(element, where, "conductor '" + w.name + "' needs GMRac or radius/diam");
  }
  const double per_r = core::metersPer(w.runits);
  const double rad = core::metersPer(w.radunits);
  c.r_ac_ohm_per_m = (w.rac >= 0.0 ? w.rac : w.rdc * 1.02) / per_r;
  c.r_dc_ohm_per_m = (w.rdc >= 0.0 ? w.rdc : w.rac / 1.02) / per_r;
  c.gmr_m = w.gmr * core::metersPer(w.gmrunits);
  c.radius_m = w.radius * rad;
  if (w.kind == ClassId::WireData) return c;
  c.eps_r = w.eps_r;
  c.ins_layer_m = w.ins_layer * rad;
  c.dia_ins_m = w.dia_ins * rad;
  c.dia_cable_m = w.dia_cable * rad;
  if (w.kind == ClassId::CNData) {
    c.kind = lineconst::ConductorKind::ConcentricNeutral;
    c.k_strands = w.k;
    c.dia_strand_m = w.dia_strand * rad;
    c.gmr_strand_m = (w.gmr_strand > 0.0 ? w.gmr_strand * core::metersPer(w.gmrunits)
                                         : 0.7788 * w.dia_strand * rad / 2.0);
    c.r_strand_ohm_per_m = w.r_strand / per_r;
  } else {
    c.kind = lineconst::ConductorKind::TapeShield;
    c.dia_shield_m = w.dia_shield * rad;
    c.tape_layer_m = w.tape_layer * rad;
    c.tape_lap_pct = w.tape_lap;
  }
  return c;
}

lineconst::EarthModel earthModel(const std::string& name) {
  if (name.rfind("f", 0) == 0) return lineconst::EarthModel::FullCarson;
  if (name.rfind("c", 0) == 0) return lineconst::EarthModel::Carson;
  return lineconst::EarthModel::Deri;
}

class GeometryCache {
 public:
  GeometryCache(const Workspace& ws) : ws_(ws) {}

  const PerMetre& get(const LineState& line, const std::string& element) {
    const Where& where = line.where;
    const double rho = line.rho_specified ? line.rho : 100.0;
    const std::string earth = line.earth_model.empty() ? ws_.settings.earth_model : line.earth_model;
    std::string key = line.geometry_specified ? "g:" + line.geometry : "s:" + line.spacing;
    if (!line.geometry_specified) {
      for (const auto& w : line.wires) key += "|" + w;
    }
    key += "|" + std::to_string(rho) + "|" + earth;
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    lineconst::Options options;
    options.frequency_hz = ws_.settings.base_freq;
    options.rho_ohm_m = rho;
    options.earth_model = earthModel(earth);
    std::vector<lineconst::Conductor> conductors;
    int phases = 0;
    if (line.geometry_specified) {
      const auto& g = ws_.geometries.items[static_cast<std::size_t>(ws_.geometries.find(line.geometry))];
      for (const auto& c : g.conds) {
        if (c.wire.empty()) modelError(element, where, "linegeometry '" + g.name + "' has a conductor without wire");
        const WireState& w = findConductor(ws_, c.kind, c.wire, element, where);
        conductors.push_back(toConductor(w, c.x, c.h, c.units.value_or(g.last_units), element, where));
      }
      phases = g.reduce ? g.nphases : g.nconds;
      options.reduce = g.reduce;
    } else {
      const auto& sp = ws_.spacings.items[static_cast<std::size_t>(ws_.spacings.find(line.spacing))];
      if (line.wires.size() < static_cast<std::size_t>(sp.nconds)) {
        modelError(element, where, "spacing '" + sp.name + "' needs " +
                                            std::to_string(sp.nconds) + " wires, " +
                                            std::to_string(line.wires.size()) + " given");
      }
      for (std::size_t i = 0; i < static_cast<std::size_t>(sp.nconds); ++i) {
        const WireState& w = findConductor(ws_, line.wire_kinds[i], line.wires[i], element, where);
        conductors.push_back(toConductor(w, sp.x[i], sp.h[i], sp.units, element, where));
      }
      phases = sp.nphases;
      options.reduce = sp.nconds > sp.nphases;
    }
    PerMetre result;
    try {
      auto r = lineconst::computeLineConstants(conductors, phases, options);
      result.z = std::move(r.z_ohm_per_m);
      result.y = std::move(r.y_s_per_m);
    } catch (const std::exception& e) {
      modelError(element, where, std::string("line constants: ") + e.what());
    }
    return cache_.emplace(std::move(key), std::move(result)).first->second;
  }

 private:
  const Workspace& ws_;
  std::unordered_map<std::string, PerMetre> cache_;
};

// Matrices of a line given by line code, sequence values or matrices, per line unit.
void seriesAndShunt(const LineState& s, double system_freq, model::Line& m) {
  CMatrix z = s.z, y = s.yc;
  const bool from_sequence = s.sym || s.sym_changed || z.n != static_cast<std::size_t>(s.phases);
  double c1 = s.c1, c0 = s.c0;
  if (from_sequence) {
    if (s.sym_changed && !s.cap_specified) {
      // OpenDSS: default capacitances are per kft; convert them to the line's length unit.
      const double conv = core::lengthConversion(LengthUnit::Kft, s.units);
      c1 /= conv;
      c0 /= conv;
    }
    sequenceToMatrices(s.phases, s.r1, s.x1, s.r0, s.x0, c1, c0, s.base_freq, z, y);
  }
  const double scale = s.units_convert != 0.0 ? 1.0 / s.units_convert : 1.0;
  const double fm = s.base_freq > 0.0 ? system_freq / s.base_freq : 1.0;
  for (auto& v : z.values) v = Complex(v.real() * scale, v.imag() * scale * fm);
  for (auto& v : y.values) v *= scale * fm;
  m.impedance.z_per_length = std::move(z);
  m.impedance.y_per_length = std::move(y);
  if (from_sequence) {
    const double nf = 1e9 * scale;
    m.impedance.sequence = model::LineImpedance::Sequence{s.r1 * scale, s.x1 * scale * fm,
                                                          s.r0 * scale, s.x0 * scale * fm,
                                                          c1 * nf, c0 * nf};
  }
}

}  // namespace

void buildLines(const Workspace& ws, model::Feeder& feeder) {
  GeometryCache cache(ws);
  feeder.lines.reserve(ws.lines.items.size());
  for (const LineState& s : ws.lines.items) {
    model::Line m;
    m.name = s.name;
    m.enabled = s.enabled;
    m.location = s.where.location();
    const std::string element = "line." + s.name;
    m.length = s.len;
    m.length_unit = s.units;
    m.linecode = s.linecode;
    m.geometry = s.geometry_specified ? s.geometry : std::string();
    m.is_switch = s.is_switch;
    m.open = s.open || (s.is_switch && !s.enabled);
    m.norm_amps = s.normamps;
    if (s.geometry_specified || s.spacing_specified) {
      const PerMetre& pm = cache.get(s, element);
      const double per_unit = core::metersPer(s.units);
      m.impedance.z_per_length = pm.z.scaled(per_unit);
      m.impedance.y_per_length = pm.y.scaled(per_unit);
      m.phases = static_cast<int>(pm.z.n);
    } else {
      m.phases = s.phases;
      seriesAndShunt(s, ws.settings.base_freq, m);
      if (m.length_unit == LengthUnit::None && s.code_specified && s.units_convert == 1.0) {
        m.length_unit = s.code_units;  // the length is in the line code's unit
      }
    }
    m.bus1 = makeTerminal(feeder, s.bus1, m.phases, m.phases, element, s.where, "bus1");
    m.bus2 = makeTerminal(feeder, s.bus2, m.phases, m.phases, element, s.where, "bus2");
    if (!std::isfinite(m.length)) modelError(element, s.where, "length is not finite");
    feeder.lines.push_back(std::move(m));
  }
}

}  // namespace feederlab::io::dss
