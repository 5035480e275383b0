// Composite load (CMPLDW end uses at one feeder load): static, electronic, three-phase motors
// A/B/C and single-phase A/C motor D units, plus a constant-admittance shunt, combined by
// composition into one dae::Device (architecture rule 5: "composition for composite loads").
//
// Sources: WECC CMPLDW structure, fractions and initialization as restated in
//   ../shared/design/load-models.md 3.1 and its "DAE implementation notes" (composite
//   initialization: Q mismatch to a constant-admittance shunt at the load terminal, reported per
//   load); ../shared/design/cli.md (fractions of the recorder, source-side loads constant Z).
//
// Ports (PortLayout, from model::Load; port voltages pu of the port base, see dae/device.hpp):
//   three-phase wye     3 ports a-n, b-n, c-n, base kv/sqrt3
//   three-phase delta   3 ports a-b, b-c, c-a, base kv
//   split-phase halves  phases=2 wye at <= 0.3 kV (ieee8500, synthetic feeders: `.1.2` at 0.208 kV):
//                       2 ports leg1-n, leg2-n, base kv/sqrt3 (two 120 V halves)
//   split-phase 240 V   one port at 0.2-0.3 kV: phases=1 to the neutral behind a 1-phase service
//                       transformer (ckt5/ckt7/ckt24/J1/K1/M1), or across the two legs (`.1.2`
//                       phases=1, or 1-phase delta)
//   two-phase wye       phases=2 wye above 0.3 kV: 2 ports phase-n
//   single-phase        1 port (to the neutral, or phase-phase for delta)
//   3-phase delta with phases=2 is rejected (ModelError).
// Where the components sit:
//   static, electronic: one device per port, share of that port's P (split-phase halves: per
//     120 V half, as the power flow splits the load's P; the 120 V plug loads of a house are on
//     the halves, so the halves carry them [INTERP]);
//   motor D: one unit per "unit port": per port on 3-phase, 2-phase and single-phase loads; ONE
//     240 V unit across the two legs on split-phase halves (unit voltage (v1 - v2)/2 in pu of
//     the 240 V base, current +i on leg 1 and -i on leg 2);
//   motors A/B/C: one three-port machine on 3-phase loads (InductionMotor, 3 ports); on loads
//     with fewer than three phases a single-phase equivalent of the same per-unit machine on each
//     unit port (note() says so, for the run log).
// Fractions: FmA, FmB, FmC, FmD, Fel of the load's power-flow P; the static load takes the
//   remainder 1 - sum (if the others sum above 1 they are normalized and static is 0)
//   [load-models 3.1].
// Bases: the composite's base is s_base_mva per port; component c has its own base S_c (per
//   port) and its currents are scaled by S_c / S_base (scale()). Motor A/B/C base = P_m / LFm,
//   motor D base = P_D / CompLF [load-models 3.2, 3.3]; static and electronic use the composite base.
// Initialization (initialize(op, x), op in the composite's per unit):
//   P_static,k = f_static P_k,  Q_static,k = P_static,k tan(acos |PFs|) sign(PFs)
//   P_el,k     = Fel P_k,       Q_el,k     = P_el,k tan(acos |PFel|) sign(PFel)
//   motors: P share of their ports; Q is what they draw at the initial slip (motor D: CompPF)
//   shunt:  Y_k = conj(s0_k - S_components,k(v0)) / |v0_k|^2, constant admittance per port, so
//           that the composite draws exactly s0_k at v0_k on every port (the P part is non-zero
//           only when a 3-phase machine on unbalanced ports splits its P differently from the
//           power flow; its sum over the ports is zero). shuntMvar(), shuntMw() report it.
//   PFs = -1 (Set W) gives Q_static = 0: a negative PF means leading, |PF| = 1 means Q = 0.
// States: concatenation of the components' states in component order (variables() names them
//   "<component>.<variable>"); residual, Jacobian and roots delegate with offsets; port currents
//   are sums. jacobianPattern() declares the whole (2n x 2n) IV block once (components overlap
//   there) and the mapped XX, XV, IX entries of the components.
// Not done [INTERP, load-models notes]: removal of the shunt compensation in proportion to the
//   MW tripped (the notes ask to verify it against the specification first); the shunt stays.
// Outputs: outputs(x) gives motor D aggregates in MW (cli.md recorder fractions).
#pragma once

#include <array>
#include <complex>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "feederlab/dae/device.hpp"
#include "feederlab/model/feeder.hpp"
#include "feederlab/model/load_composition.hpp"

namespace feederlab::loads {

class StaticLoad;
class ElectronicLoad;
class InductionMotor;
class MotorD;

inline constexpr double kOmega60Hz = 376.99111843077515;  // rad/s

enum class ServiceKind { ThreePhaseWye, ThreePhaseDelta, SplitPhaseHalves, SplitPhase240, TwoPhaseWye, SinglePhase };
const char* serviceKindName(ServiceKind kind);

// Up to two composite ports with real weights: v_unit = sum w_k v_k; the unit's current i adds
// w_k * scale * i to composite port k.
struct PortLink {
  std::array<int, 2> port{-1, -1};
  std::array<double, 2> weight{0.0, 0.0};
  static PortLink direct(int k) { return {{k, -1}, {1.0, 0.0}}; }
  static PortLink acrossLegs(int k1, int k2) { return {{k1, k2}, {0.5, -0.5}}; }
};

struct PortNodes {
  int from = 0;  // OpenDSS node number on the load's bus (1/2/3 = a/b/c)
  int to = 0;    // 0 = ground
};

struct PortLayout {
  ServiceKind kind = ServiceKind::ThreePhaseWye;
  std::vector<PortNodes> ports;
  double v_base_kv = 0.0;       // base of every port (kV across the port)
  std::vector<PortLink> units;  // where motor D and single-phase A/B/C units connect
  double unit_v_base_kv = 0.0;  // base of the unit ports (split-phase halves: 2 v_base_kv)
};

// Throws core::ModelError naming the load for connections it cannot represent.
PortLayout portLayout(const model::Load& load);

struct CompositeLoadConfig {
  std::string name;
  PortLayout layout;
  model::ComponentFractions fractions;  // static_load is ignored: the remainder is used
  model::ParameterSet parameters;
  std::optional<model::StaticLoadParameters> static_override;
  double s_base_mva = 1.0;  // composite base per port
  double omega0 = kOmega60Hz;
};

// Motor D aggregates, MW weighted by each unit's pre-event power P0_D (cli.md recorder).
struct CompositeOutputs {
  double motor_d_p0_mw = 0.0;            // sum P0_D
  double stall_p0_mw = 0.0;              // sum P0_D * stall share (not weighted)
  double connected_stalled_p0_mw = 0.0;  // sum P0_D * stalled share weighted by Kuv Kcon Fth
  double kcon_p0_mw = 0.0;               // sum P0_D * Kcon
  double fth_p0_mw = 0.0;                // sum P0_D * Fth
  double kuv_p0_mw = 0.0;                // sum P0_D * Kuv
};

enum class ComponentRole { Static, Electronic, MotorA, MotorB, MotorC, MotorD };
const char* componentRoleName(ComponentRole role);

class CompositeLoad final : public dae::Device {
 public:
  explicit CompositeLoad(const CompositeLoadConfig& config);  // throws ModelError when invalid
  ~CompositeLoad() override;

  std::string_view kind() const override { return "composite"; }
  const std::string& name() const override { return name_; }
  std::size_t stateCount() const override { return state_count_; }
  std::size_t portCount() const override { return layout_.ports.size(); }
  std::vector<dae::VariableInfo> variables() const override;

  void initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) override;
  void residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, std::span<double> f, std::span<double> i) const override;
  void jacobianPattern(dae::JacobianSink& sink) const override;
  void jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, double cj, dae::JacobianSink& sink) const override;

  std::size_t rootCount() const override { return root_count_; }
  void roots(const dae::Context& ctx, std::span<const double> x, std::span<const double> v,
             std::span<double> g) const override;
  bool onRoot(const dae::Context& ctx, std::span<double> x, std::span<const double> v,
              std::span<const int> fired) override;

  const PortLayout& layout() const { return layout_; }
  double sBaseMva() const { return s_base_mva_; }
  // Log line(s) for the caller (single-phase equivalents of A/B/C, ...); empty when none.
  const std::string& note() const { return note_; }

  // Shunt at the terminal after initialize(): per-port admittance (pu of the composite base)
  // and the totals it draws at the initial point.
  std::complex<double> shuntAdmittance(std::size_t port) const { return shunt_[port]; }
  double shuntMvar() const { return shunt_mvar_; }
  double shuntMw() const { return shunt_mw_; }

  // Total complex power (pu of the composite base, sum over ports) drawn by each role at (x, v),
  // and by the shunt.
  std::complex<double> rolePower(ComponentRole role, const dae::Context& ctx, std::span<const double> x,
                                 std::span<const double> v) const;
  std::complex<double> shuntPower(std::span<const double> v) const;

  CompositeOutputs outputs(std::span<const double> x) const;

  std::size_t componentCount() const { return parts_.size(); }
  const dae::Device& component(std::size_t c) const { return *parts_[c].device; }
  ComponentRole componentRole(std::size_t c) const { return parts_[c].role; }
  std::size_t componentOffset(std::size_t c) const { return parts_[c].offset; }
  double componentScale(std::size_t c) const { return parts_[c].scale; }
  // Motor D units (tests and diagnostics: force modes); index in unit order.
  std::vector<MotorD*> motorDUnits();

 private:
  struct Part {
    std::unique_ptr<dae::Device> device;
    ComponentRole role = ComponentRole::Static;
    std::vector<PortLink> links;  // one per component port
    std::size_t offset = 0, states = 0, root_offset = 0, roots = 0;
    double scale = 0.0;  // S_c / S_base
  };
  void addPart(std::unique_ptr<dae::Device> device, ComponentRole role, std::vector<PortLink> links);
  void buildParts(const CompositeLoadConfig& config);
  // Component port voltages from composite port voltages (at most 3 ports, 6 doubles).
  static void mapVoltages(const Part& part, std::span<const double> v, std::span<double> vc);
  void addCurrents(const Part& part, std::span<const double> ic, std::span<double> i) const;
  void initializePart(Part& part, std::span<const dae::PortOperatingPoint> op, std::span<double> x);

  std::string name_;
  PortLayout layout_;
  double s_base_mva_ = 1.0;
  model::ComponentFractions fractions_;  // normalized, static = remainder
  double tan_static_ = 0.0, tan_el_ = 0.0;
  std::vector<Part> parts_;
  std::size_t state_count_ = 0, root_count_ = 0;
  std::vector<std::complex<double>> shunt_;
  double shunt_mvar_ = 0.0, shunt_mw_ = 0.0;
  std::string note_;
};

// Result of the builders: the device, its operating point in the device's per unit (pass it to
// initialize()), and the note for the run log (empty when none).
struct CompositeBuild {
  std::unique_ptr<CompositeLoad> device;
  std::vector<dae::PortOperatingPoint> op;
  std::string note;
};

// Composite for one load from the power flow: v0_pu per port (pu of layout.v_base_kv, the port
// voltage v_from - v_to), s0_kva per port (kW + j kvar drawn through that port). The composite
// base per port is the load's nominal |kW + j kvar| / ports (power-flow sum if that is zero).
CompositeBuild buildCompositeLoad(const model::Load& load, const model::LoadComposition& composition,
                                  const model::ParameterSet& parameters, std::span<const std::complex<double>> v0_pu,
                                  std::span<const std::complex<double>> s0_kva, double omega0 = kOmega60Hz);

// Source-side loads (cli.md): 100 % constant impedance, no composition.
CompositeBuild buildConstantImpedanceLoad(const model::Load& load, std::span<const std::complex<double>> v0_pu,
                                          std::span<const std::complex<double>> s0_kva);

}  // namespace feederlab::loads
