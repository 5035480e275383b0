// Three-phase induction motor of the composite load model (CMPLDW motors A, B, C): one aggregate
// machine, single or double cage, with two undervoltage trip/reconnect stages.
//
// Sources: WECC CMPLDW specification and its open implementations as restated in
//   ../shared/design/load-models.md section 3.2 [load-models 3.2]; the machine is the standard
//   transient / subtransient induction-machine model in the synchronously rotating frame
//   (Kundur, Power System Stability and Control, 1994, section 7.3, eqs. 7.207-7.213 form).
//
// Parameters (InductionMotorParameters; pu on the motor MVA base, times in s):
//   lf_m   [-]   load factor; the composite sets the motor base = P_motor / lf_m (so the initial
//                P on the motor base is lf_m); the device itself does not use it
//   r_s    [pu]  stator resistance          l_s   [pu] synchronous reactance
//   l_p    [pu]  transient reactance        l_pp  [pu] subtransient reactance
//   t_po   [s]   transient open-circuit time constant
//   t_ppo  [s]   subtransient open-circuit time constant (double cage when l_pp < l_p, t_ppo > 0)
//   h      [s]   inertia constant           e_trq [-]  torque-speed exponent
//   uv1, uv2     UV stages: v_trip [pu], t_trip [s], f_trip [-], v_reconnect [pu] (any level >= 0,
//                also below v_trip),
//                t_reconnect [s] (kNever = never reconnect)
// Ports: 1 (single-phase equivalent of the same per-unit machine, used on loads with fewer than
//   three phases) or 3 (a, b, c; wye to neutral or delta, each port's base S_motor/3). With three
//   ports the machine sees the positive-sequence voltage V1 = (va + a vb + a^2 vc)/3 and draws
//   I1; the negative sequence draws I2 = V2 / (r_s + j X''), X'' the interface reactance (the
//   rotor at slip 2 - s is close to short-circuited; its braking torque is neglected); zero
//   sequence draws nothing (ungrounded machine). [INTERP]
// States (pu on the motor base, network frame): e1 = E' (re, im), e2 = E'' (re, im) only for the
//   double cage, slip s (relative to synchronous speed). All Differential.
// Equations (X = l_s - l_p, Y = l_p - l_pp; omega0 = the device's own 2 pi f0, given at
//   construction because initialize() receives no Context: the assembler must build motors
//   with its ctx.omega0, which residual() does not read):
//   interface: V1 = (r_s + j X_int) I + E_int, E_int = E'' (double, X_int = l_pp) or E' (single,
//              X_int = l_p); I = (V1 - E_int) / (r_s + j X_int)                    [load-models 3.2]
//   dE'/dt  = -j omega0 s E' - (E' - j X I) / t_po                      [load-models 3.2; Kundur 7.3]
//   dE''/dt = dE'/dt + j omega0 s (E' - E'') + (E' - E'' + j Y I) / t_ppo  [load-models 3.2]
//              (dE'/dt is its right-hand side, so dF/dx' = -1)
//   Te = Re{E_int conj(I)},  Tm = Tm0 max(1 - s, 0)^e_trq,  ds/dt = (Tm - Te) / (2 h)  [load-models 3.2]
//   drawn current: i = k I (one port); i_a,b,c = k (I1 + I2, a^2 I1 + a I2, a I1 + a^2 I2);
//   k = 1 - f_trip1 [stage 1 tripped] - f_trip2 [stage 2 tripped] (one aggregate machine, one slip).
// UV trips (watch the unfiltered |V1|): stage n trips f_trip_n when |V1| < v_trip_n continuously
//   for t_trip_n and reconnects it when |V1| > v_reconnect_n continuously for t_reconnect_n.
//   Roots per stage: g_v = |V1| - (tripped ? v_reconnect : v_trip) arms/disarms the timer;
//   g_t = t - t_start - T (or -1 when unarmed) fires the trip or reconnection.   [load-models 3.2]
// Initialization (from the model's own steady state, never the equivalent-circuit slip):
//   P target = mean over ports of Re s0 (pu on the motor base); solve P1(s0) = P target - Re(V2 conj I2)
//   for the smallest s0 > 0 with Z(s) = r_s + j l_pp + j X/(1 + j omega0 s t_po)
//   + j Y/(1 + j omega0 s t_ppo) (single cage: r_s + j l_p + j X/(1 + j omega0 s t_po)),
//   I = V1/Z(s0), E' = j X I/(1 + j omega0 s0 t_po), E'' = E' + j Y I/(1 + j omega0 s0 t_ppo),
//   Tm0 = Te0/(1 - s0)^e_trq. Only P is matched: Q (and, with unbalanced ports, the split among
//   ports) is whatever the machine draws there: initialPower() / initialPortPowers() return it
//   so the composite load balances Q with its shunt. ModelError if P exceeds the pull-out power.
// Outputs: initialPower(), connectedFraction(), electricalTorque(x, v), loadTorque().
#pragma once

#include <array>
#include <complex>
#include <span>
#include <string>
#include <vector>

#include "feederlab/dae/device.hpp"
#include "feederlab/loads/registry.hpp"

namespace feederlab::loads {

struct UvTripStage {
  double v_trip = 0.0;          // pu
  double t_trip = kNever;       // s
  double f_trip = 0.0;          // fraction of the motor
  double v_reconnect = 1.0;     // pu
  double t_reconnect = kNever;  // s
};

struct InductionMotorParameters {
  double lf_m = 0.75;
  double r_s = 0.04, l_s = 1.8, l_p = 0.12, l_pp = 0.104;  // WECC Set W motor A
  double t_po = 0.095, t_ppo = 0.0021;
  double h = 0.1, e_trq = 0.0;
  UvTripStage uv1{.v_trip = 0.7, .t_trip = 0.02, .f_trip = 0.2, .v_reconnect = 1.0, .t_reconnect = kNever};
  UvTripStage uv2{.v_trip = 0.5, .t_trip = 0.02, .f_trip = 0.7, .v_reconnect = 0.7, .t_reconnect = 0.1};

  bool doubleCage() const { return l_pp < l_p && t_ppo > 0.0; }
  std::vector<std::string> validate() const;  // every problem, empty when valid
  // WECC "typical" Set W of load-models.md 3.6.
  static InductionMotorParameters setWMotorA();
  static InductionMotorParameters setWMotorB();
  static InductionMotorParameters setWMotorC();
};

class InductionMotor final : public dae::Device {
 public:
  // ports: 1 or 3. omega0: rad/s of the network (must equal ctx.omega0 given to residual()).
  InductionMotor(std::string name, const InductionMotorParameters& parameters, std::size_t ports = 1,
                 double omega0 = 376.99111843077515, std::string kind = "motor_a");

  std::string_view kind() const override { return kind_; }
  const std::string& name() const override { return name_; }
  std::size_t stateCount() const override { return double_cage_ ? 5 : 3; }
  std::size_t portCount() const override { return ports_; }
  std::vector<dae::VariableInfo> variables() const override;

  void initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) override;
  void residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, std::span<double> f, std::span<double> i) const override;
  void jacobianPattern(dae::JacobianSink& sink) const override;
  void jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, double cj, dae::JacobianSink& sink) const override;

  std::size_t rootCount() const override { return 4; }
  void roots(const dae::Context& ctx, std::span<const double> x, std::span<const double> v,
             std::span<double> g) const override;
  bool onRoot(const dae::Context& ctx, std::span<double> x, std::span<const double> v,
              std::span<const int> fired) override;

  // Total S drawn at the initial point, pu on the motor base (P = the allocated P).
  std::complex<double> initialPower() const { return s_init_; }
  // Per-port S at the initial point, pu on each port's base.
  const std::vector<std::complex<double>>& initialPortPowers() const { return s_init_ports_; }
  double initialSlip() const { return s0_; }

  struct UvState {
    bool tripped = false;
    bool armed = false;    // timer running
    double t_start = 0.0;  // s, when the timer started
  };
  const UvState& uvState(int stage) const { return uv_[static_cast<std::size_t>(stage)]; }
  void setUvState(int stage, const UvState& s) { uv_[static_cast<std::size_t>(stage)] = s; }
  double connectedFraction() const;
  double loadTorque() const { return tm0_; }  // Tm0, pu on the motor base
  void setLoadTorque(double tm0) { tm0_ = tm0; }
  double electricalTorque(std::span<const double> x, std::span<const double> v) const;
  bool doubleCage() const { return double_cage_; }
  const InductionMotorParameters& parameters() const { return p_; }
  // Model steady-state impedance Z(s) [load-models 3.2], pu on the motor base.
  std::complex<double> steadyStateImpedance(double slip) const;

 private:
  struct Eval;
  Eval evaluate(std::span<const double> x, std::span<const double> v) const;
  std::size_t slipIndex() const { return double_cage_ ? 4 : 2; }
  double watchedVoltage(std::span<const double> v) const;
  double solveSlip(double p_target, double v1_mag) const;
  bool applyStageRoot(UvState& st, const UvTripStage& par, double t, double vm, int fired_v, int fired_t);

  std::string name_, kind_;
  InductionMotorParameters p_;
  std::size_t ports_;
  double omega0_;
  bool double_cage_;
  double tm0_ = 0.0, s0_ = 0.0;
  std::complex<double> s_init_{};
  std::vector<std::complex<double>> s_init_ports_;
  std::array<UvState, 2> uv_{};
};

}  // namespace feederlab::loads
