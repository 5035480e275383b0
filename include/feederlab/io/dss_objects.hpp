// The OpenDSS importer's working state: one struct per OpenDSS class, holding what OpenDSS
// itself keeps while a script runs (so edits, `like=` and later overrides behave as in
// OpenDSS). dss_build.cpp turns these into the plain model::Feeder at the end.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "feederlab/core/cmatrix.hpp"
#include "feederlab/core/units.hpp"
#include "feederlab/io/dss_lexer.hpp"

namespace feederlab::io::dss {

using core::CMatrix;
using core::Complex;
using core::LengthUnit;

enum class ClassId {
  Vsource, LineCode, Line, WireData, CNData, TSData, LineSpacing, LineGeometry, XfmrCode,
  Transformer, RegControl, Capacitor, CapControl, Reactor, Load, Other, None
};

struct ObjectBase {
  std::string name;  // lower-case
  bool enabled = true;
  Where where;
};

struct SourceState : ObjectBase {
  BusSpec bus1;
  int phases = 3;
  double basekv = 115.0, pu = 1.0, angle = 0.0, frequency = 60.0;
  double mvasc3 = 2000.0, mvasc1 = 2100.0, x1r1 = 4.0, x0r0 = 3.0;
  double isc3 = 10000.0, isc1 = 10540.0;
  double r1 = 1.65, x1 = 6.6, r2 = 1.65, x2 = 6.6, r0 = 1.9, x0 = 5.7;
  int zspec = 1;  // 1 MVAsc, 2 Isc, 3 ohms / pu
  Complex puz1{0, 0}, puz0{0, 0}, puz2{0, 0};
  double basemva = 100.0;
  bool z2_given = false, z0_given = false, puz1_given = false, puz0_given = false,
       puz2_given = false;
};

struct LineCodeState : ObjectBase {
  int nphases = 3;
  double r1 = 0.058, x1 = 0.1206, r0 = 0.1784, x0 = 0.4047;
  double c1 = 3.4e-9, c0 = 1.6e-9;  // farad per unit length
  LengthUnit units = LengthUnit::None;
  bool sym = true;
  CMatrix z, yc;  // ohm and siemens (j*w*C at base_freq) per unit length
  double base_freq = 60.0;
  double normamps = 400.0;
  int neutral = 0;  // conductor eliminated by kron; 0 = last
};

struct LineState : ObjectBase {
  BusSpec bus1, bus2;
  int phases = 3;
  double len = 1.0;
  LengthUnit units = LengthUnit::None;
  LengthUnit code_units = LengthUnit::None;
  bool code_specified = false;
  double units_convert = 1.0;  // OpenDSS FUnitsConvert: total Z = Z * len / units_convert
  bool sym = true, sym_changed = false, cap_specified = false;
  double r1 = 0.058, x1 = 0.1206, r0 = 0.1784, x0 = 0.4047, c1 = 3.4e-9, c0 = 1.6e-9;
  CMatrix z, yc;
  double base_freq = 60.0;
  bool is_switch = false;
  std::string linecode, geometry, spacing;
  std::vector<std::string> wires;  // spacing conductors: names (wire, cn or ts)
  std::vector<ClassId> wire_kinds;
  bool geometry_specified = false, spacing_specified = false;
  std::string earth_model;  // "" = global
  double rho = 100.0;
  bool rho_specified = false;
  double normamps = 400.0;
  bool open = false;
};

// WireData, CNData and TSData share one state (OpenDSS's ConductorData/CableData chain).
struct WireState : ObjectBase {
  ClassId kind = ClassId::WireData;
  double rdc = -1, rac = -1, gmr = -1, radius = -1;
  LengthUnit runits = LengthUnit::None, gmrunits = LengthUnit::None, radunits = LengthUnit::None;
  double normamps = -1;
  double eps_r = 2.3, ins_layer = -1, dia_ins = -1, dia_cable = -1;  // cables, radunits
  int k = 2;
  double dia_strand = -1, gmr_strand = -1, r_strand = -1;  // CN
  double dia_shield = -1, tape_layer = -1, tape_lap = 20.0;  // TS
};

struct SpacingState : ObjectBase {
  int nconds = 3, nphases = 3;
  std::vector<double> x, h;
  LengthUnit units = LengthUnit::Foot;
};

struct GeometryConductor {
  std::string wire;
  ClassId kind = ClassId::None;
  double x = 0.0, h = 0.0;
  std::optional<LengthUnit> units;
};

struct GeometryState : ObjectBase {
  int nconds = 0, nphases = 3, active = 1;
  std::vector<GeometryConductor> conds;
  LengthUnit last_units = LengthUnit::Foot;
  bool reduce = false;
  double normamps = 0.0;
};

struct WindingState {
  BusSpec bus;
  bool delta = false;
  double kv = 12.47, kva = 1000.0, tap = 1.0, r_pu = 0.002;
  double rneut = -1.0, xneut = 0.0;
  double max_tap = 1.1, min_tap = 0.9;
  int num_taps = 32;
};

// Transformer and XfmrCode.
struct TransformerState : ObjectBase {
  int phases = 3;
  std::vector<WindingState> windings = std::vector<WindingState>(2);
  int active = 1;
  double xhl = 0.07, xht = 0.35, xlt = 0.30;  // per unit
  std::vector<double> xsc{0.07};              // per unit, n(n-1)/2
  bool xhl_changed = true;
  double pct_loadloss = 0.4, pct_noloadloss = 0.0, pct_imag = 0.0, ppm = 1.0;
  bool loadloss_given = false;
  bool sub = false;
  std::string bank, xfmrcode;
};

struct RegControlState : ObjectBase {
  std::string transformer;
  int winding = 1, tap_winding = 0;
  double vreg = 120.0, band = 3.0, ptratio = 60.0, ctprim = 300.0, r = 0.0, x = 0.0;
  double delay = 15.0, tapdelay = 2.0, vlimit = 0.0;
  int maxtapchange = 16, ptphase = 1;
  bool reversible = false;
};

struct CapacitorState : ObjectBase {
  BusSpec bus1, bus2;
  int phases = 3;
  bool delta = false;
  double kv = 12.47;
  std::vector<double> kvar{1200.0}, r{0.0}, xl{0.0}, cuf{0.0};
  std::vector<int> states{1};
  int spec = 1;  // 1 kvar, 2 cuf, 3 cmatrix
  std::vector<double> cmatrix;  // microfarad, full
};

struct CapControlState : ObjectBase {
  std::string capacitor, element;
  int terminal = 1, ptphase = 1, ctphase = 1;
  char type = 'c';
  double on = 300.0, off = 200.0, ptratio = 60.0, ctratio = 60.0;
  double delay = 15.0, delay_off = 15.0, dead_time = 300.0, vmin = 115.0, vmax = 126.0;
  bool volt_override = false;
};

struct ReactorState : ObjectBase {
  BusSpec bus1, bus2;
  int phases = 3;
  bool delta = false;
  double kvar = 100.0, kv = 12.47, r = 0.0, x = 0.0;
  int spec = 1;  // 1 kvar, 2 R/X, 3 matrix, 4 Z1/Z0
  std::vector<double> rmatrix, xmatrix;
  Complex z1{0, 0}, z0{0, 0};
  bool z0_given = false;
};

struct LoadState : ObjectBase {
  BusSpec bus1;
  int phases = 3;
  bool delta = false;
  double kv = 12.47, kw = 10.0, kvar = 5.0, pf = 0.88, kva = 0.0, xfkva = 0.0, af = 0.5;
  double kwh = 0.0, kwhdays = 30.0, cfactor = 4.0;
  int spec = 0;  // 0 kW+pf, 1 kW+kvar, 2 kVA+pf, 3 xfkVA*AF, 4 kWh
  bool pf_changed = false, kva_given = false;
  int model = 1;
  double vminpu = 0.95, vmaxpu = 1.05, cvr_watts = 1.0, cvr_vars = 2.0;
  std::vector<double> zipv;
  int load_class = 0;  // 0 = not given
  int num_cust = 1;
  std::string yearly, daily, duty, status = "variable";
};

// Anything else: kept for counts and bus lists.
struct OtherState : ObjectBase {
  std::string cls;  // lower-case OpenDSS class name
  std::vector<BusSpec> buses;
  int phases = 3;
  bool delta = false;
  double kw = 0.0, kvar = 0.0;
};

template <class T>
struct ObjectTable {
  std::vector<T> items;
  std::unordered_map<std::string, int> index;
  int find(const std::string& lower_name) const {
    auto it = index.find(lower_name);
    return it == index.end() ? -1 : it->second;
  }
  int add(T item) {
    const int id = static_cast<int>(items.size());
    index.emplace(item.name, id);
    items.push_back(std::move(item));
    return id;
  }
  void clear() {
    items.clear();
    index.clear();
  }
};

// The property names of a class in OpenDSS order (lower-case), for lookup by name or prefix.
struct PropTable {
  std::vector<std::string> names;
  std::unordered_map<std::string, int> exact;
  explicit PropTable(std::vector<std::string> list);
  // 1-based index; 0 when unknown. Exact match first, then the first name with that prefix.
  int find(std::string_view name) const;
  int size() const { return static_cast<int>(names.size()); }
};

const PropTable& propTable(ClassId cls);
// OpenDSS class name (as written in scripts) -> ClassId; Other for known-but-recorded classes,
// None for unknown ones.
ClassId classFromName(std::string_view lower_name);
const char* className(ClassId cls);
bool isKnownOtherClass(std::string_view lower_name);
bool isCircuitElement(ClassId cls);

}  // namespace feederlab::io::dss
