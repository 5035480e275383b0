// Motor D (single-phase A/C compressor performance model): construction, initialization, residual
// and Jacobian. Equations and their sources: the doc block of include/feederlab/loads/motor_d.hpp.
// Discrete modes (roots, onRoot): motor_d_events.cpp.
#include "feederlab/loads/motor_d.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "feederlab/loads/registry.hpp"

namespace feederlab::loads {

namespace {

using Complex = std::complex<double>;

// base^e and its derivative for base >= 0, e >= 1 (validate() guarantees e >= 1).
void powerTerm(double base, double e, double& value, double& slope) {
  value = std::pow(base, e);
  slope = e * std::pow(base, e - 1.0);
}

std::unique_ptr<dae::Device> makeMotorD(const DeviceSpec& spec) {
  requirePorts(spec, {1});
  model::MotorDParameters p;
  double s_base_mva = 1.0;
  ParameterReader r(spec);
  r.read("comp_lf", p.comp_lf);
  r.read("comp_pf", p.comp_pf);
  r.read("v_stall", p.v_stall);
  r.read("r_stall", p.r_stall);
  r.read("x_stall", p.x_stall);
  r.read("t_stall", p.t_stall);
  r.read("f_rst", p.f_rst);
  r.read("v_rst", p.v_rst);
  r.read("t_rst", p.t_rst);
  r.read("f_uvr", p.f_uvr);
  r.read("uv_tr1", p.uv_tr1);
  r.read("t_tr1", p.t_tr1);
  r.read("uv_tr2", p.uv_tr2);
  r.read("t_tr2", p.t_tr2);
  r.read("v_c1off", p.v_c1off);
  r.read("v_c2off", p.v_c2off);
  r.read("v_c1on", p.v_c1on);
  r.read("v_c2on", p.v_c2on);
  r.read("t_th", p.t_th);
  r.read("th1t", p.th1t);
  r.read("th2t", p.th2t);
  r.read("t_v", p.t_v);
  r.read("kp1", p.kp1);
  r.read("np1", p.np1);
  r.read("kq1", p.kq1);
  r.read("nq1", p.nq1);
  r.read("kp2", p.kp2);
  r.read("np2", p.np2);
  r.read("kq2", p.kq2);
  r.read("nq2", p.nq2);
  r.read("v_brk", p.v_brk);
  r.read("cmp_kpf", p.cmp_kpf);
  r.read("cmp_kqf", p.cmp_kqf);
  r.read("lf_adj", p.lf_adj);
  r.read("s_base_mva", s_base_mva);
  r.finish();
  return std::make_unique<MotorD>(spec.name, p, s_base_mva);
}

const bool kRegistered = registerDeviceKind("motor_d", &makeMotorD);

}  // namespace

double computeVStallBrk(const model::MotorDParameters& p, double p0) {
  // load-models.md 3.3: lowest V >= 0.4 pu at which P0 + Kp2 (Vbrk - V)^Np2 < Gstall V^2; the gap
  // is strictly decreasing in V on [0.4, Vbrk], so the crossing is unique and bisection finds it.
  const double v_stall = p.vStallAdjusted(), v_brk = p.vBrkAdjusted();
  const double g_stall = p.r_stall / (p.r_stall * p.r_stall + p.x_stall * p.x_stall);
  auto gap = [&](double v) { return p0 + p.kp2 * std::pow(std::max(v_brk - v, 0.0), p.np2) - g_stall * v * v; };
  double lo = 0.4, hi = v_stall;
  if (hi <= lo) return v_stall;
  if (gap(lo) < 0.0) return lo;
  if (gap(hi) >= 0.0) return v_stall;  // none below Vstall
  while (hi - lo > 1e-13) {
    const double mid = 0.5 * (lo + hi);
    (gap(mid) < 0.0 ? hi : lo) = mid;
  }
  return hi;
}

MotorD::MotorD(std::string name, const model::MotorDParameters& parameters, double s_base_mva)
    : name_(std::move(name)), p_(parameters), s_base_mva_(s_base_mva) {
  auto problems = p_.validate();
  if (!(std::isfinite(s_base_mva) && s_base_mva > 0.0)) problems.push_back("s_base_mva must be > 0 MVA");
  throwIfInvalid(name_, problems);
  v_stall_ = p_.vStallAdjusted();
  v_brk_ = p_.vBrkAdjusted();
  const double z2 = p_.r_stall * p_.r_stall + p_.x_stall * p_.x_stall;
  g_stall_ = p_.r_stall / z2;
  b_stall_ = p_.x_stall / z2;
  p_init_ = p_.comp_lf;
  // Constants for V0 = 1 until initialize() sets them for the actual V0.
  const Complex s = initialPower(p_);
  p0_ = s.real() - p_.kp1 * std::pow(std::max(1.0 - v_brk_, 0.0), p_.np1);
  q0_ = s.imag() - p_.kq1 * std::pow(std::max(1.0 - v_brk_, 0.0), p_.nq1);
  v_stallbrk_ = computeVStallBrk(p_, p0_);
}

std::complex<double> MotorD::initialPower(const model::MotorDParameters& p) {
  const double tan_phi = std::sqrt(std::max(1.0 - p.comp_pf * p.comp_pf, 0.0)) / p.comp_pf;
  return {p.comp_lf, p.comp_lf * tan_phi};
}

std::vector<dae::VariableInfo> MotorD::variables() const {
  return {{.name = "vm", .unit = "pu (filtered terminal voltage)", .kind = dae::VariableKind::Differential},
          {.name = "theta_a", .unit = "pu on motor D base (Rstall heating)", .kind = dae::VariableKind::Differential},
          {.name = "theta_b", .unit = "pu on motor D base (Rstall heating)", .kind = dae::VariableKind::Differential},
          {.name = "v_run", .unit = "pu (lagged V of the run curves)", .kind = dae::VariableKind::Differential}};
}

void MotorD::initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) {
  if (op.size() != 1 || x.size() != kStateCount) throw core::ModelError(name_, "motor_d: one port and 4 states expected");
  const double v0 = std::abs(op[0].v0);
  const Complex s0 = op[0].s0, s_rated = initialPower(p_);
  auto fail = [&](const std::string& why) {
    std::ostringstream os;
    os << "cannot initialize motor D at V0 = " << v0 << " pu, s0 = " << s0.real() << (s0.imag() < 0 ? "-j" : "+j")
       << std::abs(s0.imag()) << " pu: " << why;
    throw core::ModelError(name_, os.str());
  };
  if (std::abs(s0 - s_rated) > 1e-6 * std::abs(s_rated)) {
    std::ostringstream os;
    os << "s0 must be CompLF (1 + j tan acos CompPF) = " << s_rated.real() << "+j" << s_rated.imag()
       << " pu on the device base (MVA_D = P_D / CompLF)";
    fail(os.str());
  }
  if (v0 >= v_brk_) {
    p0_ = s0.real() - p_.kp1 * std::pow(v0 - v_brk_, p_.np1);
    q0_ = s0.imag() - p_.kq1 * std::pow(v0 - v_brk_, p_.nq1);
  } else {
    p0_ = s0.real() - p_.kp2 * std::pow(v_brk_ - v0, p_.np2);
    q0_ = s0.imag() - p_.kq2 * std::pow(v_brk_ - v0, p_.nq2);
  }
  v_stallbrk_ = computeVStallBrk(p_, p0_);
  if (!(v0 > v_stall_ && v0 > v_stallbrk_)) fail("below Vstall or Vstallbrk (the unit would not run)");
  if (v0 < p_.v_c1off) fail("below Vc1off (contactors would be open)");
  // Discrete state: running, idle contactor, no trips.
  stalled_[0] = stalled_[1] = false;
  stall_timer_ = restart_timer_ = kOff;
  uv_tripped_ = false;
  uv1_timer_ = (p_.f_uvr > 0.0 && v0 < p_.uv_tr1) ? 0.0 : kOff;  // simulations start at t = 0
  uv2_timer_ = (p_.f_uvr > 0.0 && v0 < p_.uv_tr2) ? 0.0 : kOff;
  con_mode_ = ContactorMode::Idle;
  on_brk_impedance_ = false;
  vm_min_ = vm_max_ = v0;
  th_tracking_[0] = th_tracking_[1] = false;
  fth_frozen_[0] = fth_frozen_[1] = 1.0;
  const double theta0 = std::norm(s0) / (v0 * v0) * p_.r_stall;  // (|S0|/V0)^2 Rstall
  x[kVm] = v0;
  x[kThetaA] = theta0;
  x[kThetaB] = theta0;
  x[kVRun] = v0;
}

MotorD::Curve MotorD::stallCurve(double v_mag) const {
  return {.p = g_stall_ * v_mag * v_mag, .q = b_stall_ * v_mag * v_mag, .dp = 2.0 * g_stall_ * v_mag,
          .dq = 2.0 * b_stall_ * v_mag, .stall_branch = true};
}

MotorD::Curve MotorD::runCurve(double v_mag, double frequency_pu) const {
  if (on_brk_impedance_) return stallCurve(v_mag);  // mode set by kRootStallBrk (motor_d_events.cpp)
  if (v_mag < v_stallbrk_ && v_stallbrk_ > 0.0) {
    // Still on the run branch below Vstallbrk (until the kRootStallBrk root switches the mode at
    // the step end). Run II itself keeps rising like a constant-power load as V falls and can
    // leave the network without a solution after a deep sag; a constant admittance from the
    // Vstallbrk point has a slope of the other sign, and a solution sitting on that kink made
    // IDA's Newton iteration oscillate (ieee8500 reduced, 0.6 pu sags). So: the admittance
    // G V^2 (continuous with run II at Vstallbrk) plus a correction that matches run II's slope
    // at Vstallbrk and decays over kBrkBlendPu: smooth (C-infinity) across Vstallbrk [INTERP].
    //   P(V) = P_b (V/V_b)^2 + (P'_b - 2 P_b / V_b) (V - V_b) exp(-(V_b - V) / w)
    constexpr double kBrkBlendPu = 0.01;
    const Curve c = runCurve(v_stallbrk_, frequency_pu);
    const double vb = v_stallbrk_, k = v_mag / vb, d = v_mag - vb;
    const double e = std::exp(d / kBrkBlendPu), de = e / kBrkBlendPu;
    const double cp = c.dp - 2.0 * c.p / vb, cq = c.dq - 2.0 * c.q / vb;
    return {.p = c.p * k * k + cp * d * e,
            .q = c.q * k * k + cq * d * e,
            .dp = 2.0 * c.p * k / vb + cp * (e + d * de),
            .dq = 2.0 * c.q * k / vb + cq * (e + d * de),
            .stall_branch = false};
  }
  Curve c;
  double tp = 0.0, sp = 0.0, tq = 0.0, sq = 0.0;
  if (v_mag >= v_brk_) {  // run I
    powerTerm(v_mag - v_brk_, p_.np1, tp, sp);
    powerTerm(v_mag - v_brk_, p_.nq1, tq, sq);
    c.p = p0_ + p_.kp1 * tp;
    c.dp = p_.kp1 * sp;
    c.q = q0_ + p_.kq1 * tq;
    c.dq = p_.kq1 * sq;
  } else {  // run II
    powerTerm(v_brk_ - v_mag, p_.np2, tp, sp);
    powerTerm(v_brk_ - v_mag, p_.nq2, tq, sq);
    c.p = p0_ + p_.kp2 * tp;
    c.dp = -p_.kp2 * sp;
    c.q = q0_ + p_.kq2 * tq;
    c.dq = -p_.kq2 * sq;
  }
  const double df = frequency_pu - 1.0;
  const double mp = 1.0 + p_.cmp_kpf * df, mq = 1.0 + p_.cmp_kqf * df;
  c.p *= mp;
  c.dp *= mp;
  c.q *= mq;
  c.dq *= mq;
  return c;
}

double MotorD::fthCurve(double theta) const {
  if (theta <= p_.th1t) return 1.0;
  if (theta >= p_.th2t) return 0.0;
  return (p_.th2t - theta) / (p_.th2t - p_.th1t);
}

double MotorD::thetaLock(int k) const {
  const double f = fth_frozen_[k];
  return f >= 1.0 ? p_.th1t : p_.th2t - f * (p_.th2t - p_.th1t);
}

MotorD::SubBlock MotorD::subBlock(int k, double v_mag, double v_run, double frequency_pu, double theta) const {
  SubBlock s;
  s.c = stalled_[k] ? stallCurve(v_mag) : runCurve(v_run, frequency_pu);
  s.on_run_curve = !s.c.stall_branch;
  if (s.c.stall_branch) {  // |I|^2 Rstall = |Y|^2 V^2 Rstall = Gstall V^2
    s.heat = g_stall_ * v_mag * v_mag;
    s.dheat = 2.0 * g_stall_ * v_mag;
  } else {  // v_run > Vstallbrk >= 0.4 here (or just below it, until the root fires)
    const double w = v_run * v_run, s2 = s.c.p * s.c.p + s.c.q * s.c.q;
    s.heat = p_.r_stall * s2 / w;
    s.dheat = p_.r_stall * (2.0 * (s.c.p * s.c.dp + s.c.q * s.c.dq) / w - 2.0 * s2 / (w * v_run));
  }
  if (stalled_[k] && th_tracking_[k]) {
    s.fth = fthCurve(theta);
    s.dfth = (theta > p_.th1t && theta < p_.th2t) ? -1.0 / (p_.th2t - p_.th1t) : 0.0;
  } else {
    s.fth = fth_frozen_[k];
  }
  return s;
}

void MotorD::setContactor(ContactorMode mode, double vm_min, double vm_max) {
  con_mode_ = mode;
  vm_min_ = vm_min;
  vm_max_ = vm_max;
}

void MotorD::setThermal(int sub_block, bool tracking, double fth_frozen) {
  th_tracking_[sub_block] = tracking;
  fth_frozen_[sub_block] = fth_frozen;
}

void MotorD::contactor(double vm, double& kcon, double& dkcon) const {
  // load-models.md 3.3 [INTERP]: Kcon = 1 - f_trip (1 - r), with memory (see the header).
  const double off_w = p_.v_c1off - p_.v_c2off, on_w = p_.v_c1on - p_.v_c2on;
  auto f = [&](double u, double& d) {
    const double y = (p_.v_c1off - u) / off_w;
    d = (y > 0.0 && y < 1.0) ? -1.0 / off_w : 0.0;
    return std::clamp(y, 0.0, 1.0);
  };
  auto r = [&](double u, double& d) {
    const double y = (u - p_.v_c2on) / on_w;
    d = (y > 0.0 && y < 1.0) ? 1.0 / on_w : 0.0;
    return std::clamp(y, 0.0, 1.0);
  };
  double df = 0.0, dr = 0.0;
  switch (con_mode_) {
    case ContactorMode::Idle:
      kcon = 1.0;
      dkcon = 0.0;
      return;
    case ContactorMode::Falling: {
      const double fv = f(vm, df), rv = r(vm, dr);
      kcon = 1.0 - fv * (1.0 - rv);
      dkcon = -df * (1.0 - rv) + fv * dr;
      return;
    }
    case ContactorMode::Rising: {
      const double fv = f(vm_min_, df), rv = r(vm, dr);
      kcon = 1.0 - fv * (1.0 - rv);
      dkcon = fv * dr;
      return;
    }
    case ContactorMode::Holding: {
      const double fv = f(vm_min_, df), rv = r(vm_max_, dr);
      kcon = 1.0 - fv * (1.0 - rv);
      dkcon = 0.0;
      return;
    }
  }
}

MotorD::Point MotorD::evaluatePoint(const dae::Context& ctx, std::span<const double> x,
                                    std::span<const double> v) const {
  Point pt;
  pt.vr = v[0];
  pt.vi = v[1];
  pt.v = std::hypot(pt.vr, pt.vi);
  pt.v_run = x[kVRun];
  for (int k = 0; k < 2; ++k) pt.sb[k] = subBlock(k, pt.v, pt.v_run, ctx.frequency_pu, x[static_cast<std::size_t>(1 + k)]);
  pt.kuv = uv_tripped_ ? 1.0 - p_.f_uvr : 1.0;
  contactor(x[kVm], pt.kcon, pt.dkcon);
  return pt;
}

namespace {
// Admittance form of a sub-block: i = y v with y = (P - jQ)/V^2, and dy/dV.
void admittance(const MotorD::Curve& c, double v_mag, double g_stall, double b_stall, Complex& y, Complex& dy) {
  if (c.stall_branch) {
    y = {g_stall, -b_stall};
    dy = {0.0, 0.0};
    return;
  }
  const double w = v_mag * v_mag;
  y = Complex(c.p, -c.q) / w;
  dy = Complex(c.dp, -c.dq) / w - 2.0 * Complex(c.p, -c.q) / (w * v_mag);
}
}  // namespace

void MotorD::residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                      std::span<const double> v, std::span<double> f, std::span<double> i) const {
  const Point pt = evaluatePoint(ctx, x, v);
  f[kVm] = (pt.v - x[kVm]) / p_.t_v - xdot[kVm];
  f[kThetaA] = (pt.sb[0].heat - x[kThetaA]) / p_.t_th - xdot[kThetaA];
  f[kThetaB] = (pt.sb[1].heat - x[kThetaB]) / p_.t_th - xdot[kThetaB];
  f[kVRun] = (pt.v - x[kVRun]) / kRunLagS - xdot[kVRun];
  Complex y_total{0.0, 0.0};
  for (int k = 0; k < 2; ++k) {
    Complex y, dy;
    admittance(pt.sb[k].c, pt.v_run, g_stall_, b_stall_, y, dy);
    y_total += pt.kuv * pt.kcon * subBlockWeight(k) * pt.sb[k].fth * y;
  }
  const Complex cur = y_total * Complex(pt.vr, pt.vi);
  i[0] = cur.real();
  i[1] = cur.imag();
}

void MotorD::jacobianPattern(dae::JacobianSink& sink) const {
  for (int k = 0; k < kStateCount; ++k) sink.add(dae::Block::XX, k, k, 0.0);
  sink.add(dae::Block::XX, kThetaA, kVRun, 0.0);
  sink.add(dae::Block::XX, kThetaB, kVRun, 0.0);
  for (int r = 0; r < kStateCount; ++r) {
    for (int c = 0; c < 2; ++c) sink.add(dae::Block::XV, r, c, 0.0);
  }
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < kStateCount; ++c) sink.add(dae::Block::IX, r, c, 0.0);
    for (int c = 0; c < 2; ++c) sink.add(dae::Block::IV, r, c, 0.0);
  }
}

void MotorD::jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double>,
                      std::span<const double> v, double cj, dae::JacobianSink& sink) const {
  const Point pt = evaluatePoint(ctx, x, v);
  const double dv_dr = pt.v > 0.0 ? pt.vr / pt.v : 0.0, dv_di = pt.v > 0.0 ? pt.vi / pt.v : 0.0;
  // State rows.
  sink.add(dae::Block::XX, kVm, kVm, -1.0 / p_.t_v - cj);
  sink.add(dae::Block::XV, kVm, 0, dv_dr / p_.t_v);
  sink.add(dae::Block::XV, kVm, 1, dv_di / p_.t_v);
  sink.add(dae::Block::XX, kVRun, kVRun, -1.0 / kRunLagS - cj);
  sink.add(dae::Block::XV, kVRun, 0, dv_dr / kRunLagS);
  sink.add(dae::Block::XV, kVRun, 1, dv_di / kRunLagS);
  for (int k = 0; k < 2; ++k) {
    const int row = 1 + k;
    const double dh_dv = pt.sb[k].on_run_curve ? 0.0 : pt.sb[k].dheat;
    const double dh_drun = pt.sb[k].on_run_curve ? pt.sb[k].dheat : 0.0;
    sink.add(dae::Block::XX, row, row, -1.0 / p_.t_th - cj);
    sink.add(dae::Block::XX, row, kVRun, dh_drun / p_.t_th);
    sink.add(dae::Block::XV, row, 0, dh_dv * dv_dr / p_.t_th);
    sink.add(dae::Block::XV, row, 1, dh_dv * dv_di / p_.t_th);
  }
  // Current rows: i = Y v, Y = Kuv Kcon(Vm) sum_k w_k Fth_k(theta_k) y_k(v_run).
  const Complex vc(pt.vr, pt.vi);
  Complex y_total{0.0, 0.0}, dy_total{0.0, 0.0}, y_unscaled{0.0, 0.0};
  for (int k = 0; k < 2; ++k) {
    Complex y, dy;
    admittance(pt.sb[k].c, pt.v_run, g_stall_, b_stall_, y, dy);
    const double a = pt.kuv * pt.kcon * subBlockWeight(k) * pt.sb[k].fth;
    y_total += a * y;
    dy_total += a * dy;
    y_unscaled += subBlockWeight(k) * pt.sb[k].fth * y;
    const Complex d_theta = pt.kuv * pt.kcon * subBlockWeight(k) * pt.sb[k].dfth * y * vc;
    sink.add(dae::Block::IX, 0, 1 + k, d_theta.real());
    sink.add(dae::Block::IX, 1, 1 + k, d_theta.imag());
  }
  const Complex d_run = dy_total * vc;  // y depends on v_run only (stall branch: constant)
  sink.add(dae::Block::IX, 0, kVRun, d_run.real());
  sink.add(dae::Block::IX, 1, kVRun, d_run.imag());
  const Complex d_vm = pt.kuv * pt.dkcon * y_unscaled * vc;
  sink.add(dae::Block::IX, 0, kVm, d_vm.real());
  sink.add(dae::Block::IX, 1, kVm, d_vm.imag());
  const Complex di_dr = y_total;
  const Complex di_di = Complex(0.0, 1.0) * y_total;
  sink.add(dae::Block::IV, 0, 0, di_dr.real());
  sink.add(dae::Block::IV, 1, 0, di_dr.imag());
  sink.add(dae::Block::IV, 0, 1, di_di.real());
  sink.add(dae::Block::IV, 1, 1, di_di.imag());
}

MotorDOutputs MotorD::outputs(std::span<const double> x) const {
  MotorDOutputs o;
  o.p0_pu = p_init_;
  o.p0_mw = p_init_ * s_base_mva_;
  const double wa = subBlockWeight(0), wb = subBlockWeight(1);
  o.stall_share = (stalled_[0] ? wa : 0.0) + (stalled_[1] ? wb : 0.0);
  o.k_uv = uv_tripped_ ? 1.0 - p_.f_uvr : 1.0;
  double dk = 0.0;
  contactor(x[kVm], o.k_con, dk);
  o.fth_a = (stalled_[0] && th_tracking_[0]) ? fthCurve(x[kThetaA]) : fth_frozen_[0];
  o.fth_b = (stalled_[1] && th_tracking_[1]) ? fthCurve(x[kThetaB]) : fth_frozen_[1];
  o.fth = wa * o.fth_a + wb * o.fth_b;
  o.connected_stalled_share =
      o.k_uv * o.k_con * ((stalled_[0] ? wa * o.fth_a : 0.0) + (stalled_[1] ? wb * o.fth_b : 0.0));
  return o;
}

}  // namespace feederlab::loads
