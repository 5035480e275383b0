// model::Feeder: the plain-data description of a distribution feeder.
//
// Every importer (OpenDSS, CIM, utility CSV) fills it; every later stage (graph, power flow,
// reduction, dynamics, export) reads it. A reduced feeder is the same type.
// Conventions:
//   - names are stored lower-case (OpenDSS and CIM names are case-insensitive here);
//   - electrical quantities are SI-like engineering units named in each field (ohm, kV, kW, ...);
//   - phase nodes follow OpenDSS: 1/2/3 = phases a/b/c, 0 = ground, >3 = other conductors;
//   - every element keeps the file:line where it was defined, for messages.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "feederlab/core/cmatrix.hpp"
#include "feederlab/core/diagnostics.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"

namespace feederlab::model {

using core::CMatrix;
using core::Complex;
using core::SourceLocation;

using BusId = int;  // index into Feeder::buses
inline constexpr BusId kNoBus = -1;

struct Bus {
  std::string name;
  double kv_base_ll = 0.0;  // nominal line-to-line kV; 0 when unknown
  std::optional<std::array<double, 2>> coords;  // x, y as given (no projection)
};

// One terminal of an element: a bus and one node per conductor, in OpenDSS conductor order.
// Conductors not named in the input take OpenDSS defaults: node k for conductor k <= phases,
// node 0 (ground) beyond. Conductor counts per terminal, as in OpenDSS:
//   Line, switch, Source: phases
//   Transformer winding: phases + 1 (the last is the wye neutral; unused for delta)
//   Load, Capacitor, shunt Reactor: wye phases + 1; delta phases (1-phase delta: 2)
// A split-phase load "bus.1.2" with phases=1 is thus conductor 1 on node 1, neutral on node 2.
struct Terminal {
  BusId bus = kNoBus;
  std::vector<int> nodes;
};

enum class Connection { Wye, Delta };

struct ElementBase {
  std::string name;  // lower-case, without class prefix
  bool enabled = true;
  SourceLocation location;
};

// Series impedance and shunt admittance of a line per unit of the owning Line's `length_unit`
// (OpenDSS semantics: when that unit is None the matrices are per line and `length` is a plain
// multiplier). Importers convert line-code units into the line's unit.
struct LineImpedance {
  CMatrix z_per_length;      // ohm / unit length, phases x phases
  CMatrix y_per_length;      // siemens / unit length, total shunt, phases x phases (g + j*omega*C)
  // Sequence data when that is how the input gave it (kept for export and info).
  struct Sequence {
    double r1 = 0, x1 = 0, r0 = 0, x0 = 0;  // ohm / unit length
    double c1_nf = 0, c0_nf = 0;            // nF / unit length
  };
  std::optional<Sequence> sequence;
};

struct Line : ElementBase {
  Terminal bus1, bus2;
  int phases = 3;
  double length = 1.0;
  core::LengthUnit length_unit = core::LengthUnit::None;
  LineImpedance impedance;   // per length, already in length_unit (importer converts)
  std::string linecode;      // or geometry name; provenance only
  std::string geometry;
  bool is_switch = false;
  bool open = false;         // an open switch (or an "Open" command on the line)
  double norm_amps = 0.0;
  // Total series impedance matrix of the line in ohm.
  CMatrix totalZ() const { return impedance.z_per_length.scaled(length); }
  CMatrix totalY() const { return impedance.y_per_length.scaled(length); }
};

struct Winding {
  Terminal terminal;
  Connection conn = Connection::Wye;
  double kv = 12.47;        // rated kV: line-to-line for 3-phase; winding voltage for 1-phase
  double kva = 1000.0;
  double r_pct = 0.2;       // %R on the winding's kVA base
  double tap = 1.0;         // per-unit tap
  double min_tap = 0.9, max_tap = 1.1;
  int num_taps = 32;
  double r_neutral = -1.0;  // ohm; <0 means solidly grounded (OpenDSS rneut=-1)
  double x_neutral = 0.0;
};

struct Transformer : ElementBase {
  int phases = 3;
  std::vector<Winding> windings;  // any number; 1-phase center-tapped = 3 windings
  // Short-circuit reactances in % on winding-1 kVA base: XHL (1-2), XHT (1-3), XLT (2-3);
  // for more than 3 windings, the full upper triangle in `x_sc_pct` (row-major pairs).
  double xhl_pct = 7.0, xht_pct = 35.0, xlt_pct = 30.0;
  std::vector<double> x_sc_pct;
  double pct_noload_loss = 0.0;
  double pct_imag = 0.0;
  double pct_loadloss = -1.0;  // as given, <0 if not given (then from %R of windings)
  std::string xfmrcode;
  std::string bank;
  bool is_regulator = false;  // controlled by a RegControl
};

struct RegControl : ElementBase {
  std::string transformer;  // lower-case name
  int winding = 1;
  double vreg = 120.0;      // volts on the PT secondary
  double band = 3.0;        // volts
  double pt_ratio = 60.0;
  double ct_primary = 300.0;  // amps
  double r_ldc = 0.0, x_ldc = 0.0;  // volts
  double delay = 15.0, tap_delay = 2.0;  // s
  int max_tap_change = 16;
  int pt_phase = 1;         // 1..3, or -1 for max, -2 for min (OpenDSS MAX/MIN)
  bool reversible = false;
  double vlimit = 0.0;      // 0: off
  int tap_winding = 0;      // 0: same as `winding`
  bool in_service = true;
};

struct Capacitor : ElementBase {
  Terminal bus1;
  std::optional<Terminal> bus2;  // series/ungrounded capacitor when present
  int phases = 3;
  Connection conn = Connection::Wye;
  double kv = 12.47;                // rated kV (LL for 2/3-phase, actual for 1-phase)
  std::vector<double> kvar{600.0};  // one per step
  std::vector<int> states{1};       // 1 closed, 0 open, one per step
  // Optional R/XL in series with each step (ohm), as OpenDSS's R= and XL= properties.
  std::vector<double> r, xl;
};

enum class CapControlType { Current, Voltage, Kvar, Pf, Time };

struct CapControl : ElementBase {
  std::string capacitor;  // lower-case name
  std::string element;    // "line.xxx" monitored element, lower-case with class
  int terminal = 1;
  CapControlType type = CapControlType::Current;
  double on_setting = 300.0, off_setting = 200.0;
  double pt_ratio = 60.0, ct_ratio = 60.0;
  double delay = 15.0, delay_off = 15.0, dead_time = 300.0;
  bool volt_override = false;
  double vmin = 115.0, vmax = 126.0;
  int pt_phase = 1;  // 1..3, -1 max, -2 min, 0 average? (OpenDSS: AVG)
  int ct_phase = 1;
};

struct Reactor : ElementBase {
  Terminal bus1;
  std::optional<Terminal> bus2;  // series reactor when present; shunt to ground otherwise
  int phases = 3;
  Connection conn = Connection::Wye;
  CMatrix z;  // series impedance per phase in ohm (diagonal unless given as matrix)
};

// OpenDSS load model numbers (model=1..8); we name the ones the power flow implements.
enum class LoadModel { ConstPQ = 1, ConstZ = 2, Motor = 3, Cvr = 4, ConstI = 5, FixedQ = 6, FixedQZ = 7, Zip = 8 };

enum class LoadClass { Unknown, Residential, Commercial, Industrial, Other };

struct Load : ElementBase {
  Terminal bus1;
  int phases = 3;
  Connection conn = Connection::Wye;
  double kv = 12.47;   // rated kV: LL for 2/3-phase, actual across the load for 1-phase
  double kw = 10.0;    // nominal, after allocation factor / kVA / pf resolution (before loadmult)
  double kvar = 5.0;
  double pf = 0.88;
  double kva = 0.0;        // as given (0 = not given)
  double xfkva = 0.0;      // connected transformer kVA for allocation
  double allocation_factor = 0.5;
  LoadModel model = LoadModel::ConstPQ;
  double vminpu = 0.95, vmaxpu = 1.05;
  double cvr_watts = 1.0, cvr_vars = 2.0;
  std::array<double, 7> zipv{0, 0, 0, 0, 0, 0, 0};  // Zp Ip Pp Zq Iq Pq Vcutoff (fractions)
  bool zipv_given = false;
  LoadClass load_class = LoadClass::Unknown;
  int num_customers = 1;
  std::string yearly, daily, duty;  // loadshape names (not used by snapshot solves)
  std::string status;               // "variable" (default), "fixed", "exempt"
};

struct Source : ElementBase {
  Terminal bus1;
  int phases = 3;
  double base_kv = 115.0;  // LL
  double pu = 1.0;
  double angle_deg = 0.0;
  double frequency_hz = 60.0;
  // Thevenin impedances resolved the way OpenDSS does from whatever was given
  // (MVAsc3/MVAsc1, Isc3/Isc1, R1/X1/R0/X0, Z1/Z0, X1R1/X0R0).
  Complex z1_ohm{0.0, 0.0};
  Complex z0_ohm{0.0, 0.0};
  double mvasc3 = 2000.0, mvasc1 = 2100.0;  // implied short-circuit levels (for reports)
};

// Anything the model records but the power flow does not use (PV, storage, generators,
// meters, monitors, relays, fuses, reclosers, VCCS, loadshapes). Kept so counts, bus lists
// and reports stay honest about what the input contained.
struct OtherElement : ElementBase {
  std::string cls;                 // OpenDSS class name, lower-case
  std::vector<Terminal> terminals;  // buses it touches (empty for controls/meters)
  double kw = 0.0, kvar = 0.0;     // rating when it is a generator-like element
};

struct Settings {
  double base_frequency_hz = 60.0;
  std::vector<double> voltage_bases_kv;  // LL, as `Set VoltageBases`
  bool controls_off = false;             // `Set ControlMode=OFF`
  double load_mult = 1.0;
  int max_iterations = 15;
  int max_control_iterations = 10;
  double tolerance = 1e-4;
  std::string earth_model = "deri";      // OpenDSS default
};

struct Feeder {
  std::string name;
  std::string format;  // "dss", "cim", "csv"
  std::vector<std::string> source_files;
  std::vector<Bus> buses;
  std::unordered_map<std::string, BusId> bus_index;  // lower-case name -> id

  std::vector<Source> sources;  // sources[0] is the circuit's main source
  std::vector<Line> lines;      // switches included (is_switch)
  std::vector<Transformer> transformers;
  std::vector<RegControl> regcontrols;
  std::vector<Capacitor> capacitors;
  std::vector<CapControl> capcontrols;
  std::vector<Reactor> reactors;
  std::vector<Load> loads;
  std::vector<OtherElement> others;
  Settings settings;
  core::Diagnostics diagnostics;  // importer warnings (file:line)

  // Returns the bus id, creating the bus when it does not exist yet.
  BusId addBus(const std::string& name);
  std::optional<BusId> findBus(const std::string& name) const;
};

// Total nominal load (kW, kvar) of enabled loads, after load_mult.
std::pair<double, double> totalLoad(const Feeder& feeder);

}  // namespace feederlab::model
