// LineCode, Line, WireData/CNData/TSData, LineSpacing and LineGeometry edits, following
// OpenDSS's Line.pas/LineCode.pas semantics (side effects of each property included).
#include <cmath>

#include "feederlab/core/strings.hpp"
#include "feederlab/io/dss_edit.hpp"

namespace feederlab::io::dss {

namespace {

constexpr double kTwoPi = 2.0 * 3.14159265358979323846;

std::string nameOf(const PropTable& table, int prop) {
  return prop >= 1 && prop <= table.size() ? table.names[static_cast<std::size_t>(prop - 1)]
                                           : std::string();
}

[[noreturn]] void missing(const EditEnv& env, const std::string& what, std::string_view name) {
  throw core::ModelError(env.element, what + " '" + std::string(name) + "' is not defined (at " +
                                          env.where.location().str() + ")");
}

// Real Gauss-Jordan inverse; false when singular.
bool invert(std::vector<double>& a, std::size_t n) {
  std::vector<double> inv(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) inv[i * n + i] = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r) {
      if (std::fabs(a[r * n + c]) > std::fabs(a[piv * n + c])) piv = r;
    }
    if (std::fabs(a[piv * n + c]) < 1e-300) return false;
    for (std::size_t k = 0; k < n; ++k) {
      std::swap(a[c * n + k], a[piv * n + k]);
      std::swap(inv[c * n + k], inv[piv * n + k]);
    }
    const double d = a[c * n + c];
    for (std::size_t k = 0; k < n; ++k) {
      a[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[r * n + c];
      for (std::size_t k = 0; k < n; ++k) {
        a[r * n + k] -= f * a[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  a = std::move(inv);
  return true;
}

CMatrix kron(const CMatrix& m, std::size_t k) {
  CMatrix out(m.n - 1);
  for (std::size_t i = 0, oi = 0; i < m.n; ++i) {
    if (i == k) continue;
    for (std::size_t j = 0, oj = 0; j < m.n; ++j) {
      if (j == k) continue;
      out(oi, oj) = m(i, j) - m(i, k) * m(k, j) / m(k, k);
      ++oj;
    }
    ++oi;
  }
  return out;
}

void kronReduceCode(LineCodeState& s, EditEnv& env) {
  const int neutral = s.neutral > 0 ? s.neutral : s.nphases;
  if (s.nphases < 2 || neutral > s.nphases || s.z.n != static_cast<std::size_t>(s.nphases)) {
    env.warn("kron-ignored", "kron reduction needs a matrix line code and a valid neutral");
    return;
  }
  const auto k = static_cast<std::size_t>(neutral - 1);
  const std::size_t n = s.z.n;
  if (std::abs(s.z(k, k)) == 0.0) {
    env.warn("kron-ignored", "kron reduction: zero self impedance on the neutral");
    return;
  }
  CMatrix z = kron(s.z, k);
  // Capacitance: eliminate on the potential-coefficient (inverse) matrix, as OpenDSS does.
  std::vector<double> c(n * n);
  for (std::size_t i = 0; i < n * n; ++i) c[i] = s.yc.values[i].imag();
  CMatrix yc(n - 1);
  if (invert(c, n)) {
    CMatrix p(n);
    for (std::size_t i = 0; i < n * n; ++i) p.values[i] = c[i];
    CMatrix pr = kron(p, k);
    std::vector<double> r(pr.values.size());
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = pr.values[i].real();
    if (invert(r, n - 1)) {
      for (std::size_t i = 0; i < r.size(); ++i) yc.values[i] = Complex(0.0, r[i]);
    }
  }
  s.z = std::move(z);
  s.yc = std::move(yc);
  s.nphases -= 1;
  s.neutral = 0;
}

void ensureCodeMatrices(LineCodeState& s) {
  if (s.z.n != static_cast<std::size_t>(s.nphases)) {
    sequenceToMatrices(s.nphases, s.r1, s.x1, s.r0, s.x0, s.c1, s.c0, s.base_freq, s.z, s.yc);
  }
}

void ensureLineMatrices(LineState& s) {
  if (s.z.n != static_cast<std::size_t>(s.phases)) {
    sequenceToMatrices(s.phases, s.r1, s.x1, s.r0, s.x0, s.c1, s.c0, s.base_freq, s.z, s.yc);
  }
}

void resetLengthUnits(LineState& s) {
  s.units_convert = 1.0;
  s.units = LengthUnit::None;
}

void fetchLineCode(LineState& s, std::string_view code, EditEnv& env) {
  const int id = env.ws.linecodes.find(lower(code));
  if (id < 0) missing(env, "linecode", code);
  LineCodeState& c = env.ws.linecodes.items[static_cast<std::size_t>(id)];
  s.linecode = c.name;
  s.base_freq = c.base_freq;
  s.sym = c.sym;
  if (c.sym) {
    s.r1 = c.r1, s.x1 = c.x1, s.r0 = c.r0, s.x0 = c.x0, s.c1 = c.c1, s.c0 = c.c0;
  }
  s.code_units = c.units;
  s.code_specified = true;
  s.units_convert = core::lengthConversion(c.units, s.units);
  s.normamps = c.normamps;
  s.phases = c.nphases;
  if (!c.sym) {
    ensureCodeMatrices(c);
    s.z = c.z;
    s.yc = c.yc;
  } else {
    s.z = CMatrix();
  }
  s.spacing_specified = false;
  s.geometry_specified = false;
}

void lookupConductor(EditEnv& env, std::string_view name, std::string& out_name, ClassId& kind,
                     bool wires_only) {
  const std::string key = lower(name);
  if (env.ws.wires.find(key) >= 0) {
    kind = ClassId::WireData;
  } else if (!wires_only && env.ws.cndata.find(key) >= 0) {
    kind = ClassId::CNData;
  } else if (!wires_only && env.ws.tsdata.find(key) >= 0) {
    kind = ClassId::TSData;
  } else {
    missing(env, "conductor", name);
  }
  out_name = key;
}

void assignCables(LineState& s, const Value& v, EditEnv& env, ClassId kind) {
  const auto list = toArray(v, env.where);
  auto& table = kind == ClassId::CNData ? env.ws.cndata : env.ws.tsdata;
  const std::size_t count = std::min<std::size_t>(list.size(), static_cast<std::size_t>(s.phases));
  if (s.wires.size() < count) {
    s.wires.resize(count);
    s.wire_kinds.resize(count, ClassId::None);
  }
  for (std::size_t i = 0; i < count; ++i) {
    const std::string key = lower(list[i].text);
    if (table.find(key) < 0) missing(env, className(kind), list[i].text);
    s.wires[i] = key;
    s.wire_kinds[i] = kind;
  }
}

void assignWires(LineState& s, const Value& v, EditEnv& env) {
  const auto list = toArray(v, env.where);
  std::size_t start = 0;
  // After cables, "wires" names the bare neutrals that follow the phase cables.
  if (!s.wire_kinds.empty() && s.wire_kinds[0] != ClassId::WireData &&
      s.wire_kinds[0] != ClassId::None) {
    start = static_cast<std::size_t>(s.phases);
  }
  if (s.wires.size() < start + list.size()) {
    s.wires.resize(start + list.size());
    s.wire_kinds.resize(start + list.size(), ClassId::None);
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    lookupConductor(env, list[i].text, s.wires[start + i], s.wire_kinds[start + i], true);
  }
}

void updateSpacingFlag(LineState& s) {
  if (!s.spacing.empty() && !s.wires.empty()) {
    s.spacing_specified = true;
    s.sym = false;
    s.sym_changed = false;
    s.geometry_specified = false;
  }
}

}  // namespace

LengthUnit toUnits(const Value& v, const Where& where) {
  auto u = core::parseLengthUnit(v.text);
  if (!u) fail(where, v.text, "unknown length unit");
  return *u;
}

void matrixToCMatrix(const std::vector<double>& values, int order, CMatrix& m, bool imag,
                     double factor) {
  const auto n = static_cast<std::size_t>(order);
  if (m.n != n) m = CMatrix(n);
  for (std::size_t i = 0; i < n * n; ++i) {
    Complex& c = m.values[i];
    c = imag ? Complex(c.real(), values[i] * factor) : Complex(values[i] * factor, c.imag());
  }
}

void sequenceToMatrices(int phases, double r1, double x1, double r0, double x0, double c1,
                        double c0, double freq, CMatrix& z, CMatrix& yc) {
  const auto n = static_cast<std::size_t>(std::max(phases, 1));
  z = CMatrix(n);
  yc = CMatrix(n);
  // OpenDSS (Line.pas / LineCode.pas CalcMatricesFromZ1Z0): a one-phase line takes Z0 = Z1 and
  // C0 = C1, so its impedance is Z1 (ckt5 puts 3-phase sequence codes on 157 one-phase lines).
  if (n == 1) {
    r0 = r1;
    x0 = x1;
    c0 = c1;
  }
  const Complex z1(r1, x1), z0(r0, x0);
  const Complex zs = (2.0 * z1 + z0) / 3.0, zm = (z0 - z1) / 3.0;
  const double w = kTwoPi * freq;
  const Complex ys(0.0, w * (2.0 * c1 + c0) / 3.0), ym(0.0, w * (c0 - c1) / 3.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      z(i, j) = i == j ? zs : zm;
      yc(i, j) = i == j ? ys : ym;
    }
  }
}

void applyLineCode(LineCodeState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: {
      const int n = toInt(v, w);
      if (n < 1 || n > 100) fail(w, v.text, "bad number of phases");
      if (n != s.nphases) {
        s.nphases = n;
        sequenceToMatrices(n, s.r1, s.x1, s.r0, s.x0, s.c1, s.c0, s.base_freq, s.z, s.yc);
      }
      break;
    }
    case 2: s.r1 = toNumber(v, w), s.sym = true; break;
    case 3: s.x1 = toNumber(v, w), s.sym = true; break;
    case 4: s.r0 = toNumber(v, w), s.sym = true; break;
    case 5: s.x0 = toNumber(v, w), s.sym = true; break;
    case 6: s.c1 = toNumber(v, w) * 1e-9, s.sym = true; break;
    case 7: s.c0 = toNumber(v, w) * 1e-9, s.sym = true; break;
    case 8: s.units = toUnits(v, w); break;
    case 9:
    case 10:
    case 11: {
      ensureCodeMatrices(s);
      const auto m = toSymMatrix(v, s.nphases, w);
      if (prop == 11) matrixToCMatrix(m, s.nphases, s.yc, true, kTwoPi * s.base_freq * 1e-9);
      else matrixToCMatrix(m, s.nphases, s.z, prop == 10, 1.0);
      s.sym = false;
      break;
    }
    case 12: s.base_freq = toNumber(v, w); break;
    case 13: s.normamps = toNumber(v, w); break;
    case 18:
      if (toYesNo(v) && !s.sym) kronReduceCode(s, env);
      break;
    case 22: s.neutral = toInt(v, w); break;
    case 23: s.c1 = toNumber(v, w) / (kTwoPi * s.base_freq) * 1e-6, s.sym = true; break;
    case 24: s.c0 = toNumber(v, w) / (kTwoPi * s.base_freq) * 1e-6, s.sym = true; break;
    default: break;  // ratings, reliability and earth-return data are not modelled
  }
}

void endLineCode(LineCodeState& s, EditEnv&) {
  if (s.sym) sequenceToMatrices(s.nphases, s.r1, s.x1, s.r0, s.x0, s.c1, s.c0, s.base_freq, s.z, s.yc);
}

void applyLine(LineState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.bus1 = toBus(v, w); break;
    case 2: s.bus2 = toBus(v, w); break;
    case 3: fetchLineCode(s, v.text, env); break;
    case 4: s.len = toNumber(v, w); break;
    case 5: {
      const int n = toInt(v, w);
      if (n < 1 || n > 100) fail(w, v.text, "bad number of phases");
      if (n != s.phases) {
        if (!s.geometry_specified && s.sym) {
          s.phases = n;
          s.z = CMatrix();
        } else {
          env.warn("illegal-phase-change", "phases=" + std::to_string(n) +
                                               " ignored: impedance is given by matrix or geometry"
                                               " of " + std::to_string(s.phases) + " phases");
        }
      }
      break;
    }
    case 6: case 7: case 8: case 9: case 10: case 11: case 26: case 27: {
      const double x = toNumber(v, w);
      switch (prop) {
        case 6: s.r1 = x; break;
        case 7: s.x1 = x; break;
        case 8: s.r0 = x; break;
        case 9: s.x0 = x; break;
        case 10: s.c1 = x * 1e-9, s.cap_specified = true; break;
        case 11: s.c0 = x * 1e-9, s.cap_specified = true; break;
        case 26: s.c1 = x / (kTwoPi * s.base_freq) * 1e-6, s.cap_specified = true; break;
        default: s.c0 = x / (kTwoPi * s.base_freq) * 1e-6, s.cap_specified = true; break;
      }
      s.code_specified = false;
      s.geometry_specified = s.spacing_specified = false;
      resetLengthUnits(s);
      s.sym_changed = s.sym = true;
      s.z = CMatrix();
      break;
    }
    case 12: case 13: case 14: {
      ensureLineMatrices(s);
      const auto m = toSymMatrix(v, s.phases, w);
      if (prop == 14) {
        matrixToCMatrix(m, s.phases, s.yc, true, kTwoPi * s.base_freq * 1e-9);
        s.cap_specified = true;
      } else {
        matrixToCMatrix(m, s.phases, s.z, prop == 13, 1.0);
      }
      s.code_specified = false;
      s.sym = s.sym_changed = false;
      resetLengthUnits(s);
      s.geometry_specified = s.spacing_specified = false;
      break;
    }
    case 15:
      s.is_switch = toYesNo(v);
      if (s.is_switch) {
        s.sym_changed = s.sym = true;
        s.geometry_specified = s.spacing_specified = false;
        s.r1 = s.x1 = s.r0 = s.x0 = 1.0;
        s.c1 = 1.1e-9, s.c0 = 1.0e-9, s.len = 0.001;
        s.z = CMatrix();
        resetLengthUnits(s);
      }
      break;
    case 18: s.rho = toNumber(v, w), s.rho_specified = true; break;
    case 19: {
      const int id = env.ws.geometries.find(lower(v.text));
      if (id < 0) missing(env, "linegeometry", v.text);
      const GeometryState& g = env.ws.geometries.items[static_cast<std::size_t>(id)];
      s.geometry = g.name;
      s.phases = g.reduce ? g.nphases : g.nconds;
      if (g.normamps > 0) s.normamps = g.normamps;
      s.geometry_specified = true;
      s.spacing_specified = false;
      s.sym = s.sym_changed = false;
      break;
    }
    case 20: {
      const LengthUnit u = toUnits(v, w);
      if (s.code_specified) s.units_convert = core::lengthConversion(s.code_units, u);
      else s.units_convert *= core::lengthConversion(s.units, u);
      s.units = u;
      break;
    }
    case 21: {
      const int id = env.ws.spacings.find(lower(v.text));
      if (id < 0) missing(env, "linespacing", v.text);
      const SpacingState& sp = env.ws.spacings.items[static_cast<std::size_t>(id)];
      s.spacing = sp.name;
      s.phases = sp.nphases;
      s.geometry_specified = false;
      updateSpacingFlag(s);
      break;
    }
    case 22: assignWires(s, v, env), updateSpacingFlag(s); break;
    case 23: s.earth_model = lower(v.text); break;
    case 24: assignCables(s, v, env, ClassId::CNData), updateSpacingFlag(s); break;
    case 25: assignCables(s, v, env, ClassId::TSData), updateSpacingFlag(s); break;
    case 31: s.normamps = toNumber(v, w); break;
    case 36: s.base_freq = toNumber(v, w); break;
    case 37: s.enabled = toYesNo(v); break;
    default: break;
  }
}

void applyWire(WireState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  const std::string name = nameOf(propTable(s.kind), prop);
  if (name == "rdc") {
    s.rdc = toNumber(v, w);
    if (s.rac < 0) s.rac = 1.02 * s.rdc;
  } else if (name == "rac") {
    s.rac = toNumber(v, w);
    if (s.rdc < 0) s.rdc = s.rac / 1.02;
  } else if (name == "runits") {
    s.runits = toUnits(v, w);
  } else if (name == "gmrac") {
    s.gmr = toNumber(v, w);
    if (s.radius < 0) s.radius = s.gmr / 0.7788;
  } else if (name == "gmrunits") {
    s.gmrunits = toUnits(v, w);
    if (s.radunits == LengthUnit::None) s.radunits = s.gmrunits;
  } else if (name == "radius" || name == "diam") {
    s.radius = toNumber(v, w) / (name == "diam" ? 2.0 : 1.0);
    if (s.gmr < 0) s.gmr = 0.7788 * s.radius;
  } else if (name == "radunits") {
    s.radunits = toUnits(v, w);
    if (s.gmrunits == LengthUnit::None) s.gmrunits = s.radunits;
  } else if (name == "normamps") {
    s.normamps = toNumber(v, w);
  } else if (name == "k") {
    s.k = toInt(v, w);
  } else if (name == "diastrand") {
    s.dia_strand = toNumber(v, w);
    if (s.gmr_strand < 0) s.gmr_strand = 0.7788 * s.dia_strand / 2.0;
  } else if (name == "gmrstrand") {
    s.gmr_strand = toNumber(v, w);
  } else if (name == "rstrand") {
    s.r_strand = toNumber(v, w);
  } else if (name == "epsr") {
    s.eps_r = toNumber(v, w);
  } else if (name == "inslayer") {
    s.ins_layer = toNumber(v, w);
  } else if (name == "diains") {
    s.dia_ins = toNumber(v, w);
  } else if (name == "diacable") {
    s.dia_cable = toNumber(v, w);
  } else if (name == "diashield") {
    s.dia_shield = toNumber(v, w);
  } else if (name == "tapelayer") {
    s.tape_layer = toNumber(v, w);
  } else if (name == "tapelap") {
    s.tape_lap = toNumber(v, w);
  }
}

void endWire(WireState&, EditEnv&) {}

void applySpacing(SpacingState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: {
      const int n = toInt(v, w);
      if (n < 1 || n > 100) fail(w, v.text, "bad number of conductors");
      s.nconds = n;
      s.x.assign(static_cast<std::size_t>(n), 0.0);
      s.h.assign(static_cast<std::size_t>(n), 0.0);
      break;
    }
    case 2: s.nphases = toInt(v, w); break;
    case 3:
    case 4: {
      auto values = toNumbers(v, w);
      if (values.size() != static_cast<std::size_t>(s.nconds)) {
        env.warn("array-length", std::string(prop == 3 ? "x" : "h") + " has " +
                                     std::to_string(values.size()) + " values for " +
                                     std::to_string(s.nconds) + " conductors");
      }
      values.resize(static_cast<std::size_t>(s.nconds), 0.0);
      (prop == 3 ? s.x : s.h) = std::move(values);
      break;
    }
    case 5: s.units = toUnits(v, w); break;
    default: break;
  }
}

void applyGeometry(GeometryState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  auto active = [&]() -> GeometryConductor& {
    if (s.active < 1 || s.active > s.nconds) fail(w, v.text, "no active conductor (set nconds and cond)");
    return s.conds[static_cast<std::size_t>(s.active - 1)];
  };
  switch (prop) {
    case 1: {
      const int n = toInt(v, w);
      if (n < 1 || n > 100) fail(w, v.text, "bad number of conductors");
      s.nconds = n;
      s.conds.assign(static_cast<std::size_t>(n), GeometryConductor{});
      s.active = 1;
      break;
    }
    case 2: s.nphases = toInt(v, w); break;
    case 3: {
      const int c = toInt(v, w);
      if (c < 1 || c > s.nconds) fail(w, v.text, "cond out of range 1.." + std::to_string(s.nconds));
      s.active = c;
      if (!active().units) active().units = s.last_units;
      break;
    }
    case 4: lookupConductor(env, v.text, active().wire, active().kind, true); break;
    case 13:
    case 14: {
      auto& table = prop == 13 ? env.ws.cndata : env.ws.tsdata;
      const std::string key = lower(v.text);
      if (table.find(key) < 0) missing(env, prop == 13 ? "cndata" : "tsdata", v.text);
      active().wire = key;
      active().kind = prop == 13 ? ClassId::CNData : ClassId::TSData;
      break;
    }
    case 5: active().x = toNumber(v, w); break;
    case 6: active().h = toNumber(v, w); break;
    case 7:
      s.last_units = toUnits(v, w);
      if (s.active >= 1 && s.active <= s.nconds) active().units = s.last_units;
      break;
    case 8: s.normamps = toNumber(v, w); break;
    case 10: s.reduce = toYesNo(v); break;
    case 11: {
      const int id = env.ws.spacings.find(lower(v.text));
      if (id < 0) missing(env, "linespacing", v.text);
      const SpacingState& sp = env.ws.spacings.items[static_cast<std::size_t>(id)];
      s.nconds = sp.nconds;
      s.nphases = sp.nphases;
      s.conds.resize(static_cast<std::size_t>(sp.nconds));
      for (std::size_t i = 0; i < s.conds.size(); ++i) {
        s.conds[i].x = i < sp.x.size() ? sp.x[i] : 0.0;
        s.conds[i].h = i < sp.h.size() ? sp.h[i] : 0.0;
        s.conds[i].units = sp.units;
      }
      break;
    }
    case 12:
    case 15:
    case 16: {
      const auto list = toArray(v, w);
      const bool cables = prop != 12;
      const std::size_t count = std::min(list.size(), s.conds.size());
      for (std::size_t i = 0; i < count; ++i) {
        if (cables) {
          auto& table = prop == 15 ? env.ws.cndata : env.ws.tsdata;
          const std::string key = lower(list[i].text);
          if (table.find(key) < 0) missing(env, prop == 15 ? "cndata" : "tsdata", list[i].text);
          s.conds[i].wire = key;
          s.conds[i].kind = prop == 15 ? ClassId::CNData : ClassId::TSData;
        } else {
          lookupConductor(env, list[i].text, s.conds[i].wire, s.conds[i].kind, false);
        }
      }
      break;
    }
    default: break;
  }
}

}  // namespace feederlab::io::dss
