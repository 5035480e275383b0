// Motor D in time under prescribed terminal voltages (tests/unit/loads/motor_d_driver.hpp):
// stall after Tstall and not before, restart of Frst after Trst, re-stall of a restarted B,
// thermal trip timing against the closed form of Tth theta' = G V^2 - theta, contactor fractions
// and hysteresis, UV relay timing. Laws: load-models.md 3.3 (as corrected).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "feederlab/loads/motor_d.hpp"
#include "motor_d_driver.hpp"

using feederlab::loads::ContactorMode;
using feederlab::loads::MotorD;
using feederlab::loads::testing::DeviceDriver;
using feederlab::loads::testing::VoltageProfile;
using feederlab::model::MotorDParameters;

namespace {
constexpr double kTimeTol = 1e-6;  // s: roots are bisected to 1e-9 s
}

TEST_CASE("motor D stalls when V < Vstall for longer than Tstall - not for shorter - B restarts and can re-stall") {
  MotorDParameters p;  // Set W: Vstall 0.55, Tstall 0.033, Frst 0.2, Vrst 0.95, Trst 0.3
  SUBCASE("a 50 ms dip to 0.5 pu stalls the block at t_on + Tstall") {
    MotorD m("md", p);
    DeviceDriver d(m, VoltageProfile{{0.0, 0.5, 0.5, 0.55, 0.55, 1.2, 1.2, 1.25, 1.25},
                                     {1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 1.0}},
                   1e-3);
    d.initialize(MotorD::initialPower(p));
    d.run(0.7);
    const double t_stall = d.firstEvent(MotorD::kRootStallTimer);
    MESSAGE("stall at " << t_stall << " s (expected 0.533)");
    CHECK(t_stall == doctest::Approx(0.5 + 0.033).epsilon(kTimeTol));
    CHECK(m.stalledA());
    CHECK(m.stalledB());
    d.run(1.0);
    // Restart: V back above Vrst at 0.55 s, B runs again Trst later; A stays stalled.
    const double t_rst = d.firstEvent(MotorD::kRootRestartTimer);
    MESSAGE("restart of B at " << t_rst << " s (expected 0.85)");
    CHECK(t_rst == doctest::Approx(0.55 + 0.3).epsilon(kTimeTol));
    CHECK(m.stalledA());
    CHECK_FALSE(m.stalledB());
    CHECK(m.outputs(d.x()).stall_share == doctest::Approx(0.8));
    // [INTERP] a restarted B stalls again under the same rule.
    d.run(1.5);
    const double t_restall = d.firstEvent(MotorD::kRootStallTimer, 1.0);
    CHECK(t_restall == doctest::Approx(1.2 + 0.033).epsilon(kTimeTol));
    CHECK(m.stalledB());
  }
  SUBCASE("a 30 ms dip (< Tstall) does not stall") {
    MotorD m("md", p);
    DeviceDriver d(m, VoltageProfile{{0.0, 0.5, 0.5, 0.53, 0.53}, {1.0, 1.0, 0.5, 0.5, 1.0}}, 1e-3);
    d.initialize(MotorD::initialPower(p));
    d.run(1.0);
    CHECK_FALSE(m.stalledA());
    CHECK_FALSE(m.stalledB());
    CHECK(std::isnan(d.firstEvent(MotorD::kRootStallTimer)));
    // Back on the run curve at the initial point.
    const auto i = d.current();
    CHECK(i[0] == doctest::Approx(1.0).epsilon(1e-9));
  }
  SUBCASE("Set G (Frst = 0): nothing restarts") {
    MotorDParameters g;
    g.comp_lf = 0.8, g.comp_pf = 0.97, g.v_stall = 0.6, g.r_stall = 0.124, g.x_stall = 0.114, g.f_rst = 0.0;
    g.v_rst = 0.9, g.t_rst = 0.4, g.v_c1off = 0.45, g.v_c2off = 0.35, g.v_c1on = 0.5, g.v_c2on = 0.4;
    g.t_th = 10, g.th1t = 1.3, g.th2t = 4.3, g.f_uvr = 0.0, g.t_v = 0.02;
    MotorD m("md", g);
    DeviceDriver d(m, VoltageProfile{{0.0, 0.5, 0.5, 0.6, 0.6}, {1.0, 1.0, 0.5, 0.5, 1.0}}, 1e-3);
    d.initialize(MotorD::initialPower(g));
    d.run(2.0);
    CHECK(m.stalledA());
    CHECK(m.stalledB());
    CHECK(m.outputs(d.x()).stall_share == doctest::Approx(1.0));
  }
}

namespace {
// Closed form of Tth theta' = h - theta for piecewise-constant h: time to reach `level` from
// theta_start under h (infinity if never).
double timeToReach(double theta_start, double h, double level, double t_th) {
  if (h <= level) return INFINITY;
  return t_th * std::log((h - theta_start) / (h - level));
}
}  // namespace

TEST_CASE("motor D thermal trip timing matches the closed-form first-order solution within 1 %") {
  // Stall with a 100 ms dip to 0.3 pu at t = 1 s, then hold V; Set W: Tth 15, Th1t 0.7, Th2t 1.9,
  // Gstall = 5 (|I|^2 Rstall = 5 V^2). At 0.3 pu the run curve is already the stall branch, so
  // the heating is 5 V^2 during the whole dip whether or not the block has stalled yet.
  struct Row {
    double v, table_start, table_full;
  };
  for (const Row row : {Row{0.9, 2.5, 9.0}, Row{0.8, 3.2, 13.0}, Row{0.7, 4.4, 22.0}}) {
    CAPTURE(row.v);
    MotorDParameters p;
    MotorD m("md", p);
    DeviceDriver d(m, VoltageProfile{{0.0, 1.0, 1.0, 1.1, 1.1}, {1.0, 1.0, 0.3, 0.3, row.v}}, 2e-3);
    d.initialize(MotorD::initialPower(p));
    const double theta0 = d.x()[MotorD::kThetaA];
    std::vector<double> fth_seen;
    d.run(1.1 + row.table_full * 1.3 + 2.0, [&](double, const std::vector<double>& x, double) {
      fth_seen.push_back(m.outputs(x).fth_a);
    });
    const double theta_11 = 0.45 + (theta0 - 0.45) * std::exp(-0.1 / 15.0);
    const double h = 5.0 * row.v * row.v;
    const double start_cf = 1.1 + timeToReach(theta_11, h, 0.7, 15.0);
    const double full_cf = 1.1 + timeToReach(theta_11, h, 1.9, 15.0);
    const double t_stall = 1.0 + 0.033;
    const double start_sim = d.firstEvent(MotorD::kRootThermLevelA, 0.0, +1);
    const double full_sim = d.firstEvent(MotorD::kRootThermLevelA, start_sim + 1e-9, +1);
    MESSAGE("V " << row.v << ": trips start " << start_sim - t_stall << " s after stall (closed form "
                 << start_cf - t_stall << "), full " << full_sim - t_stall << " s (closed form " << full_cf - t_stall
                 << "); load-models table " << row.table_start << " / " << row.table_full);
    CHECK(std::abs(start_sim - start_cf) <= 0.01 * (start_cf - t_stall));
    CHECK(std::abs(full_sim - full_cf) <= 0.01 * (full_cf - t_stall));
    CHECK(start_cf - t_stall == doctest::Approx(row.table_start).epsilon(0.05));
    CHECK(full_cf - t_stall == doctest::Approx(row.table_full).epsilon(0.05));
    CHECK(m.outputs(d.x()).fth_a == 0.0);
    CHECK(m.outputs(d.x()).fth_b == 0.0);
    CHECK(std::is_sorted(fth_seen.rbegin(), fth_seen.rend()));  // non-increasing
  }
}

TEST_CASE("motor D thermal: Fth never increases - a cooler sub-block resumes tripping only past its maximum") {
  MotorDParameters p;
  p.f_uvr = 0.0;
  MotorD m("md", p);
  // Stall, 0.9 pu until theta ~ 1.3 (Fth ~ 0.5), then 0.5 pu (cooling), then 0.9 pu again.
  DeviceDriver d(m, VoltageProfile{{0.0, 1.0, 1.0, 1.1, 1.1, 6.0, 6.0, 11.0, 11.0}, {1.0, 1.0, 0.3, 0.3, 0.9, 0.9, 0.5,
                                                                                      0.5, 0.9}},
                 2e-3);
  d.initialize(MotorD::initialPower(p));
  double last = 1.0, theta_max = 0.0, fth_at_6 = 1.0;
  bool ok = true;
  d.run(20.0, [&](double t, const std::vector<double>& x, double) {
    const double f = m.outputs(x).fth_a;
    if (f > last + 1e-12) ok = false;
    last = f;
    if (t <= 6.0) {
      theta_max = std::max(theta_max, x[MotorD::kThetaA]);
      fth_at_6 = f;
    }
  });
  CHECK(ok);
  CHECK(fth_at_6 == doctest::Approx((1.9 - theta_max) / 1.2).epsilon(1e-3));
  // After cooling, tripping resumes exactly when theta passes its earlier maximum.
  const double t_resume = d.firstEvent(MotorD::kRootThermLevelA, 11.0, +1);
  REQUIRE_FALSE(std::isnan(t_resume));
  CHECK(m.outputs(d.x()).fth_a < fth_at_6);
}

namespace {
double fOff(double u) { return std::clamp((0.5 - u) / 0.1, 0.0, 1.0); }  // Set W Vc1off 0.5, Vc2off 0.4
double rOn(double u) { return std::clamp((u - 0.5) / 0.1, 0.0, 1.0); }   // Set W Vc2on 0.5, Vc1on 0.6
}  // namespace

TEST_CASE("motor D contactor: piecewise-linear law on Vm with memory and hysteresis") {
  MotorDParameters p;
  p.t_stall = INFINITY;  // isolate the contactor
  p.f_uvr = 0.0;
  MotorD m("md", p);
  DeviceDriver d(m, VoltageProfile{{0.0, 0.5, 1.5, 2.0, 2.2, 2.6, 2.8, 3.2, 3.4, 3.8, 4.2, 5.0},
                                   {1.0, 1.0, 0.45, 0.45, 0.55, 0.55, 0.48, 0.48, 0.42, 0.42, 0.7, 0.7}},
                 1e-3);
  d.initialize(MotorD::initialPower(p));
  // Independent bookkeeping of the dip minimum and the maximum since it, from the trajectory.
  double vm_min = 10.0, vm_max = 0.0;
  bool in_dip = false;
  auto track = [&](double, const std::vector<double>& x, double) {
    const double vm = x[MotorD::kVm];
    if (!in_dip && vm < 0.5) in_dip = true, vm_min = vm, vm_max = vm;
    if (in_dip && vm < vm_min) vm_min = vm, vm_max = vm;
    if (in_dip) vm_max = std::max(vm_max, vm);
    if (in_dip && vm >= 0.6) in_dip = false;
  };
  auto expected = [&] { return 1.0 - fOff(vm_min) * (1.0 - rOn(vm_max)); };

  d.run(2.0, track);  // falling to 0.45 and holding: Kcon = 1 - f(0.45)(1 - r(0.45)) = 0.5
  CHECK(m.outputs(d.x()).k_con == doctest::Approx(expected()).epsilon(1e-5));
  CHECK(m.outputs(d.x()).k_con == doctest::Approx(0.5).epsilon(1e-3));
  d.run(2.6, track);  // partial recovery to 0.55: r = 0.5 -> 0.75
  const double k_recovered = m.outputs(d.x()).k_con;
  CHECK(k_recovered == doctest::Approx(expected()).epsilon(1e-5));
  CHECK(k_recovered == doctest::Approx(0.75).epsilon(1e-3));
  d.run(3.2, track);  // falls to 0.48, above the minimum: the drop-out line is not applied again
  CHECK(m.contactorMode() == ContactorMode::Holding);
  CHECK(m.outputs(d.x()).k_con == doctest::Approx(k_recovered).epsilon(1e-6));  // Vm crept < 1e-7 after 2.6 s
  d.run(3.8, track);  // new minimum 0.42: Kcon = 1 - f(0.42) = 0.2
  CHECK(m.outputs(d.x()).k_con == doctest::Approx(expected()).epsilon(1e-5));
  CHECK(m.outputs(d.x()).k_con == doctest::Approx(0.2).epsilon(1e-3));
  d.run(5.0, track);  // above Vc1on: reset
  CHECK(m.contactorMode() == ContactorMode::Idle);
  CHECK(m.outputs(d.x()).k_con == 1.0);
  // Drawn current scales with Kcon: back to the initial current at 0.7 pu run-II.
}

TEST_CASE("motor D UV relay trips Fuvr after Ttr1 below UVtr1 on the filtered Vm - permanently") {
  MotorDParameters p;  // Fuvr 0.1, UVtr1 0.6, Ttr1 0.02, Tv 0.025
  SUBCASE("200 ms at 0.58 pu trips") {
    MotorD m("md", p);
    DeviceDriver d(m, VoltageProfile{{0.0, 0.5, 0.5, 0.7, 0.7}, {1.0, 1.0, 0.58, 0.58, 1.0}}, 1e-4);
    d.initialize(MotorD::initialPower(p));
    d.run(1.0);
    const double t_cross = 0.5 + 0.025 * std::log(0.42 / 0.02);  // Vm = 0.58 + 0.42 exp(-t/Tv)
    const double t_trip = d.firstEvent(MotorD::kRootUv1Timer);
    MESSAGE("UV trip at " << t_trip << " s (closed form " << t_cross + 0.02 << ")");
    const double t_below = d.firstEvent(MotorD::kRootUv1V, 0.0, -1);
    CHECK(t_trip - t_below == doctest::Approx(0.02).epsilon(1e-6));  // Ttr1 after the crossing
    CHECK(std::abs(t_below - t_cross) < 0.01 * (t_cross - 0.5));  // backward-Euler Vm, 0.1 ms steps
    CHECK(m.uvTripped());
    CHECK(m.outputs(d.x()).k_uv == doctest::Approx(0.9));
  }
  SUBCASE("80 ms at 0.58 pu keeps Vm below 0.6 for ~4 ms only: no trip") {
    MotorD m("md", p);
    DeviceDriver d(m, VoltageProfile{{0.0, 0.5, 0.5, 0.58, 0.58}, {1.0, 1.0, 0.58, 0.58, 1.0}}, 1e-3);
    d.initialize(MotorD::initialPower(p));
    d.run(1.0);
    CHECK_FALSE(m.uvTripped());
  }
}
