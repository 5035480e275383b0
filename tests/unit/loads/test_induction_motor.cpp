// InductionMotor (motors A/B/C): hand-computed residual, initialization from the model's own
// steady state, Jacobian vs central differences, validation, UV trip/reconnect timing, and a
// start and a sag recovery against an RK4 integration of explicit ODEs written here from
// load-models.md 3.2 (no device code is called by the reference).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <numbers>

#include "device_test_support.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/loads/induction_motor.hpp"
#include "feederlab/loads/registry.hpp"
#include "implicit_driver.hpp"

using namespace feederlab;
using loads::InductionMotor;
using loads::InductionMotorParameters;
using Complex = std::complex<double>;

namespace {

constexpr double kW0 = 2.0 * std::numbers::pi * 60.0;

std::vector<double> parts(std::initializer_list<Complex> vs) {
  std::vector<double> out;
  for (Complex v : vs) out.push_back(v.real()), out.push_back(v.imag());
  return out;
}

InductionMotorParameters noTrips(InductionMotorParameters p) {
  p.uv1 = {.v_trip = 0.0, .t_trip = 0.02, .f_trip = 0.0, .v_reconnect = 1.0, .t_reconnect = loads::kNever};
  p.uv2 = p.uv1;
  return p;
}

// ---- Reference model, written from load-models.md 3.2 in real components ----
struct RefMotor {
  double rs, ls, lp, lpp, tpo, tppo, h, etrq, tm0;
  bool dbl;
};
using Y = std::array<double, 5>;  // E'r, E'm, E''r, E''m, s

Complex refCurrent(const RefMotor& m, const Y& y, Complex v) {
  const Complex e_int = m.dbl ? Complex{y[2], y[3]} : Complex{y[0], y[1]};
  return (v - e_int) / Complex{m.rs, m.dbl ? m.lpp : m.lp};  // V = (Rs + jX) I + E
}

Y refRhs(const RefMotor& m, const Y& y, Complex v) {
  const Complex i = refCurrent(m, y, v);
  const double ir = i.real(), im = i.imag(), s = y[4];
  Y d{};
  d[0] = kW0 * s * y[1] - (y[0] + (m.ls - m.lp) * im) / m.tpo;   // dE'r/dt
  d[1] = -kW0 * s * y[0] - (y[1] - (m.ls - m.lp) * ir) / m.tpo;  // dE'm/dt
  double er = y[0], ei = y[1];
  if (m.dbl) {
    d[2] = d[0] - kW0 * s * (y[1] - y[3]) + (y[0] - y[2] - (m.lp - m.lpp) * im) / m.tppo;  // dE''r/dt
    d[3] = d[1] + kW0 * s * (y[0] - y[2]) + (y[1] - y[3] + (m.lp - m.lpp) * ir) / m.tppo;  // dE''m/dt
    er = y[2], ei = y[3];
  }
  const double te = er * ir + ei * im;  // Re{E I*}
  const double tm = m.tm0 * std::pow(std::max(1.0 - s, 0.0), m.etrq);
  d[4] = (tm - te) / (2.0 * m.h);
  return d;
}

Y rk4Step(const RefMotor& m, const Y& y, Complex v, double h) {
  auto add = [](const Y& a, const Y& b, double k) {
    Y r;
    for (std::size_t n = 0; n < 5; ++n) r[n] = a[n] + k * b[n];
    return r;
  };
  const Y k1 = refRhs(m, y, v), k2 = refRhs(m, add(y, k1, h / 2), v), k3 = refRhs(m, add(y, k2, h / 2), v),
          k4 = refRhs(m, add(y, k3, h), v);
  Y r;
  for (std::size_t n = 0; n < 5; ++n) r[n] = y[n] + h / 6.0 * (k1[n] + 2 * k2[n] + 2 * k3[n] + k4[n]);
  return r;
}

RefMotor refOf(const InductionMotorParameters& p, double tm0) {
  return {p.r_s, p.l_s, p.l_p, p.l_pp, p.t_po, p.t_ppo, p.h, p.e_trq, tm0, p.l_pp < p.l_p && p.t_ppo > 0};
}

// Compares the device (trapezoid driver, step h_dev) with RK4 (step h_ref) under v(t), samples
// every 1 ms; returns the largest |difference| of states and port current (pu).
double compareWithRk4(InductionMotor& dev, const RefMotor& ref, std::vector<double> x0, Y y0,
                      const std::function<double(double)>& vmag, double t_end, double h_dev, double h_ref) {
  loads::testing::TrapezoidDriver drv(
      dev,
      [&](double t) {
        return std::vector<double>{vmag(t), 0.0};
      },
      x0);
  Y y = y0;
  double t_ref = 0.0, worst = 0.0;
  const int samples = static_cast<int>(std::lround(t_end / 1e-3));
  for (int k = 1; k <= samples; ++k) {
    const double ts = k * 1e-3;
    drv.advanceTo(ts, h_dev);
    while (t_ref < ts - 1e-12) {
      y = rk4Step(ref, y, vmag(t_ref + h_ref / 2), h_ref);
      t_ref += h_ref;
    }
    const auto& x = drv.x();
    const std::size_t ks = dev.doubleCage() ? 4 : 2;
    worst = std::max({worst, std::abs(x[0] - y[0]), std::abs(x[1] - y[1]), std::abs(x[ks] - y[4])});
    if (dev.doubleCage()) worst = std::max({worst, std::abs(x[2] - y[2]), std::abs(x[3] - y[3])});
    const auto i = drv.currents();
    const Complex iref = refCurrent(ref, y, vmag(ts - 1e-11));
    worst = std::max({worst, std::abs(i[0] - iref.real()), std::abs(i[1] - iref.imag())});
    if (std::getenv("FEEDERLAB_DEBUG_RK4") && k % 20 == 0)
      MESSAGE(ts << " s dev " << x[ks] << " ref " << y[4] << " e1 " << x[0] << " " << y[0]);
  }
  return worst;
}

}  // namespace

TEST_CASE("induction motor: residual against hand-computed values (single cage)") {
  auto p = InductionMotorParameters::setWMotorA();
  p.l_pp = p.l_p;  // single cage
  InductionMotor m("M1", p);
  REQUIRE_FALSE(m.doubleCage());
  m.setLoadTorque(0.7);
  // x = E' = 0.3 + j0.8, s = 0.05, v = 1: I = (1 - E')/(0.04 + j0.12) = -4.25 - j7.25;
  // dE'/dt = -j w0 s E' - (E' - j1.68 I)/0.095 = 140.13227631617838 - j89.23381414488269;
  // Te = Re{E' conj I} = -7.075, ds/dt = (0.7 + 7.075)/0.2 = 38.875.
  const std::vector<double> x{0.3, 0.8, 0.05}, xd{0.0, 0.0, 0.0}, v{1.0, 0.0};
  const auto e = loads::testing::evaluate(m, {}, x, xd, v);
  CHECK(e.f[0] == doctest::Approx(140.13227631617838).epsilon(1e-12));
  CHECK(e.f[1] == doctest::Approx(-89.23381414488269).epsilon(1e-12));
  CHECK(e.f[2] == doctest::Approx(38.875).epsilon(1e-12));
  CHECK(e.i[0] == doctest::Approx(-4.25).epsilon(1e-12));
  CHECK(e.i[1] == doctest::Approx(-7.25).epsilon(1e-12));
  // Residual form f = g - x'.
  const std::vector<double> xd2{1.0, 2.0, 3.0};
  const auto e2 = loads::testing::evaluate(m, {}, x, xd2, v);
  CHECK(e2.f[2] == doctest::Approx(35.875).epsilon(1e-12));
}

TEST_CASE("induction motor: initialization from the model's own steady state (Set W motor A)") {
  InductionMotor m("M2", InductionMotorParameters::setWMotorA());
  const dae::PortOperatingPoint op{Complex{1.0, 0.0}, Complex{0.75, 0.0}};
  std::vector<double> x(5);
  m.initialize({&op, 1}, x);
  // load-models.md 3.2: model equilibrium slip 0.0412 (equivalent-circuit slip 0.0282).
  CHECK(m.initialSlip() == doctest::Approx(0.0412).epsilon(0.01));
  const std::vector<double> xd(5, 0.0), v{1.0, 0.0};
  const auto e = loads::testing::evaluate(m, {}, x, xd, v);
  CHECK(loads::testing::maxAbs(e.f) < 1e-12);
  const Complex s = Complex{1.0, 0.0} * std::conj(Complex{e.i[0], e.i[1]});
  CHECK(s.real() == doctest::Approx(0.75).epsilon(1e-12));
  CHECK(std::abs(m.initialPower() - s) < 1e-13);
  MESSAGE("motor A at P 0.75, V 1: s0 " << m.initialSlip() << ", Q " << s.imag());
  // Single cage, Etrq 2, at an off-nominal voltage and angle.
  auto p = InductionMotorParameters::setWMotorB();
  p.l_pp = p.l_p;
  InductionMotor m1("M3", p);
  const dae::PortOperatingPoint op1{std::polar(0.96, -0.4), Complex{0.7, 0.1}};
  std::vector<double> x1(3);
  m1.initialize({&op1, 1}, x1);
  const std::vector<double> xd1(3, 0.0), v1{op1.v0.real(), op1.v0.imag()};
  const auto e1 = loads::testing::evaluate(m1, {}, x1, xd1, v1);
  CHECK(loads::testing::maxAbs(e1.f) < 1e-12);
  CHECK((op1.v0 * std::conj(Complex{e1.i[0], e1.i[1]})).real() == doctest::Approx(0.7).epsilon(1e-12));
  // More than the pull-out power: an error naming the motor.
  const dae::PortOperatingPoint heavy{Complex{0.5, 0.0}, Complex{2.0, 0.0}};
  CHECK_THROWS_AS(m.initialize({&heavy, 1}, x), core::ModelError);
}

TEST_CASE("induction motor: three ports - balanced equals one port - unbalanced matches total P") {
  const auto p = InductionMotorParameters::setWMotorA();
  InductionMotor m1("M4", p, 1), m3("M5", p, 3);
  const Complex a2 = std::polar(1.0, -2.0 * std::numbers::pi / 3.0), a = std::conj(a2);
  const dae::PortOperatingPoint op1{Complex{1.0, 0.0}, Complex{0.75, 0.0}};
  const std::array<dae::PortOperatingPoint, 3> op3{{{1.0, 0.75}, {a2, 0.75}, {a, 0.75}}};
  std::vector<double> x1(5), x3(5);
  m1.initialize({&op1, 1}, x1);
  m3.initialize(op3, x3);
  CHECK(m3.initialSlip() == doctest::Approx(m1.initialSlip()).epsilon(1e-12));
  const std::vector<double> xd(5, 0.0);
  const auto e1 = loads::testing::evaluate(m1, {}, x1, xd, parts({1.0}));
  const auto e3 = loads::testing::evaluate(m3, {}, x3, xd, parts({1.0, a2, a}));
  const Complex i1{e1.i[0], e1.i[1]};
  CHECK(std::abs(Complex{e3.i[0], e3.i[1]} - i1) < 1e-12);
  CHECK(std::abs(Complex{e3.i[2], e3.i[3]} - a2 * i1) < 1e-12);
  CHECK(std::abs(Complex{e3.i[4], e3.i[5]} - a * i1) < 1e-12);
  // Unbalanced: the total P is matched, derivatives are zero, per-port powers are reported.
  const std::array<dae::PortOperatingPoint, 3> opu{
      {{std::polar(1.0, 0.0), 0.75}, {std::polar(0.95, -2.06), 0.75}, {std::polar(1.02, 2.11), 0.75}}};
  m3.initialize(opu, x3);
  const auto eu = loads::testing::evaluate(m3, {}, x3, xd, parts({opu[0].v0, opu[1].v0, opu[2].v0}));
  CHECK(loads::testing::maxAbs(eu.f) < 1e-12);
  Complex total{};
  for (std::size_t k = 0; k < 3; ++k) total += opu[k].v0 * std::conj(Complex{eu.i[2 * k], eu.i[2 * k + 1]}) / 3.0;
  CHECK(total.real() == doctest::Approx(0.75).epsilon(1e-12));
  CHECK(std::abs(total - m3.initialPower()) < 1e-12);
  CHECK(m3.initialPortPowers().size() == 3);
}

TEST_CASE("induction motor: analytic Jacobian matches central differences") {
  double worst = 0.0;
  auto check = [&](InductionMotor& m, const std::vector<double>& x, const std::vector<double>& v) {
    const std::vector<double> xd(m.stateCount(), 0.2);
    for (double cj : {0.0, 30.0, 5e4}) {
      const auto chk = loads::testing::checkJacobian(m, {}, x, xd, v, cj);
      INFO(m.name() << " cj " << cj << ": " << chk.report());
      CHECK(chk.ok());
      worst = std::max(worst, chk.max_rel_error);
    }
  };
  InductionMotor a("A", InductionMotorParameters::setWMotorA());
  a.setLoadTorque(0.74);
  const auto v1 = parts({std::polar(1.0, 0.1)}), vlow = parts({std::polar(0.4, 0.35)});
  check(a, {0.7, 0.2, 0.6, 0.3, 0.04}, v1);     // near the operating point
  check(a, {0.2, 0.1, 0.15, 0.12, 0.3}, vlow);  // low voltage
  check(a, {0.05, 0.02, 0.04, 0.01, 1.0}, v1);  // stalled
  a.setUvState(0, {.tripped = true});           // partially tripped
  check(a, {0.7, 0.2, 0.6, 0.3, 0.04}, vlow);
  a.setUvState(1, {.tripped = true});  // both stages tripped: 0.1 left
  check(a, {0.7, 0.2, 0.6, 0.3, 0.6}, vlow);
  InductionMotor b("B", InductionMotorParameters::setWMotorB());  // Etrq 2
  b.setLoadTorque(0.8);
  check(b, {0.5, -0.3, 0.45, -0.2, 0.5}, v1);  // high slip
  check(b, {0.1, 0.0, 0.1, 0.0, 1.3}, v1);     // reversed rotation, Tm = 0 branch
  auto ps = InductionMotorParameters::setWMotorC();
  ps.l_pp = ps.l_p;  // single cage
  InductionMotor c("C1", ps);
  c.setLoadTorque(0.6);
  check(c, {0.6, 0.4, 0.25}, v1);
  InductionMotor c3("C3", InductionMotorParameters::setWMotorC(), 3);  // three ports, unbalanced
  c3.setLoadTorque(0.6);
  const auto vu = parts({std::polar(0.9, 0.2), std::polar(0.7, -1.9), std::polar(1.05, 2.2)});
  check(c3, {0.6, 0.4, 0.55, 0.42, 0.08}, vu);
  c3.setUvState(1, {.tripped = true});
  check(c3, {0.6, 0.4, 0.55, 0.42, 0.9}, vu);
  MESSAGE("induction motor Jacobian max rel error " << worst);
}

TEST_CASE("induction motor: validate lists every problem - registry kinds") {
  InductionMotorParameters p;
  p.l_s = 0.1;   // < l_p
  p.l_pp = 0.2;  // > l_p
  p.h = 0.0;
  p.uv1.f_trip = 0.6;       // 0.6 + 0.7 > 1
  p.uv2.v_reconnect = -0.1;  // < 0
  const auto problems = p.validate();
  CHECK(problems.size() == 5);
  InductionMotorParameters low_reconnect;  // Dynawo motor-A stage 1: reconnect level below trip level
  low_reconnect.uv1 = {.v_trip = 0.65, .t_trip = 0.1, .f_trip = 0.2, .v_reconnect = 0.1, .t_reconnect = 9999.0};
  CHECK(low_reconnect.validate().empty());
  CHECK_THROWS_AS(InductionMotor("bad", p), core::ModelError);
  CHECK(InductionMotorParameters::setWMotorA().validate().empty());
  CHECK(InductionMotorParameters::setWMotorB().validate().empty());
  CHECK(InductionMotorParameters::setWMotorC().validate().empty());
  auto& reg = loads::DeviceRegistry::instance();
  for (const char* k : {"motor_a", "motor_b", "motor_c"}) {
    auto d = reg.create({.kind = k, .name = std::string("m_") + k, .ports = 3});
    CHECK(d->kind() == k);
    CHECK(d->portCount() == 3);
    CHECK(d->stateCount() == 5);
  }
  auto d = reg.create({.kind = "motor_b", .name = "mb", .parameters = {{"l_pp", 0.19}, {"uv1.f_trip", 0.1}}});
  auto* mb = dynamic_cast<InductionMotor*>(d.get());
  REQUIRE(mb != nullptr);
  CHECK(mb->stateCount() == 3);
  CHECK(mb->parameters().uv1.f_trip == 0.1);
  CHECK(mb->parameters().h == 0.5);
  CHECK_THROWS_AS(reg.create({.kind = "motor_a", .name = "m2", .ports = 2}), core::ModelError);
  CHECK_THROWS_AS(reg.create({.kind = "motor_a", .name = "m3", .parameters = {{"uv3.f_trip", 0.1}}}), core::ModelError);
}

TEST_CASE("induction motor: UV trip after Ttr below Vtr - not for shorter - reconnect after Trc") {
  const dae::PortOperatingPoint op{Complex{1.0, 0.0}, Complex{0.75, 0.0}};
  auto run = [&](const InductionMotorParameters& p, std::function<double(double)> vmag, double t_end) {
    auto m = std::make_unique<InductionMotor>("UV", p);
    std::vector<double> x(m->stateCount());
    m->initialize({&op, 1}, x);
    loads::testing::TrapezoidDriver drv(
        *m,
        [vmag](double t) {
          return std::vector<double>{vmag(t), 0.0};
        },
        x);
    std::vector<std::pair<double, double>> changes;  // (time, connected fraction) after each change
    double k = m->connectedFraction();
    while (drv.t() < t_end - 1e-9) {
      drv.advanceTo(std::min(t_end, drv.t() + 1e-3), 1e-4);
      if (m->connectedFraction() != k) {
        k = m->connectedFraction();
        changes.emplace_back(drv.events().back().t, k);
      }
    }
    return changes;
  };
  // Motor A, stage 1 (Vtr1 0.7, Ttr1 0.02 s, Ftr1 0.2, Trc1 never): 0.65 pu from 0.1 s.
  const auto a = InductionMotorParameters::setWMotorA();
  auto longer = run(
      a, [](double t) { return t >= 0.1 && t < 0.13 ? 0.65 : 1.0; }, 0.5);
  REQUIRE(longer.size() == 1);
  CHECK(longer[0].first == doctest::Approx(0.12).epsilon(1e-9));
  CHECK(longer[0].second == doctest::Approx(0.8));
  auto shorter = run(
      a, [](double t) { return t >= 0.1 && t < 0.118 ? 0.65 : 1.0; }, 0.5);
  CHECK(shorter.empty());
  // Motor B, stage 1 (Vtr1 0.6, Ttr1 0.02, Ftr1 0.2, Vrc1 0.75, Trc1 0.05): 0.55 pu 0.1-0.15 s.
  auto rec = run(
      InductionMotorParameters::setWMotorB(), [](double t) { return t >= 0.1 && t < 0.15 ? 0.55 : 1.0; }, 0.5);
  REQUIRE(rec.size() == 2);
  CHECK(rec[0].first == doctest::Approx(0.12).epsilon(1e-9));
  CHECK(rec[0].second == doctest::Approx(0.8));
  CHECK(rec[1].first == doctest::Approx(0.20).epsilon(1e-9));
  CHECK(rec[1].second == doctest::Approx(1.0));
  // Stage 2 of motor A (Vtr2 0.5, Ftr2 0.7, Vrc2 0.7, Trc2 0.1) with stage 1: 0.45 pu 0.1-0.2 s.
  auto both = run(
      a, [](double t) { return t >= 0.1 && t < 0.2 ? 0.45 : 1.0; }, 0.6);
  REQUIRE(both.size() == 2);  // both trip at 0.12 (one event), stage 2 reconnects at 0.30
  CHECK(both[0].first == doctest::Approx(0.12).epsilon(1e-9));
  CHECK(both[0].second == doctest::Approx(0.1).epsilon(1e-12));
  CHECK(both[1].first == doctest::Approx(0.30).epsilon(1e-9));
  CHECK(both[1].second == doctest::Approx(0.8).epsilon(1e-12));
}

TEST_CASE("induction motor: start and sag recovery match RK4 of explicit ODEs within 1e-3 pu") {
  // Start: Set W motor C (double cage, H 0.1 s, Etrq 2), Tm0 0.6, from standstill at 1 pu.
  // Device: trapezoid, h = 2e-5 s; reference: RK4, h = 5e-6 s; 1 s, sampled every 1 ms.
  const auto pc = noTrips(InductionMotorParameters::setWMotorC());
  InductionMotor start("start", pc);
  start.setLoadTorque(0.6);
  const double d_start = compareWithRk4(
      start, refOf(pc, 0.6), {0, 0, 0, 0, 1.0}, Y{0, 0, 0, 0, 1.0}, [](double) { return 1.0; }, 1.0, 2e-5, 5e-6);
  MESSAGE("motor start: max |device - RK4| = " << d_start << " pu");
  CHECK(d_start < 1e-3);

  // Sag: Set W motor A at P 0.75, 1 pu; 0.7 pu from 0.1 s to 0.2 s; 1 s in all.
  const auto pa = noTrips(InductionMotorParameters::setWMotorA());
  InductionMotor sag("sag", pa);
  const dae::PortOperatingPoint op{Complex{1.0, 0.0}, Complex{0.75, 0.0}};
  std::vector<double> x0(5);
  sag.initialize({&op, 1}, x0);
  // The reference's own initial state from Z(s) (load-models.md 3.2), independent of the device.
  const RefMotor r0 = refOf(pa, 0.0);
  auto zOf = [&](double s) {
    const Complex j{0.0, 1.0};
    return Complex{r0.rs, r0.lpp} + j * (r0.ls - r0.lp) / (1.0 + j * kW0 * s * r0.tpo) +
           j * (r0.lp - r0.lpp) / (1.0 + j * kW0 * s * r0.tppo);
  };
  double lo = 1e-6, hi = 0.2;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    ((1.0 / std::conj(zOf(mid))).real() < 0.75 ? lo : hi) = mid;
  }
  const double s0 = 0.5 * (lo + hi);
  const Complex i0 = 1.0 / zOf(s0);
  const Complex j{0.0, 1.0};
  const Complex e1 = j * (r0.ls - r0.lp) * i0 / (1.0 + j * kW0 * s0 * r0.tpo);
  const Complex e2 = e1 + j * (r0.lp - r0.lpp) * i0 / (1.0 + j * kW0 * s0 * r0.tppo);
  const Y y0{e1.real(), e1.imag(), e2.real(), e2.imag(), s0};
  for (std::size_t n = 0; n < 5; ++n) CHECK(x0[n] == doctest::Approx(y0[n]).epsilon(1e-9));
  const double tm0 = (e2 * std::conj(i0)).real();
  CHECK(sag.loadTorque() == doctest::Approx(tm0).epsilon(1e-10));
  auto vsag = [](double t) { return t >= 0.1 && t < 0.2 ? 0.7 : 1.0; };
  const double d_sag = compareWithRk4(sag, refOf(pa, tm0), x0, y0, vsag, 1.0, 2e-5, 5e-6);
  MESSAGE("sag recovery: max |device - RK4| = " << d_sag << " pu");
  CHECK(d_sag < 1e-3);
}
