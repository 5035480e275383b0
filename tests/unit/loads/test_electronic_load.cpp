// ElectronicLoad: connected share by hand, initialization, Jacobian in every branch, the
// voltage-minimum memory through a sag (trapezoid driver), the Vd2 bound, validation, registry.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>

#include "device_test_support.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/loads/electronic_load.hpp"
#include "feederlab/loads/registry.hpp"
#include "implicit_driver.hpp"

using namespace feederlab;
using loads::ElectronicLoad;
using loads::ElectronicLoadParameters;
using Complex = std::complex<double>;

TEST_CASE("electronic load: connected share by hand (Vd1 0.7 - Vd2 0.5)") {
  ElectronicLoad full("E1", {.v_d1 = 0.7, .v_d2 = 0.5, .frcel = 1.0});
  ElectronicLoad half("E2", {.v_d1 = 0.7, .v_d2 = 0.5, .frcel = 0.5});
  CHECK(full.connectedShare(1.0, 1.0).c == 1.0);
  CHECK(full.connectedShare(0.45, 0.5).c == 0.0);                                         // V < Vd2
  CHECK(full.connectedShare(0.6, 0.62).c == doctest::Approx(0.5));                        // falling: (0.6-0.5)/0.2
  CHECK(half.connectedShare(0.65, 0.55).c == doctest::Approx((0.05 + 0.5 * 0.1) / 0.2));  // recovering
  CHECK(half.connectedShare(0.9, 0.55).c == doctest::Approx((0.05 + 0.5 * 0.15) / 0.2));  // above Vd1
  CHECK(full.connectedShare(0.9, 0.55).c == doctest::Approx(1.0));                        // frcel 1: all return
  ElectronicLoad none("E3", {.v_d1 = 0.7, .v_d2 = 0.5, .frcel = 0.0});
  CHECK(none.connectedShare(1.0, 0.6).c == doctest::Approx(0.5));  // share frozen
}

TEST_CASE("electronic load: initialization gives a steady state drawing s0") {
  ElectronicLoad e("E4", {});
  const dae::PortOperatingPoint op{std::polar(0.98, 0.3), Complex{0.6, 0.1}};
  std::vector<double> x(1);
  e.initialize({&op, 1}, x);
  CHECK(x[0] == doctest::Approx(0.98));
  const std::vector<double> v{op.v0.real(), op.v0.imag()}, xd{0.0};
  const auto r = loads::testing::evaluate(e, {}, x, xd, v);
  CHECK(std::abs(r.f[0]) < 1e-12);
  CHECK(std::abs(op.v0 * std::conj(Complex{r.i[0], r.i[1]}) - op.s0) < 1e-13);
  // Below Vd2 it cannot draw power: an error naming the device.
  const dae::PortOperatingPoint low{Complex{0.4, 0.0}, Complex{0.6, 0.1}};
  CHECK_THROWS_AS(e.initialize({&low, 1}, x), core::ModelError);
}

TEST_CASE("electronic load: analytic Jacobian matches central differences in every branch") {
  ElectronicLoad e("E5", {.v_d1 = 0.7, .v_d2 = 0.5, .frcel = 0.5, .t_filter = 0.01});
  e.setNominalPower({1.0, 0.3});
  struct Point {
    double vm, ang, vmin;
    bool tracking;
  };
  double worst = 0.0;
  for (const Point pt : {Point{1.0, 0.2, 1.0, false}, Point{0.6, -0.5, 0.65, true}, Point{0.68, 1.0, 0.6, false},
                         Point{0.9, 2.0, 0.6, false}, Point{0.45, 0.1, 0.52, true}, Point{0.62, 0.3, 0.505, false},
                         Point{0.62, 0.3, 0.49, false}}) {  // last: memory held below Vd2 (bound in c)
    e.setTracking(pt.tracking);
    const Complex v = std::polar(pt.vm, pt.ang);
    const std::vector<double> x{pt.vmin}, xd{0.3}, vv{v.real(), v.imag()};
    for (double cj : {0.0, 50.0, 2e4}) {
      const auto chk = loads::testing::checkJacobian(e, {}, x, xd, vv, cj);
      INFO(chk.report());
      CHECK(chk.ok());
      worst = std::max(worst, chk.max_rel_error);
    }
  }
  MESSAGE("electronic load Jacobian max rel error " << worst);
}

TEST_CASE("electronic load: the memory follows a sag and keeps its minimum") {
  // v: 1 pu, 0.6 pu from 0.1 s to 0.3 s, 0.65 pu to 0.4 s, then 1 pu.
  auto v_of_t = [](double t) {
    const double m = t < 0.1 ? 1.0 : (t < 0.3 ? 0.6 : (t < 0.4 ? 0.65 : 1.0));
    return std::vector<double>{m, 0.0};
  };
  ElectronicLoad e("E6", {.v_d1 = 0.7, .v_d2 = 0.5, .frcel = 0.5});
  const dae::PortOperatingPoint op{Complex{1.0, 0.0}, Complex{1.0, 0.2}};
  std::vector<double> x(1);
  e.initialize({&op, 1}, x);
  loads::testing::TrapezoidDriver drv(e, v_of_t, x);
  drv.advanceTo(0.29, 1e-4);
  CHECK(e.tracking());
  CHECK(drv.x()[0] == doctest::Approx(0.6).epsilon(1e-6));  // 0.19 s = 19 time constants
  auto i = drv.currents();
  CHECK(i[0] == doctest::Approx(1.0 * 0.5 / 0.6).epsilon(1e-9));  // falling branch: c = 0.5, P = 0.5
  drv.advanceTo(0.35, 1e-4);
  CHECK_FALSE(e.tracking());  // V rose above the memory: hold
  const double vmin = drv.x()[0];
  CHECK(vmin == doctest::Approx(0.6).epsilon(1e-6));
  i = drv.currents();
  CHECK(i[0] * 0.65 == doctest::Approx(((vmin - 0.5) + 0.5 * (0.65 - vmin)) / 0.2).epsilon(1e-9));
  drv.advanceTo(0.5, 1e-4);
  i = drv.currents();
  CHECK(i[0] == doctest::Approx(((vmin - 0.5) + 0.5 * (0.7 - vmin)) / 0.2).epsilon(1e-9));  // 0.75 P0 at 1 pu
}

TEST_CASE("electronic load: the memory stops at Vd2 - frcel returns that share") {
  auto v_of_t = [](double t) { return std::vector<double>{t < 0.1 || t >= 0.3 ? 1.0 : 0.3, 0.0}; };
  ElectronicLoad e("E7", {.v_d1 = 0.7, .v_d2 = 0.5, .frcel = 0.4});
  const dae::PortOperatingPoint op{Complex{1.0, 0.0}, Complex{1.0, 0.0}};
  std::vector<double> x(1);
  e.initialize({&op, 1}, x);
  loads::testing::TrapezoidDriver drv(e, v_of_t, x);
  drv.advanceTo(0.25, 1e-4);
  CHECK(drv.x()[0] == doctest::Approx(0.5).epsilon(1e-12));
  CHECK_FALSE(e.tracking());
  CHECK(drv.currents()[0] == 0.0);
  drv.advanceTo(0.4, 1e-4);
  CHECK(drv.currents()[0] == doctest::Approx(0.4).epsilon(1e-9));
}

TEST_CASE("electronic load: validate and registry") {
  ElectronicLoadParameters p{.v_d1 = 0.4, .v_d2 = 0.5, .frcel = 1.5, .t_filter = 0.0};
  CHECK(p.validate().size() == 3);
  CHECK_THROWS_AS(ElectronicLoad("bad", p), core::ModelError);
  auto dev = loads::DeviceRegistry::instance().create(
      {.kind = "electronic", .name = "el1", .parameters = {{"v_d1", 0.8}, {"v_d2", 0.7}}});
  CHECK(dev->kind() == "electronic");
  CHECK(dev->stateCount() == 1);
  CHECK_THROWS_AS(loads::DeviceRegistry::instance().create(
                      {.kind = "electronic", .name = "el2", .parameters = {{"v_d1", 0.6}, {"v_d2", 0.7}}}),
                  core::ModelError);
}
