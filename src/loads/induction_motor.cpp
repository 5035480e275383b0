#include "feederlab/loads/induction_motor.hpp"

#include <algorithm>
#include <cmath>

#include "feederlab/core/error.hpp"
#include "port_math.hpp"

namespace feederlab::loads {

using detail::Complex;
using detail::Mat2;

namespace {

constexpr Complex kJ{0.0, 1.0};
const Complex kA{-0.5, 0.86602540378443864676};  // a = exp(j 2 pi / 3)
const Complex kA2{-0.5, -0.86602540378443864676};

// Positive- and negative-sequence weights of port k: V1 = sum c1[k] v_k, V2 = sum c2[k] v_k,
// and back: i_k = r1[k] I1 + r2[k] I2 (symmetrical components, Fortescue).
const std::array<Complex, 3> kC1{Complex{1.0 / 3.0, 0.0}, kA / 3.0, kA2 / 3.0};
const std::array<Complex, 3> kC2{Complex{1.0 / 3.0, 0.0}, kA2 / 3.0, kA / 3.0};
const std::array<Complex, 3> kR1{Complex{1.0, 0.0}, kA2, kA};
const std::array<Complex, 3> kR2{Complex{1.0, 0.0}, kA, kA2};

Complex port(std::span<const double> v, std::size_t k) {
  return {v[2 * k], v[2 * k + 1]};
}

void stageProblems(std::vector<std::string>& out, const char* n, const UvTripStage& s) {
  const std::string p = std::string(n) + ".";
  if (!(s.f_trip >= 0.0 && s.f_trip <= 1.0)) out.push_back(p + "f_trip must be in [0, 1]");
  if (!(s.v_trip >= 0.0)) out.push_back(p + "v_trip must be >= 0 pu");
  if (!(s.t_trip >= 0.0)) out.push_back(p + "t_trip must be >= 0 s");
  if (!(s.t_reconnect >= 0.0)) out.push_back(p + "t_reconnect must be >= 0 s (kNever: no reconnection)");
  // v_reconnect below v_trip is legitimate: the reconnection watch only runs once the stage has
  // tripped (Dynawo's motor-A stage 1 uses Utrip 0.65, Ureconnect 0.1; validation/dynamics).
  if (!(s.v_reconnect >= 0.0)) out.push_back(p + "v_reconnect must be >= 0 pu");
}

}  // namespace

std::vector<std::string> InductionMotorParameters::validate() const {
  std::vector<std::string> out;
  if (!(lf_m > 0.0 && lf_m <= 2.0)) out.push_back("lf_m must be in (0, 2]");
  if (!(r_s >= 0.0 && r_s < 1.0)) out.push_back("r_s must be in [0, 1) pu");
  if (!(l_p > 0.0)) out.push_back("l_p must be > 0 pu");
  if (!(l_s > l_p)) out.push_back("l_s must be > l_p");
  if (!(l_pp > 0.0 && l_pp <= l_p)) out.push_back("l_pp must be in (0, l_p]");
  if (!(t_po > 0.0 && std::isfinite(t_po))) out.push_back("t_po must be > 0 s");
  if (!(t_ppo >= 0.0 && std::isfinite(t_ppo))) out.push_back("t_ppo must be >= 0 s");
  if (!(h > 0.0 && std::isfinite(h))) out.push_back("h must be > 0 s");
  if (!(e_trq >= 0.0 && e_trq <= 5.0)) out.push_back("e_trq must be in [0, 5]");
  stageProblems(out, "uv1", uv1);
  stageProblems(out, "uv2", uv2);
  if (uv1.f_trip + uv2.f_trip > 1.0 + 1e-12) out.push_back("uv1.f_trip + uv2.f_trip must be <= 1");
  return out;
}

// Set W of load-models.md 3.6 (InterPSS threeBus_cmpldw.dyd).
InductionMotorParameters InductionMotorParameters::setWMotorA() {
  return {};
}
InductionMotorParameters InductionMotorParameters::setWMotorB() {
  return {.lf_m = 0.75,
          .r_s = 0.03,
          .l_s = 1.8,
          .l_p = 0.19,
          .l_pp = 0.14,
          .t_po = 0.2,
          .t_ppo = 0.0026,
          .h = 0.5,
          .e_trq = 2.0,
          .uv1 = {.v_trip = 0.6, .t_trip = 0.02, .f_trip = 0.2, .v_reconnect = 0.75, .t_reconnect = 0.05},
          .uv2 = {.v_trip = 0.5, .t_trip = 0.02, .f_trip = 0.3, .v_reconnect = 0.65, .t_reconnect = 0.05}};
}
// Motor C (pumps) is motor B's machine with less inertia and its own UV settings.
InductionMotorParameters InductionMotorParameters::setWMotorC() {
  InductionMotorParameters p = setWMotorB();
  p.h = 0.1;
  p.uv1 = {.v_trip = 0.65, .t_trip = 0.02, .f_trip = 0.2, .v_reconnect = 1.0, .t_reconnect = 9999.0};
  p.uv2.t_reconnect = 0.1;
  return p;
}

InductionMotor::InductionMotor(std::string name, const InductionMotorParameters& parameters, std::size_t ports,
                               double omega0, std::string kind)
    : name_(std::move(name)),
      kind_(std::move(kind)),
      p_(parameters),
      ports_(ports),
      omega0_(omega0),
      double_cage_(parameters.doubleCage()) {
  auto problems = p_.validate();
  if (ports_ != 1 && ports_ != 3) problems.push_back("an induction motor has 1 or 3 ports");
  if (!(omega0_ > 0.0)) problems.push_back("omega0 must be > 0 rad/s");
  throwIfInvalid(name_, problems);
}

std::vector<dae::VariableInfo> InductionMotor::variables() const {
  const std::string u = "pu on motor base";
  std::vector<dae::VariableInfo> out{{.name = "e1_re", .unit = u}, {.name = "e1_im", .unit = u}};
  if (double_cage_) {
    out.push_back({.name = "e2_re", .unit = u});
    out.push_back({.name = "e2_im", .unit = u});
  }
  out.push_back({.name = "slip", .unit = "pu of synchronous speed"});
  return out;
}

double InductionMotor::connectedFraction() const {
  return 1.0 - (uv_[0].tripped ? p_.uv1.f_trip : 0.0) - (uv_[1].tripped ? p_.uv2.f_trip : 0.0);
}

Complex InductionMotor::steadyStateImpedance(double s) const {
  const double x = p_.l_s - p_.l_p;
  Complex z = Complex{p_.r_s, p_.l_p} + kJ * x / (1.0 + kJ * omega0_ * s * p_.t_po);  // [load-models 3.2]
  if (double_cage_) z += -kJ * (p_.l_p - p_.l_pp) + kJ * (p_.l_p - p_.l_pp) / (1.0 + kJ * omega0_ * s * p_.t_ppo);
  return z;
}

struct InductionMotor::Eval {
  Complex v1, v2, e1, e2, ei, zi, i1, i2;
  double s = 0.0;
};

InductionMotor::Eval InductionMotor::evaluate(std::span<const double> x, std::span<const double> v) const {
  Eval e;
  if (ports_ == 1) {
    e.v1 = port(v, 0);
  } else {
    for (std::size_t k = 0; k < 3; ++k) {
      e.v1 += kC1[k] * port(v, k);
      e.v2 += kC2[k] * port(v, k);
    }
  }
  e.e1 = {x[0], x[1]};
  e.e2 = double_cage_ ? Complex{x[2], x[3]} : e.e1;
  e.ei = e.e2;  // interface EMF: E'' (double cage) or E' (single cage)
  e.zi = {p_.r_s, double_cage_ ? p_.l_pp : p_.l_p};
  e.i1 = (e.v1 - e.ei) / e.zi;  // V1 = (r_s + j X_int) I + E_int [load-models 3.2]
  e.i2 = e.v2 / e.zi;           // negative sequence [INTERP]
  e.s = x[slipIndex()];
  return e;
}

double InductionMotor::electricalTorque(std::span<const double> x, std::span<const double> v) const {
  const Eval e = evaluate(x, v);
  return (e.ei * std::conj(e.i1)).real();  // Te = Re{E conj(I)} [load-models 3.2]
}

double InductionMotor::watchedVoltage(std::span<const double> v) const {
  if (ports_ == 1) return std::hypot(v[0], v[1]);
  Complex v1{};
  for (std::size_t k = 0; k < 3; ++k) v1 += kC1[k] * port(v, k);
  return std::abs(v1);
}

void InductionMotor::residual(const dae::Context& /*ctx*/, std::span<const double> x, std::span<const double> xdot,
                              std::span<const double> v, std::span<double> f, std::span<double> i) const {
  const Eval e = evaluate(x, v);
  const double w0 = omega0_, xx = p_.l_s - p_.l_p, yy = p_.l_p - p_.l_pp;
  // dE'/dt = -j w0 s E' - (E' - j X I)/T'o   [load-models 3.2; Kundur 7.3]
  const Complex g1 = -kJ * w0 * e.s * e.e1 - (e.e1 - kJ * xx * e.i1) / p_.t_po;
  f[0] = g1.real() - xdot[0];
  f[1] = g1.imag() - xdot[1];
  if (double_cage_) {
    // dE''/dt = dE'/dt + j w0 s (E' - E'') + (E' - E'' + j Y I)/T''o   [load-models 3.2]
    const Complex g2 = g1 + kJ * w0 * e.s * (e.e1 - e.e2) + (e.e1 - e.e2 + kJ * yy * e.i1) / p_.t_ppo;
    f[2] = g2.real() - xdot[2];
    f[3] = g2.imag() - xdot[3];
  }
  const double omega = std::max(1.0 - e.s, 0.0);
  const double tm = p_.e_trq == 0.0 ? tm0_ : tm0_ * std::pow(omega, p_.e_trq);  // Tm = Tm0 w^Etrq
  const double te = (e.ei * std::conj(e.i1)).real();                            // Te = Re{E conj(I)}
  const std::size_t ks = slipIndex();
  f[ks] = (tm - te) / (2.0 * p_.h) - xdot[ks];  // ds/dt = (Tm - Te)/(2H) [load-models 3.2]
  const double k = connectedFraction();
  for (std::size_t m = 0; m < ports_; ++m) {
    const Complex im = ports_ == 1 ? e.i1 : kR1[m] * e.i1 + kR2[m] * e.i2;
    i[2 * m] = k * im.real();
    i[2 * m + 1] = k * im.imag();
  }
}

namespace {

// Local dense Jacobian blocks (at most 5 states, 3 ports).
struct LocalJacobian {
  double xx[5][5] = {}, xv[5][6] = {}, ix[6][5] = {}, iv[6][6] = {};
};
template <std::size_t C>
void put(double (*m)[C], std::size_t r, std::size_t c, const Mat2& a) {
  for (std::size_t p = 0; p < 2; ++p)
    for (std::size_t q = 0; q < 2; ++q) m[r + p][c + q] += a.m[p][q];
}
// Gradient of a real scalar whose differential is Re{w dz}: d/dzr = Re w, d/dzi = -Im w.
template <std::size_t C>
void putGradient(double (*m)[C], std::size_t r, std::size_t c, Complex w) {
  m[r][c] += w.real();
  m[r][c + 1] += -w.imag();
}

}  // namespace

void InductionMotor::jacobianPattern(dae::JacobianSink& sink) const {
  const int nx = static_cast<int>(stateCount()), nv = static_cast<int>(2 * ports_);
  const int ci = double_cage_ ? 2 : 0;  // columns of the interface EMF
  for (int r = 0; r < nx; ++r) {
    for (int c = 0; c < nx; ++c) sink.add(dae::Block::XX, r, c, 0.0);
    for (int c = 0; c < nv; ++c) sink.add(dae::Block::XV, r, c, 0.0);
  }
  for (int r = 0; r < nv; ++r) {
    for (int c = ci; c < ci + 2; ++c) sink.add(dae::Block::IX, r, c, 0.0);
    for (int c = 0; c < nv; ++c) sink.add(dae::Block::IV, r, c, 0.0);
  }
}

void InductionMotor::jacobian(const dae::Context& /*ctx*/, std::span<const double> x, std::span<const double> /*xdot*/,
                              std::span<const double> v, double cj, dae::JacobianSink& sink) const {
  const Eval e = evaluate(x, v);
  const double w0 = omega0_, xx = p_.l_s - p_.l_p, yy = p_.l_p - p_.l_pp;
  const Complex inv_z = 1.0 / e.zi;
  const std::size_t ks = slipIndex(), ci = double_cage_ ? 2 : 0;
  LocalJacobian j;
  // g1 = -j w0 s E' - (E' - j X I)/T'o, I = (V1 - E_int)/Z
  const Complex dg1_dei = -kJ * xx / p_.t_po * inv_z;  // through I
  const Complex dg1_dv1 = kJ * xx / p_.t_po * inv_z;
  const Complex dg1_ds = -kJ * w0 * e.e1;
  put(j.xx, 0, 0, detail::complexMul(-kJ * w0 * e.s - 1.0 / p_.t_po));
  put(j.xx, 0, ci, detail::complexMul(dg1_dei));
  j.xx[0][ks] += dg1_ds.real();
  j.xx[1][ks] += dg1_ds.imag();
  Complex dv1_rows[2] = {dg1_dv1, 0.0};  // d g/d V1 for rows 0 and 2
  if (double_cage_) {
    // g2 = g1 + j w0 s (E' - E'') + (E' - E'' + j Y I)/T''o
    put(j.xx, 2, 0, detail::complexMul(-kJ * w0 * e.s - 1.0 / p_.t_po + kJ * w0 * e.s + 1.0 / p_.t_ppo));
    put(j.xx, 2, 2, detail::complexMul(dg1_dei - kJ * w0 * e.s - 1.0 / p_.t_ppo - kJ * yy / p_.t_ppo * inv_z));
    const Complex dg2_ds = dg1_ds + kJ * w0 * (e.e1 - e.e2);
    j.xx[2][ks] += dg2_ds.real();
    j.xx[3][ks] += dg2_ds.imag();
    dv1_rows[1] = dg1_dv1 + kJ * yy / p_.t_ppo * inv_z;
  }
  // f_s = (Tm - Te)/(2H); Te = Re{E_int conj(I)}: dTe = Re{conj(I) dE_int + conj(E_int) dI}
  const double omega = std::max(1.0 - e.s, 0.0);
  const double dtm_ds = (p_.e_trq == 0.0 || omega <= 0.0) ? 0.0 : -p_.e_trq * tm0_ * std::pow(omega, p_.e_trq - 1.0);
  j.xx[ks][ks] += dtm_ds / (2.0 * p_.h);
  putGradient(j.xx, ks, ci, -(std::conj(e.i1) - std::conj(e.ei) * inv_z) / (2.0 * p_.h));
  const Complex dte_dv1 = std::conj(e.ei) * inv_z;
  for (std::size_t r = 0; r < stateCount(); ++r) j.xx[r][r] -= cj;  // f = g - x'
  // Port voltage columns and port current rows.
  const double k = connectedFraction();
  for (std::size_t m = 0; m < ports_; ++m) {
    const Complex c1 = ports_ == 1 ? Complex{1.0, 0.0} : kC1[m];
    put(j.xv, 0, 2 * m, detail::complexMul(dv1_rows[0] * c1));
    if (double_cage_) put(j.xv, 2, 2 * m, detail::complexMul(dv1_rows[1] * c1));
    putGradient(j.xv, ks, 2 * m, -dte_dv1 * c1 / (2.0 * p_.h));
    const Complex r1 = ports_ == 1 ? Complex{1.0, 0.0} : kR1[m];
    put(j.ix, 2 * m, ci, detail::complexMul(-k * r1 * inv_z));
    for (std::size_t n = 0; n < ports_; ++n) {
      const Complex dv = ports_ == 1 ? k * inv_z : k * (kR1[m] * kC1[n] * inv_z + kR2[m] * kC2[n] * inv_z);
      put(j.iv, 2 * m, 2 * n, detail::complexMul(dv));
    }
  }
  const int nx = static_cast<int>(stateCount()), nv = static_cast<int>(2 * ports_);
  const auto u = [](int a) { return static_cast<std::size_t>(a); };
  for (int r = 0; r < nx; ++r) {
    for (int c = 0; c < nx; ++c) sink.add(dae::Block::XX, r, c, j.xx[u(r)][u(c)]);
    for (int c = 0; c < nv; ++c) sink.add(dae::Block::XV, r, c, j.xv[u(r)][u(c)]);
  }
  for (int r = 0; r < nv; ++r) {
    for (int c = static_cast<int>(ci); c < static_cast<int>(ci) + 2; ++c)
      sink.add(dae::Block::IX, r, c, j.ix[u(r)][u(c)]);
    for (int c = 0; c < nv; ++c) sink.add(dae::Block::IV, r, c, j.iv[u(r)][u(c)]);
  }
}

// Smallest s > 0 with P(s) = |V1|^2 Re{1/conj Z(s)} = p_target (stable branch).
double InductionMotor::solveSlip(double p_target, double v1_mag) const {
  auto pw = [&](double s) { return v1_mag * v1_mag * (1.0 / std::conj(steadyStateImpedance(s))).real(); };
  if (pw(0.0) > p_target) {
    throw core::ModelError(name_, "motor no-load loss " + std::to_string(pw(0.0)) + " pu exceeds the allocated P " +
                                      std::to_string(p_target) + " pu");
  }
  double lo = 0.0, hi = -1.0, p_max = 0.0;
  for (int n = 1; n <= 2000; ++n) {
    const double s = 5e-4 * n;
    const double ps = pw(s);
    p_max = std::max(p_max, ps);
    if (ps >= p_target) {
      hi = s;
      break;
    }
    lo = s;
  }
  if (hi < 0.0) {
    throw core::ModelError(name_, "allocated P " + std::to_string(p_target) +
                                      " pu exceeds the motor's pull-out power " + std::to_string(p_max) +
                                      " pu at |V| = " + std::to_string(v1_mag) + " pu");
  }
  for (int it = 0; it < 200 && hi - lo > 1e-15; ++it) {
    const double mid = 0.5 * (lo + hi);
    (pw(mid) < p_target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void InductionMotor::initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) {
  if (op.size() != ports_) throw core::ModelError(name_, "induction motor: one operating point per port expected");
  std::vector<double> v0(2 * ports_);
  double p_target = 0.0;
  for (std::size_t k = 0; k < ports_; ++k) {
    v0[2 * k] = op[k].v0.real();
    v0[2 * k + 1] = op[k].v0.imag();
    p_target += op[k].s0.real() / static_cast<double>(ports_);  // total P, pu on the motor base
  }
  uv_ = {};
  std::vector<double> zero(stateCount(), 0.0);
  Eval e = evaluate(zero, v0);
  p_target -= (e.v2 * std::conj(e.i2)).real();  // negative-sequence loss
  s0_ = solveSlip(p_target, std::abs(e.v1));
  const double xx = p_.l_s - p_.l_p, yy = p_.l_p - p_.l_pp;
  const Complex i = e.v1 / steadyStateImpedance(s0_);
  const Complex e1 = kJ * xx * i / (1.0 + kJ * omega0_ * s0_ * p_.t_po);  // dE'/dt = 0
  x[0] = e1.real();
  x[1] = e1.imag();
  Complex ei = e1;
  if (double_cage_) {
    ei = e1 + kJ * yy * i / (1.0 + kJ * omega0_ * s0_ * p_.t_ppo);  // dE''/dt = 0
    x[2] = ei.real();
    x[3] = ei.imag();
  }
  x[slipIndex()] = s0_;
  const double te0 = (ei * std::conj(i)).real();
  tm0_ = p_.e_trq == 0.0 ? te0 : te0 / std::pow(1.0 - s0_, p_.e_trq);  // ds/dt = 0
  // A start below a trip level arms that timer at t = 0.
  if (watchedVoltage(v0) < p_.uv1.v_trip) uv_[0] = {.tripped = false, .armed = true, .t_start = 0.0};
  if (watchedVoltage(v0) < p_.uv2.v_trip) uv_[1] = {.tripped = false, .armed = true, .t_start = 0.0};
  // What the machine draws there (Q is what it is; the composite balances it).
  std::vector<double> cur(2 * ports_), f(stateCount());
  std::vector<double> xs(x.begin(), x.end()), xd(stateCount(), 0.0);
  residual(dae::Context{}, xs, xd, v0, f, cur);
  s_init_ports_.assign(ports_, {});
  s_init_ = {};
  for (std::size_t k = 0; k < ports_; ++k) {
    s_init_ports_[k] = op[k].v0 * std::conj(Complex{cur[2 * k], cur[2 * k + 1]});
    s_init_ += s_init_ports_[k] / static_cast<double>(ports_);
  }
}

void InductionMotor::roots(const dae::Context& ctx, std::span<const double> /*x*/, std::span<const double> v,
                           std::span<double> g) const {
  const double vm = watchedVoltage(v);
  const std::array<const UvTripStage*, 2> par{&p_.uv1, &p_.uv2};
  for (std::size_t n = 0; n < 2; ++n) {
    const UvState& st = uv_[n];
    g[2 * n] = vm - (st.tripped ? par[n]->v_reconnect : par[n]->v_trip);
    const double period = st.tripped ? par[n]->t_reconnect : par[n]->t_trip;
    g[2 * n + 1] = (st.armed && std::isfinite(period)) ? ctx.t - st.t_start - period : -1.0;
  }
}

// One stage: the voltage root arms or disarms the timer, the timer root trips or reconnects.
bool InductionMotor::applyStageRoot(UvState& st, const UvTripStage& par, double t, double vm, int fired_v,
                                    int fired_t) {
  bool changed = false;
  if (fired_t > 0 && st.armed) {
    st.tripped = !st.tripped;
    st.armed = false;
    changed = true;
    // the new watch may already hold
    const bool holds = st.tripped ? vm > par.v_reconnect : vm < par.v_trip;
    if (holds) st = {.tripped = st.tripped, .armed = true, .t_start = t};
  } else if (fired_v != 0) {
    const bool watch_below = !st.tripped;  // trip watch: V below v_trip; reconnect watch: V above
    const bool starts = watch_below ? fired_v < 0 : fired_v > 0;
    st.armed = starts;
    st.t_start = t;
  }
  const double period = st.tripped ? par.t_reconnect : par.t_trip;
  if (st.armed && period <= 0.0) {  // zero delay acts at once
    st.tripped = !st.tripped;
    st.armed = false;
    changed = true;
  }
  return changed;
}

bool InductionMotor::onRoot(const dae::Context& ctx, std::span<double> /*x*/, std::span<const double> v,
                            std::span<const int> fired) {
  const double vm = watchedVoltage(v);
  bool changed = applyStageRoot(uv_[0], p_.uv1, ctx.t, vm, fired[0], fired[1]);
  changed = applyStageRoot(uv_[1], p_.uv2, ctx.t, vm, fired[2], fired[3]) || changed;
  return changed;
}

namespace {

std::unique_ptr<dae::Device> makeMotor(const DeviceSpec& spec, InductionMotorParameters p) {
  requirePorts(spec, {1, 3});
  ParameterReader r(spec);
  double f0 = 60.0;
  r.read("f0", f0);
  r.read("lf_m", p.lf_m), r.read("r_s", p.r_s), r.read("l_s", p.l_s), r.read("l_p", p.l_p);
  r.read("l_pp", p.l_pp), r.read("t_po", p.t_po), r.read("t_ppo", p.t_ppo), r.read("h", p.h);
  r.read("e_trq", p.e_trq);
  for (auto [prefix, st] : {std::pair{"uv1.", &p.uv1}, std::pair{"uv2.", &p.uv2}}) {
    const std::string s = prefix;
    r.read(s + "v_trip", st->v_trip), r.read(s + "t_trip", st->t_trip), r.read(s + "f_trip", st->f_trip);
    r.read(s + "v_reconnect", st->v_reconnect), r.read(s + "t_reconnect", st->t_reconnect);
  }
  r.finish();
  return std::make_unique<InductionMotor>(spec.name, p, spec.ports, 2.0 * 3.14159265358979323846 * f0, spec.kind);
}

[[maybe_unused]] const bool kMotorA = registerDeviceKind(
    "motor_a", [](const DeviceSpec& s) { return makeMotor(s, InductionMotorParameters::setWMotorA()); });
[[maybe_unused]] const bool kMotorB = registerDeviceKind(
    "motor_b", [](const DeviceSpec& s) { return makeMotor(s, InductionMotorParameters::setWMotorB()); });
[[maybe_unused]] const bool kMotorC = registerDeviceKind(
    "motor_c", [](const DeviceSpec& s) { return makeMotor(s, InductionMotorParameters::setWMotorC()); });

}  // namespace

}  // namespace feederlab::loads
