// StaticLoad: hand-computed residuals, initialization, Jacobian vs central differences,
// parameter validation, constant impedance and registry creation.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "device_test_support.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/loads/registry.hpp"
#include "feederlab/loads/static_load.hpp"

using namespace feederlab;
using loads::StaticLoad;
using loads::StaticLoadParameters;
using Complex = std::complex<double>;

namespace {
std::vector<double> parts(Complex v) {
  return {v.real(), v.imag()};
}
Complex polar(double m, double deg) {
  return std::polar(m, deg * std::numbers::pi / 180.0);
}
}  // namespace

TEST_CASE("static load: residual against hand-computed values (Set W static group)") {
  StaticLoad load("L1", StaticLoadParameters{});
  const dae::PortOperatingPoint op{Complex{1.0, 0.0}, Complex{1.0, 1.0}};
  std::vector<double> none;
  load.initialize({&op, 1}, none);
  CHECK(load.nominalPower() == Complex{1.0, 1.0});  // multipliers are exactly 1 at V = 1
  // V = 0.9 at 30 deg: mP = 0.83*0.81 + 0.17*0.9 = 0.8253, mQ = -0.5*0.81 + 1.5*0.9 = 0.945,
  // i = conj(S / v) = 1.31914529527033 - j0.4508266739736607 (computed by hand/calculator).
  auto e = loads::testing::evaluate(load, {}, none, none, parts(polar(0.9, 30.0)));
  CHECK(e.i[0] == doctest::Approx(1.31914529527033).epsilon(1e-12));
  CHECK(e.i[1] == doctest::Approx(-0.4508266739736607).epsilon(1e-12));
  // Frequency 1.02 pu with q_frq = -1: Q x 0.98 -> i = 1.30864529527033 - j0.4326401404941875.
  dae::Context ctx;
  ctx.frequency_pu = 1.02;
  e = loads::testing::evaluate(load, ctx, none, none, parts(polar(0.9, 30.0)));
  CHECK(e.i[0] == doctest::Approx(1.30864529527033).epsilon(1e-12));
  CHECK(e.i[1] == doctest::Approx(-0.4326401404941875).epsilon(1e-12));
}

TEST_CASE("static load: initialization draws exactly s0 at v0") {
  StaticLoad load("L2", StaticLoadParameters{});
  const dae::PortOperatingPoint op{polar(0.95, -5.0), Complex{0.8, 0.3}};
  std::vector<double> none;
  load.initialize({&op, 1}, none);
  const auto e = loads::testing::evaluate(load, {}, none, none, parts(op.v0));
  const Complex s = op.v0 * std::conj(Complex{e.i[0], e.i[1]});
  CHECK(std::abs(s - op.s0) < 1e-13);
}

TEST_CASE("static load: analytic Jacobian matches central differences") {
  StaticLoadParameters p;
  p.p_frq = 1.5;
  p.p1e = 1.7;
  StaticLoad load("L3", p);
  load.setNominalPower({0.9, -0.4});
  std::vector<double> none;
  dae::Context ctx;
  ctx.frequency_pu = 1.01;
  double worst = 0.0;
  for (const Complex v : {polar(1.0, 0.0), polar(1.05, 40.0), polar(0.6, -120.0), polar(0.3, 10.0),
                          polar(0.05, 75.0) /* below v_zload */}) {
    const auto chk = loads::testing::checkJacobian(load, ctx, none, none, parts(v), 7.0);
    INFO(chk.report());
    CHECK(chk.ok());
    worst = std::max(worst, chk.max_rel_error);
  }
  MESSAGE("static load Jacobian max rel error " << worst);
}

TEST_CASE("static load: validate lists every problem") {
  StaticLoadParameters p;
  p.p1e = -1.0;
  p.q2e = -2.0;
  p.v_zload = 1.5;
  p.q_frq = std::nan("");
  const auto problems = p.validate();
  CHECK(problems.size() == 4);
  CHECK_THROWS_AS(StaticLoad("bad", p), core::ModelError);
  CHECK(StaticLoadParameters{}.validate().empty());
}

TEST_CASE("static load: constant impedance draws current proportional to voltage") {
  StaticLoad z("Z", StaticLoadParameters::constantImpedance());
  const dae::PortOperatingPoint op{polar(0.97, 12.0), Complex{0.5, 0.2}};
  std::vector<double> none;
  z.initialize({&op, 1}, none);
  const Complex y = std::conj(op.s0) / std::norm(op.v0);  // i = y v
  for (const Complex v : {polar(1.0, 0.0), polar(0.2, 50.0), polar(0.01, -30.0)}) {
    const auto e = loads::testing::evaluate(z, {}, none, none, parts(v));
    CHECK(std::abs(Complex{e.i[0], e.i[1]} - y * v) < 1e-14);
  }
}

TEST_CASE("registry: static kinds from plain parameter data - errors name the device") {
  auto& reg = loads::DeviceRegistry::instance();
  CHECK(reg.contains("static"));
  CHECK(reg.contains("constant_impedance"));
  auto dev = reg.create({.kind = "static", .name = "ld7", .ports = 1, .parameters = {{"p1c", 1.0}, {"p2c", 0.0}}});
  auto* s = dynamic_cast<StaticLoad*>(dev.get());
  REQUIRE(s != nullptr);
  CHECK(s->parameters().p1c == 1.0);
  CHECK(s->parameters().p3() == doctest::Approx(0.0));
  try {
    reg.create({.kind = "static", .name = "ld8", .parameters = {{"p1x", 1.0}, {"p1e", -3.0}}});
    FAIL("expected ModelError");
  } catch (const core::ModelError& e) {
    CHECK(e.element() == "ld8");
    CHECK(std::string(e.what()).find("p1x") != std::string::npos);
  }
  CHECK_THROWS_AS(reg.create({.kind = "static", .name = "ld9", .parameters = {{"p1e", -3.0}}}), core::ModelError);
  CHECK_THROWS_AS(reg.create({.kind = "nope", .name = "ld10"}), core::ModelError);
  CHECK_THROWS_AS(reg.create({.kind = "static", .name = "ld11", .ports = 3}), core::ModelError);
}
