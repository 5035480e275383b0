// Unit tests with hand-computed answers and hand-built feeders.
#include <doctest/doctest.h>

#include "feederlab/core/error.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "paths.hpp"
#include "pf_test_support.hpp"

using namespace feederlab;
using test::Complex;

namespace {

// Source -> 3-phase line without mutual coupling -> wye load.
model::Feeder tinyFeeder(model::LoadModel lm) {
  model::Feeder f;
  model::Source s;
  s.name = "src";
  s.bus1 = test::term(f, "a", {1, 2, 3});
  s.base_kv = 12.47;
  s.z1_ohm = s.z0_ohm = Complex(0.1, 0.5);
  f.sources.push_back(s);
  model::Line l;
  l.name = "l1";
  l.bus1 = test::term(f, "a", {1, 2, 3});
  l.bus2 = test::term(f, "b", {1, 2, 3});
  l.impedance.z_per_length = test::lowerTri(3, {0.3, 0, 0.3, 0, 0, 0.3}, {0.6, 0, 0.6, 0, 0, 0.6});
  l.impedance.y_per_length = core::CMatrix(3);
  f.lines.push_back(l);
  model::Load ld;
  ld.name = "ld";
  ld.bus1 = test::term(f, "b", {1, 2, 3, 0});
  ld.kv = 12.47;
  ld.kw = 3000;
  ld.kvar = 1000;
  ld.model = lm;
  f.loads.push_back(ld);
  f.settings.controls_off = true;
  for (auto& b : f.buses) b.kv_base_ll = 12.47;
  return f;
}

}  // namespace

TEST_CASE("constant-impedance load matches the voltage divider") {
  const auto f = tinyFeeder(model::LoadModel::ConstZ);
  const auto r = powerflow::solvePowerFlow(f);
  const double vln = core::lnVolts(12.47);
  const Complex zl = std::conj(vln * vln / Complex(1e6, 1e6 / 3));  // per phase
  const Complex zs(0.1, 0.5), zline(0.3, 0.6);
  for (int ph = 0; ph < 3; ++ph) {
    const Complex e = std::polar(vln, core::degToRad(-120.0 * ph));
    const Complex expected = e * zl / (zs + zline + zl);
    const Complex got = *r.voltage(f.findBus("b").value(), ph + 1);
    CHECK(std::abs(got - expected) / vln < 1e-10);
  }
}

TEST_CASE("constant-PQ load draws its nominal power and the balance closes") {
  const auto f = tinyFeeder(model::LoadModel::ConstPQ);
  const auto r = powerflow::solvePowerFlow(f);
  CHECK(r.load_power.real() == doctest::Approx(3e6).epsilon(1e-9));
  CHECK(r.load_power.imag() == doctest::Approx(1e6).epsilon(1e-9));
  Complex src{};
  for (const auto& p : r.source_power[0]) src += p;
  const Complex balance = src - r.load_power - r.losses - r.shunt_power;
  CHECK(std::abs(balance) / std::abs(src) < 1e-6);
  // Line losses by hand: |I|^2 R per phase with I = conj(S/V) at the load.
  double expected = 0;
  for (const auto& lf : r.loads)
    for (const auto& i : lf.current) expected += std::norm(i) * 0.3;
  CHECK(r.losses.real() == doctest::Approx(expected).epsilon(1e-9));
}

TEST_CASE("non-convergence throws a NumericalError naming nodes") {
  const auto f = tinyFeeder(model::LoadModel::ConstPQ);
  powerflow::Options o;
  o.max_iterations = 1;
  o.tolerance = 1e-15;
  try {
    powerflow::solvePowerFlow(f, o);
    FAIL("expected a NumericalError");
  } catch (const core::NumericalError& e) {
    CHECK(std::string(e.what()).find("worst nodes") != std::string::npos);
    CHECK(std::string(e.what()).find("b.") != std::string::npos);
  }
}

TEST_CASE("center-tapped service transformer gives 120/240 V with opposite halves") {
  model::Feeder f;
  model::Source s;
  s.name = "src";
  s.bus1 = test::term(f, "p", {1, 2, 3});
  s.base_kv = 12.47;
  s.z1_ohm = s.z0_ohm = Complex(0.01, 0.05);
  f.sources.push_back(s);
  model::Transformer t;
  t.name = "ct";
  t.phases = 1;
  model::Winding w1, w2, w3;
  w1.terminal = test::term(f, "p", {1, 0});
  w1.kv = 7.2;
  w2.terminal = test::term(f, "s", {1, 0});
  w2.kv = 0.12;
  w3.terminal = test::term(f, "s", {0, 2});
  w3.kv = 0.12;
  for (auto* w : {&w1, &w2, &w3}) w->kva = 25, w->r_pct = 0.6;
  t.windings = {w1, w2, w3};
  t.xhl_pct = 2.04, t.xht_pct = 2.04, t.xlt_pct = 1.36;
  f.transformers.push_back(t);
  f.settings.controls_off = true;
  const auto r = powerflow::solvePowerFlow(f);
  const auto bus = f.findBus("s").value();
  const Complex v1 = *r.voltage(bus, 1), v2 = *r.voltage(bus, 2);
  const Complex vp = *r.voltage(f.findBus("p").value(), 1);
  CHECK(std::abs(v1 - vp * (0.12 / 7.2)) < 1e-3);
  CHECK(std::abs(v1 + v2) < 1e-3);
}

TEST_CASE("IEEE 13 (hand-built - published taps) matches OpenDSS within 1e-4 pu") {
  const auto f = test::ieee13Hand();
  const auto r = powerflow::solvePowerFlow(f);
  const auto ref =
      test::readReference(test::sharedFeeder("ieee13/reference/opendss_solution/ieee13__published_taps.csv").string());
  const auto a = test::compare(f, r, ref);
  INFO("max dV ", a.max_dv_pu, " at ", a.worst_v, "; max dAngle ", a.max_dang_deg, " at ", a.worst_a);
  MESSAGE("ieee13 published taps: max dV ", a.max_dv_pu, " pu, max dAngle ", a.max_dang_deg, " deg, ", r.iterations,
          " iterations");
  CHECK(a.missing == 0);
  CHECK(a.compared == static_cast<int>(ref.size()));
  CHECK(a.max_dv_pu < 1e-4);
  CHECK(a.max_dang_deg < 0.05);
  Complex src{};
  for (const auto& p : r.source_power[0]) src += p;
  CHECK(src.real() / 1000 == doctest::Approx(3577.9722).epsilon(1e-4));
  CHECK(r.losses.real() / 1000 == doctest::Approx(110.4978).epsilon(1e-3));
  CHECK(std::abs(src - r.load_power - r.losses - r.shunt_power) / std::abs(src) < 1e-6);
}

TEST_CASE("IEEE 13 (hand-built) under static controls reaches OpenDSS's taps") {
  auto f = test::ieee13Hand();
  for (auto& t : f.transformers) t.windings[1].tap = t.name.starts_with("reg") ? 1.0 : t.windings[1].tap;
  powerflow::Options o;
  o.controls = powerflow::ControlMode::Static;
  const auto r = powerflow::solvePowerFlow(f, o);
  CHECK(r.taps.at("reg1") == 9);
  CHECK(r.taps.at("reg2") == 6);
  CHECK(r.taps.at("reg3") == 9);
  CHECK(r.control_iterations == 3);
  const auto ref =
      test::readReference(test::sharedFeeder("ieee13/reference/opendss_solution/ieee13__controlled.csv").string());
  const auto a = test::compare(f, r, ref);
  INFO("max dV ", a.max_dv_pu, " at ", a.worst_v, "; max dAngle ", a.max_dang_deg, " at ", a.worst_a);
  CHECK(a.max_dv_pu < 1e-4);
  CHECK(a.max_dang_deg < 0.05);
}

TEST_CASE("rectangular form of the admittance matrix reproduces the complex product") {
  const auto f = test::ieee13Hand();
  powerflow::Network net(f);
  const auto y = net.admittance(false);
  const auto yr = powerflow::toRectangular(y);
  REQUIRE(yr.n == 2 * y.n);
  std::vector<Complex> v(static_cast<std::size_t>(y.n));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = Complex(1.0 + 0.01 * static_cast<double>(i), -0.5 + 0.003 * static_cast<double>(i));
  std::vector<Complex> ic(v.size());
  for (int c = 0; c < y.n; ++c)
    for (int k = y.col_ptr[static_cast<std::size_t>(c)]; k < y.col_ptr[static_cast<std::size_t>(c) + 1]; ++k)
      ic[static_cast<std::size_t>(y.row_idx[static_cast<std::size_t>(k)])] +=
          y.values[static_cast<std::size_t>(k)] * v[static_cast<std::size_t>(c)];
  std::vector<double> ir(static_cast<std::size_t>(yr.n));
  for (int c = 0; c < yr.n; ++c) {
    const Complex vc = v[static_cast<std::size_t>(c / 2)];
    const double x = c % 2 == 0 ? vc.real() : vc.imag();
    for (int k = yr.col_ptr[static_cast<std::size_t>(c)]; k < yr.col_ptr[static_cast<std::size_t>(c) + 1]; ++k)
      ir[static_cast<std::size_t>(yr.row_idx[static_cast<std::size_t>(k)])] +=
          yr.values[static_cast<std::size_t>(k)] * x;
  }
  double err = 0, scale = 0;
  for (std::size_t i = 0; i < ic.size(); ++i) {
    err = std::max(err, std::abs(Complex(ir[2 * i], ir[2 * i + 1]) - ic[i]));
    scale = std::max(scale, std::abs(ic[i]));
  }
  CHECK(err <= 1e-12 * scale);
}

TEST_CASE("a series reactor and a shunt reactor act as their impedances") {
  auto f = tinyFeeder(model::LoadModel::ConstZ);
  f.lines.clear();
  model::Reactor series;
  series.name = "xs";
  series.bus1 = test::term(f, "a", {1, 2, 3});
  series.bus2 = test::term(f, "b", {1, 2, 3});
  series.z = test::lowerTri(3, {0.3, 0, 0.3, 0, 0, 0.3}, {0.6, 0, 0.6, 0, 0, 0.6});
  f.reactors.push_back(series);
  const auto with_line = powerflow::solvePowerFlow(tinyFeeder(model::LoadModel::ConstZ));
  const auto with_reactor = powerflow::solvePowerFlow(f);
  const auto b = f.findBus("b").value();
  for (int ph = 1; ph <= 3; ++ph)
    CHECK(std::abs(*with_reactor.voltage(b, ph) - *with_line.voltage(b, ph)) < 1e-9 * core::lnVolts(12.47));
  // A shunt reactor of j100 ohm per phase draws V^2/100 var per phase.
  model::Reactor shunt;
  shunt.name = "xsh";
  shunt.bus1 = test::term(f, "b", {1, 2, 3, 0});
  shunt.z = test::lowerTri(3, {0, 0, 0, 0, 0, 0}, {100, 0, 100, 0, 0, 100});
  f.reactors.push_back(shunt);
  const auto r = powerflow::solvePowerFlow(f);
  double q = 0;
  for (int ph = 1; ph <= 3; ++ph) q += std::norm(*r.voltage(b, ph)) / 100.0;
  CHECK(r.shunt_power.imag() == doctest::Approx(q).epsilon(1e-9));
  CHECK(std::abs(r.shunt_power.real()) < 1e-6 * q);
}

TEST_CASE("a voltage CapControl closes an open bank when the PT voltage is below its on setting") {
  auto f = tinyFeeder(model::LoadModel::ConstPQ);
  f.loads[0].kw = 6000;  // heavy: the load bus sags well below 118 V on a 60:1 PT
  f.loads[0].kvar = 3000;
  model::Capacitor cap;
  cap.name = "c1";
  cap.bus1 = test::term(f, "b", {1, 2, 3, 0});
  cap.kv = 12.47;
  cap.kvar = {1200};
  cap.states = {0};
  f.capacitors.push_back(cap);
  model::CapControl cc;
  cc.name = "cc1";
  cc.capacitor = "c1";
  cc.element = "line.l1";
  cc.terminal = 2;
  cc.type = model::CapControlType::Voltage;
  cc.on_setting = 118;
  cc.off_setting = 126;
  cc.pt_ratio = 60;
  f.capcontrols.push_back(cc);
  powerflow::Options off;
  off.controls = powerflow::ControlMode::Off;
  const auto before = powerflow::solvePowerFlow(f, off);
  const auto b = f.findBus("b").value();
  REQUIRE(std::abs(*before.voltage(b, 1)) / 60.0 < 118.0);
  CHECK(before.capacitor_states.at("c1") == std::vector<int>{0});
  powerflow::Options on;
  on.controls = powerflow::ControlMode::Static;
  const auto after = powerflow::solvePowerFlow(f, on);
  CHECK(after.capacitor_states.at("c1") == std::vector<int>{1});
  CHECK(after.control_iterations == 2);
  CHECK(std::abs(*after.voltage(b, 1)) > std::abs(*before.voltage(b, 1)));
}
