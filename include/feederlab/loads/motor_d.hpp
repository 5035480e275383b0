// Motor D: single-phase residential A/C compressor, performance model, one port.
//
// Sources: WECC CMPLDW specification (motor D) as restated in ../shared/design/load-models.md 3.3
// ("as corrected" there); N. Lu, Y. Xie, Z. Huang, "Air Conditioner Compressor Performance Model",
// PNNL-17796, 2008 (run curves, stall impedance); D. Kosterev et al., "Phasor modeling approach
// for single phase A/C motors", IEEE PES GM 2008 (stall and restart, thermal protection).
// Tags as in load-models.md: [SPEC] the specification, [INTERP] the project's interpretation.
//
// Port: one. On a split-phase service the unit is 240 V across the two legs (port base = 240 V);
// on three-phase loads the composite creates one unit per phase. Voltages pu of the port base,
// currents pu of the device base S_base = MVA_D = P_D / CompLF (dae/device.hpp conventions).
//
// Parameters: model::MotorDParameters (load_composition.hpp lists every field with its unit).
// Derived: Vstall, Vbrk after the LFadj adjustment [SPEC]; Gstall + jBstall = 1/(Rstall + jXstall);
//   Vstallbrk = lowest V >= 0.4 pu at which the run-II P curve falls below Gstall V^2, or Vstall if
//   none below Vstall [SPEC, load-models 3.3], found by bisection to 1e-12 pu (monotone gap).
//
// States x (all differential):
//   x[0] Vm       filtered terminal voltage (pu)      Tv Vm' = V - Vm              [SPEC]
//   x[1] theta_a  thermal state of sub-block A (pu)   Tth thA' = |I_A|^2 Rstall - thA  [SPEC]
//   x[2] theta_b  thermal state of sub-block B (pu)   Tth thB' = |I_B|^2 Rstall - thB  [SPEC]
//   x[3] v_run    lagged V for the run curves (pu)    kRunLagS v_run' = V - v_run     [INTERP]
//   The run curves act as an admittance y = (P(v_run) - jQ(v_run)) / v_run^2, i = y v: run II
//   draws more power as V falls, and as an algebraic law it reaches an impasse (no network
//   solution, IDA fails with dV/dt -> infinity) during deep sags behind weak sources (ieee8500,
//   0.6 pu). Positive-sequence programs evaluate it one network step late (GridPACK, InterPSS:
//   load-models.md "Convergence"); the 2 ms lag is that one-step lag as a DAE state, and leaves
//   steady states and the stall logic (instantaneous V) unchanged.
//   |I_X|^2 Rstall = (P_X^2 + Q_X^2) Rstall / V^2 from the sub-block's own P, Q (before Fth, Kcon,
//   Kuv); stalled (or V <= Vstallbrk): = Gstall V^2 exactly. theta integrates continuously.
//
// Sub-block power (V = |v|, df = f - 1; pu on the motor base)                 [SPEC, PNNL-17796]
//   running, V >= Vbrk:            P = [P0 + Kp1 (V - Vbrk)^Np1](1 + CmpKpf df)
//                                  Q = [Q0 + Kq1 (V - Vbrk)^Nq1](1 + CmpKqf df)
//   running, Vstallbrk < V < Vbrk: P = [P0 + Kp2 (Vbrk - V)^Np2](1 + CmpKpf df), Q likewise (Kq2, Nq2)
//   stalled, or V <= Vstallbrk:    P = Gstall V^2,  Q = -Bstall V^2  (no frequency term)
// Total drawn power and current                                               [SPEC]
//   S = Kuv Kcon [(1 - Frst) FthA S_A + Frst FthB S_B],   i = conj(S / v)
//
// Discrete behaviour (device members, changed only in onRoot):
//   Stall [SPEC, INTERP]: V < Vstall continuously for Tstall (terminal V, not Vm) stalls every
//     running sub-block. A stays stalled. [INTERP] A restarted B stalls again under the same rule
//     (GridPACK and InterPSS run the timer only while A runs, so a restarted B never re-stalls;
//     we follow the physics, as load-models.md directs).
//   Restart [SPEC]: with B stalled, V > Vrst continuously for Trst returns B to run.
//   Thermal [SPEC, INTERP]: Fth(theta) = 1 (theta <= Th1t), (Th2t - theta)/(Th2t - Th1t), 0 (>= Th2t),
//     updated only while that sub-block is stalled, and never increasing: Fth_X = min over its
//     stalled periods of Fth(theta_X). Implemented as "tracking" (theta at its running maximum
//     above the lock level, Fth = Fth(theta)) or "frozen" (Fth stored).
//   Contactor with memory [INTERP, load-models 3.3], on Vm:
//     f(u) = clip((Vc1off - u)/(Vc1off - Vc2off), 0, 1),  r(u) = clip((u - Vc2on)/(Vc1on - Vc2on), 0, 1)
//     f_trip = f(minimum of Vm over the dip), r = r(maximum of Vm since that minimum),
//     Kcon = 1 - f_trip (1 - r); both reset when Vm >= Vc1on. Modes: Idle (Kcon = 1), Falling (Vm
//     at its dip minimum: Kcon = 1 - f(Vm)(1 - r(Vm))), Rising (Vm at its maximum since the minimum:
//     Kcon = 1 - f(Vmin)(1 - r(Vm))), Holding (Kcon frozen; the drop-out line is never applied
//     while Vm rises; a new minimum below Vmin re-enters Falling).
//   UV relay [SPEC]: Vm < UVtr1 for Ttr1, or Vm < UVtr2 for Ttr2, trips Fuvr permanently
//     (Kuv = 1 - Fuvr); the stages are not cumulative.
//   Roots: threshold crossings (V - Vstall, V - Vrst, V - Vstallbrk, Vm - UVtr1/2, contactor
//   levels, V - Vm turning points, theta levels, heating - theta turning points) and timers as
//   g = t - (start + T) (inactive: -1). A timer with T = 0 acts at once. The turning-point roots
//   carry a 1e-6 hysteresis so round-off noise at V = Vm cannot make the modes chatter. Root functions may change
//   form at an event: the solver takes the values after onRoot as the new left values (IDA does).
//   onRoot returns true when the drawn current changed discontinuously (stall, restart, UV trip,
//   crossing of Vstallbrk while running, a contactor re-opening below an earlier minimum).
//
// Initialization [SPEC, with the actual V0 as load-models.md directs]: s0 must equal
//   CompLF (1 + j tan(acos CompPF)) on the device base (initialPower()); P0 = Pinit - Kp1 (V0 -
//   Vbrk)^Np1, Q0 = Qinit - Kq1 (V0 - Vbrk)^Nq1 (run-II form if V0 < Vbrk), so S(V0) = s0 exactly;
//   Vm0 = V0; theta0 = (|s0|/V0)^2 Rstall for both sub-blocks; all derivatives zero; both running,
//   contactor idle, no trips. V0 must exceed Vstall, Vstallbrk and Vc1off. Timers of the UV relay
//   start at t = 0 when Vm0 is already below a stage's threshold (simulations start at t = 0).
//
// Outputs (outputs(x)): p0 (pu device base and MW), stall share (not weighted), Kuv, Kcon, FthA,
//   FthB, unit Fth, stalled share still connected (weighted by Kuv Kcon Fth), as cli.md needs for
//   motor_d_stalled_fraction, contactor_/thermal_/uv_tripped_fraction.
// Registry kind "motor_d": parameters by MotorDParameters field name, plus "s_base_mva" (the
//   device MVA base, for the MW output only; default 1).
#pragma once

#include <complex>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "feederlab/dae/device.hpp"
#include "feederlab/model/load_composition.hpp"

namespace feederlab::loads {

enum class ContactorMode { Idle, Falling, Rising, Holding };

struct MotorDOutputs {
  double p0_pu = 0.0;         // initial P of the unit, pu of the device base
  double p0_mw = 0.0;         // initial P of the unit, MW (p0_pu * s_base_mva)
  double stall_share = 0.0;   // (1 - Frst)[A stalled] + Frst [B stalled], not weighted
  double k_uv = 1.0;          // UV relay connected share
  double k_con = 1.0;         // contactor closed share
  double fth_a = 1.0;         // thermal connected share of sub-block A
  double fth_b = 1.0;         // thermal connected share of sub-block B
  double fth = 1.0;           // (1 - Frst) FthA + Frst FthB
  double connected_stalled_share = 0.0;  // Kuv Kcon [(1 - Frst) FthA [A] + Frst FthB [B]]
};

// Vstallbrk for P0 (load-models 3.3), independent of a device instance.
double computeVStallBrk(const model::MotorDParameters& p, double p0);

class MotorD final : public dae::Device {
 public:
  enum State : int { kVm = 0, kThetaA = 1, kThetaB = 2, kVRun = 3, kStateCount = 4 };
  static constexpr double kRunLagS = 0.002;
  enum Root : int {
    kRootStallV, kRootStallTimer, kRootRestartV, kRootRestartTimer, kRootStallBrk,
    kRootUv1V, kRootUv1Timer, kRootUv2V, kRootUv2Timer,
    kRootConLevel, kRootConMin, kRootConTurn,
    kRootThermLevelA, kRootThermTurnA, kRootThermLevelB, kRootThermTurnB, kRootCount
  };

  // Throws core::ModelError naming the device when the parameters are invalid.
  MotorD(std::string name, const model::MotorDParameters& parameters, double s_base_mva = 1.0);

  // The complex power every unit draws at initialization, pu of its own base.
  static std::complex<double> initialPower(const model::MotorDParameters& p);

  std::string_view kind() const override { return "motor_d"; }
  const std::string& name() const override { return name_; }
  std::size_t stateCount() const override { return kStateCount; }
  std::size_t portCount() const override { return 1; }
  std::vector<dae::VariableInfo> variables() const override;

  void initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) override;
  void residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, std::span<double> f, std::span<double> i) const override;
  void jacobianPattern(dae::JacobianSink& sink) const override;
  void jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                std::span<const double> v, double cj, dae::JacobianSink& sink) const override;

  std::size_t rootCount() const override { return kRootCount; }
  void roots(const dae::Context& ctx, std::span<const double> x, std::span<const double> v,
             std::span<double> g) const override;
  bool onRoot(const dae::Context& ctx, std::span<double> x, std::span<const double> v,
              std::span<const int> fired) override;

  MotorDOutputs outputs(std::span<const double> x) const;
  const model::MotorDParameters& parameters() const { return p_; }
  double vStall() const { return v_stall_; }
  double vBrk() const { return v_brk_; }
  double vStallBrk() const { return v_stallbrk_; }
  double p0() const { return p0_; }  // run-curve constant P0 (pu)
  double q0() const { return q0_; }  // run-curve constant Q0 (pu)

  // Discrete state, for tests and diagnostics.
  bool stalledA() const { return stalled_[0]; }
  bool stalledB() const { return stalled_[1]; }
  bool uvTripped() const { return uv_tripped_; }
  ContactorMode contactorMode() const { return con_mode_; }
  // Forces a mode (tests: Jacobian checks in every mode). Sub-block 0 = A, 1 = B.
  void setStalled(int sub_block, bool stalled) { stalled_[sub_block] = stalled; }
  void setUvTripped(bool tripped) { uv_tripped_ = tripped; }
  void setContactor(ContactorMode mode, double vm_min, double vm_max);
  void setThermal(int sub_block, bool tracking, double fth_frozen);

  // Curves (pu on the motor base) and their derivatives w.r.t. V, for tests and the composite.
  struct Curve {
    double p = 0.0, q = 0.0, dp = 0.0, dq = 0.0;
    bool stall_branch = false;
  };
  Curve runCurve(double v_mag, double frequency_pu) const;
  Curve stallCurve(double v_mag) const;

 private:
  struct SubBlock {  // one sub-block's contribution at the current point
    Curve c;
    double heat = 0.0, dheat = 0.0;  // |I|^2 Rstall and its derivative (by V, or by v_run)
    bool on_run_curve = false;       // c (and heat) evaluated at v_run, else at V
    double fth = 1.0, dfth = 0.0;    // Fth and dFth/dtheta
  };
  struct Point {  // everything residual() and jacobian() need
    double vr = 0.0, vi = 0.0, v = 0.0, v_run = 0.0;
    SubBlock sb[2];
    double kuv = 1.0, kcon = 1.0, dkcon = 0.0;
  };
  Point evaluatePoint(const dae::Context& ctx, std::span<const double> x, std::span<const double> v) const;
  SubBlock subBlock(int k, double v_mag, double v_run, double frequency_pu, double theta) const;
  void contactor(double vm, double& kcon, double& dkcon) const;
  double fthCurve(double theta) const;
  double thetaLock(int k) const;  // theta at which a frozen Fth would start to fall again
  double subBlockWeight(int k) const { return k == 0 ? 1.0 - p_.f_rst : p_.f_rst; }
  bool anyRunning() const { return !stalled_[0] || !stalled_[1]; }
  bool restartArmed() const;
  double timerRoot(double start, double duration, double t) const;
  // onRoot parts (motor_d_events.cpp); each returns true when the current jumps.
  bool handleStall(double t, double v_mag, std::span<double> x, std::span<const int> fired);
  bool handleUv(double t, std::span<const int> fired);
  bool handleContactor(double vm, std::span<const int> fired);
  void handleThermal(int k, double theta, double heat, std::span<const int> fired);
  void stallRunning(std::span<const double> x);
  bool fireDueTimers(double t, std::span<double> x, std::span<const int> fired);

  std::string name_;
  model::MotorDParameters p_;
  double s_base_mva_ = 1.0;
  // Derived constants.
  double v_stall_ = 0.0, v_brk_ = 0.0, v_stallbrk_ = 0.0;
  double g_stall_ = 0.0, b_stall_ = 0.0;  // Gstall, and Bst = -Bstall = Xstall/|Z|^2 (Q = Bst V^2)
  double p0_ = 0.0, q0_ = 0.0, p_init_ = 0.0;
  // Discrete state.
  static constexpr double kOff = std::numeric_limits<double>::quiet_NaN();  // inactive timer
  bool stalled_[2] = {false, false};
  // A running sub-block draws the stall impedance below Vstallbrk (load-models.md 3.3). The
  // branch is a discrete mode switched by the kRootStallBrk root (not a test on V inside the
  // residual): Q jumps there, and a network solution sitting on that jump made IDA's Newton
  // iteration fail (no root of a discontinuous residual). Back to the run curve above
  // Vstallbrk + kBrkHysteresis.
  bool on_brk_impedance_ = false;
  double stall_timer_ = kOff, restart_timer_ = kOff, uv1_timer_ = kOff, uv2_timer_ = kOff;
  bool uv_tripped_ = false;
  ContactorMode con_mode_ = ContactorMode::Idle;
  double vm_min_ = 0.0, vm_max_ = 0.0;
  bool th_tracking_[2] = {false, false};
  double fth_frozen_[2] = {1.0, 1.0};
};

}  // namespace feederlab::loads
