// Composite-load parameter sets and load compositions: plain data (architecture: "Composite-load
// parameter structs, parameter sets and load compositions are plain data in model/").
//
// Symbols follow the WECC CMPLDW specification as restated in ../shared/design/load-models.md
// (section 3); every field names its unit. "pu" without further qualification is per unit of the
// component's own base (motor MVA base = P_component / load factor; voltage pu of the terminal's
// nominal). Defaults are Set W ("WECC typical", load-models.md 3.6): a default-constructed struct
// is the project default. Each validate() lists every problem it finds (empty = valid); callers
// join them into one error naming the file or device.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feederlab::model {

inline constexpr double kNeverSeconds = std::numeric_limits<double>::infinity();

// Static load (load-models.md 3.5): P = P0 (P1c V^P1e + P2c V^P2e + P3)(1 + Pfrq df),
// P3 = 1 - P1c - P2c; Q likewise.
struct StaticLoadParameters {
  double pfs = -1.0;   // static-load power factor (-); CMPLDW convention, -1 in Set W
  double p1e = 2.0;    // voltage exponent of the first P term (-)
  double p1c = 0.83;   // coefficient of the first P term (-)
  double p2e = 1.0;    // (-)
  double p2c = 0.17;   // (-)
  double pfrq = 0.0;   // P frequency sensitivity (pu P / pu f)
  double q1e = 2.0;    // (-)
  double q1c = -0.5;   // (-)
  double q2e = 1.0;    // (-)
  double q2c = 1.5;    // (-)
  double qfrq = -1.0;  // Q frequency sensitivity (pu Q / pu f)
  std::vector<std::string> validate() const;
};

// Electronic load (load-models.md 3.4).
struct ElectronicLoadParameters {
  double pfel = 1.0;   // power factor (-)
  double vd1 = 0.7;    // voltage below which units start to drop out (pu)
  double vd2 = 0.5;    // voltage below which all units are out (pu)
  double frcel = 1.0;  // fraction of dropped units that recover (-)
  std::vector<std::string> validate() const;
};

// One undervoltage trip stage of a three-phase motor (load-models.md 3.2).
struct UvTripStage {
  double v_trip = 0.0;             // Vtr (pu)
  double t_trip = kNeverSeconds;   // Ttr (s)
  double f_trip = 0.0;             // Ftr, fraction tripped (-)
  double v_reconnect = 2.0;        // Vrc (pu)
  double t_reconnect = kNeverSeconds;  // Trc (s); infinity = never reconnects
};

// Three-phase induction motor A, B or C (load-models.md 3.2). Defaults: Set W motor A.
struct InductionMotorParameters {
  int mtyp = 3;        // 3 = three-phase machine model, 1 = single-phase performance model (-)
  double lfm = 0.75;   // load factor: motor MVA base = P_motor / LFm (-)
  double rs = 0.04;    // stator resistance (pu motor base)
  double ls = 1.8;     // synchronous reactance (pu motor base)
  double lp = 0.12;    // transient reactance (pu motor base)
  double lpp = 0.104;  // subtransient reactance (pu motor base)
  double tpo = 0.095;  // transient open-circuit time constant (s)
  double tppo = 0.0021;  // subtransient open-circuit time constant (s)
  double h = 0.1;      // inertia constant (s)
  double etrq = 0.0;   // torque-speed exponent (-)
  UvTripStage uv1{.v_trip = 0.7, .t_trip = 0.02, .f_trip = 0.2, .v_reconnect = 1.0, .t_reconnect = kNeverSeconds};
  UvTripStage uv2{.v_trip = 0.5, .t_trip = 0.02, .f_trip = 0.7, .v_reconnect = 0.7, .t_reconnect = 0.1};
  std::vector<std::string> validate() const;
};

// Motor D: single-phase residential A/C compressor performance model (load-models.md 3.3).
// Defaults: Set W motor D with the performance constants shared by all sets.
struct MotorDParameters {
  // Operating point and stall.
  double comp_lf = 1.0;   // CompLF, load factor: MVA_D = P_D / CompLF (-)
  double comp_pf = 0.98;  // CompPF, power factor at the initial point (-, lagging)
  double v_stall = 0.55;  // Vstall (pu), before the LFadj adjustment
  double r_stall = 0.1;   // Rstall (pu motor D base)
  double x_stall = 0.1;   // Xstall (pu motor D base)
  double t_stall = 0.033;  // Tstall (s)
  // Restart of sub-block B.
  double f_rst = 0.2;   // Frst, share of the block that can restart (-)
  double v_rst = 0.95;  // Vrst (pu)
  double t_rst = 0.3;   // Trst (s)
  // Undervoltage relay (watches the filtered Vm).
  double f_uvr = 0.1;    // Fuvr, share tripped permanently (-)
  double uv_tr1 = 0.6;   // UVtr1 (pu)
  double t_tr1 = 0.02;   // Ttr1 (s)
  double uv_tr2 = 1.0;   // UVtr2 (pu)
  double t_tr2 = 9999.0;  // Ttr2 (s)
  // Contactor (watches the filtered Vm).
  double v_c1off = 0.5;  // Vc1off: drop-out starts below (pu)
  double v_c2off = 0.4;  // Vc2off: all dropped out below (pu)
  double v_c1on = 0.6;   // Vc1on: all reclosed above (pu)
  double v_c2on = 0.5;   // Vc2on: reclosing starts above (pu)
  // Thermal protection.
  double t_th = 15.0;  // Tth, thermal time constant (s)
  double th1t = 0.7;   // Th1t, trips start (pu of Rstall-heating, i.e. pu power on motor base)
  double th2t = 1.9;   // Th2t, all tripped (same unit as Th1t)
  // Voltage filter of the contactor and UV relay.
  double t_v = 0.025;  // Tv (s)
  // Performance-model constants (all sets).
  double kp1 = 0.0, np1 = 1.0;   // run-I P: Kp1 (pu), Np1 (-)
  double kq1 = 6.0, nq1 = 2.0;   // run-I Q: Kq1 (pu), Nq1 (-)
  double kp2 = 12.0, np2 = 3.2;  // run-II P: Kp2 (pu), Np2 (-)
  double kq2 = 11.0, nq2 = 2.5;  // run-II Q: Kq2 (pu), Nq2 (-)
  double v_brk = 0.86;    // Vbrk, break between run-I and run-II (pu), before LFadj
  double cmp_kpf = 1.0;   // CmpKpf, P frequency sensitivity in run (pu P / pu f)
  double cmp_kqf = -3.3;  // CmpKqf, Q frequency sensitivity in run (pu Q / pu f)
  double lf_adj = 0.0;    // LFadj: Vstall, Vbrk scaled by 1 + LFadj (CompLF - 1) (-)

  std::vector<std::string> validate() const;
  // After the load-factor adjustment (load-models.md 3.3).
  double vStallAdjusted() const { return v_stall * (1.0 + lf_adj * (comp_lf - 1.0)); }
  double vBrkAdjusted() const { return v_brk * (1.0 + lf_adj * (comp_lf - 1.0)); }
};

// Substation transformer, LTC and feeder equivalent of CMPLDW (load-models.md 3.1).
struct FeederEquivalentParameters {
  double bss = 0.04;    // substation shunt susceptance (pu on load MVA base)
  double rfdr = 0.04;   // feeder resistance (pu on load MVA base)
  double xfdr = 0.04;   // feeder reactance (pu on load MVA base)
  double fb = 0.0;      // share of feeder charging at the low-side bus (-)
  double xxf = 0.06;    // transformer reactance (pu on load MVA base)
  double tfixhs = 1.0;  // fixed high-side tap (pu)
  double tfixls = 1.0;  // fixed low-side tap (pu)
  int ltc = 1;          // 1 = LTC in service, 0 = fixed (-)
  double tmin = 0.9;    // (pu)
  double tmax = 1.1;    // (pu)
  double step = 0.00625;  // tap step (pu)
  double vmin = 1.0;    // LTC band low (pu)
  double vmax = 1.04;   // LTC band high (pu)
  double tdel = 30.0;   // first-tap delay (s)
  double ttap = 5.0;    // delay between taps (s)
  double rcomp = 0.0;   // line-drop compensation R (pu)
  double xcomp = 0.0;   // line-drop compensation X (pu)
  std::vector<std::string> validate() const;
};

// One named parameter set (Set W, Set G, ...): every component group.
struct ParameterSet {
  std::string name;         // "wecc_typical"
  std::string description;  // one line
  std::vector<std::string> provenance;  // sources, one per entry
  StaticLoadParameters static_load;
  ElectronicLoadParameters electronic;
  InductionMotorParameters motor_a;
  InductionMotorParameters motor_b;
  InductionMotorParameters motor_c;
  MotorDParameters motor_d;
  FeederEquivalentParameters feeder;
  std::vector<std::string> validate() const;  // problems prefixed by group ("motor_d.v_stall: ...")
};

// Component fractions of a load (shares of the load's P at the initial point).
struct ComponentFractions {
  double fm_a = 0.0;  // three-phase motor A (-)
  double fm_b = 0.0;  // three-phase motor B (-)
  double fm_c = 0.0;  // three-phase motor C (-)
  double fm_d = 0.0;  // single-phase A/C motor D (-)
  double fel = 0.0;   // electronic (-)
  double static_load = 1.0;  // static remainder (-)
  std::vector<std::string> validate() const;  // each in [0, 1], sum 1 within 1e-6
};

// One population of motor D units (A/C compressors) with its own stall characteristic. Units
// differ: the BPA and SCE compressor tests found stall voltage and stall time to depend on the unit,
// the ambient temperature and the dip (docs/compositions.md "Motor D populations"). Each modelled
// load is one unit population member, chosen by motorDPopulationOf(); the reduction keeps the
// populations apart. Only Vstall and Tstall differ; every other motor D parameter is the set's.
struct MotorDPopulation {
  std::string name;
  double share = 1.0;     // share of the composition's motor D units (-)
  double v_stall = 0.55;  // Vstall (pu), before the LFadj adjustment
  double t_stall = 0.033;  // Tstall (s)
};

// A load composition: the fractions, the parameter set they use and an optional override of the
// static group (the constant-impedance composition uses it).
struct LoadComposition {
  std::string name;
  std::string description;
  std::vector<std::string> provenance;
  ComponentFractions fractions;
  std::string parameter_set;  // path of the parameter-set file, resolved by the reader
  std::optional<StaticLoadParameters> static_override;
  std::vector<MotorDPopulation> motor_d_populations;  // empty: every unit has the set's motor D
  std::vector<std::string> validate() const;
};

// What one load's composite is built from: fractions, the full parameter set and an optional
// static override (a composition file resolved against its parameter set, or a dyd record).
struct CompositeSpec {
  std::string name;  // provenance for logs: composition name or "file.dyd:12"
  ComponentFractions fractions;
  ParameterSet parameters;
  std::optional<StaticLoadParameters> static_override;
  std::vector<MotorDPopulation> motor_d_populations;  // see LoadComposition; empty for dyd records
};

// Which population a unit belongs to: a stable hash of its name (FNV-1a 64, the same on every
// platform and run) mapped to [0, 1) and compared with the cumulative shares; -1 when there are
// no populations.
int motorDPopulationOf(const std::vector<MotorDPopulation>& populations, std::string_view unit_name);

// The spec of one unit: its population's Vstall and Tstall applied, the population list cleared.
CompositeSpec unitSpec(const CompositeSpec& spec, std::string_view unit_name);

// Problems of a population list (shares in (0, 1] summing to 1, each population's motor D valid).
std::vector<std::string> validatePopulations(const std::vector<MotorDPopulation>& populations,
                                             const MotorDParameters& base);

// The static model that makes a load 100 % constant impedance: P, Q proportional to V^2, no
// frequency dependence.
StaticLoadParameters constantImpedanceStatic();

}  // namespace feederlab::model
