// sim::simulate on IEEE 13 and IEEE 123 with composite loads: steady state without events, the
// example events (sag, SLG) with stalling and recovery, and the physical effect of every event
// type (fault kinds, sag ramps, playback, switching, load steps).
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "feederlab/powerflow/powerflow.hpp"
#include "sim_test_support.hpp"

using namespace feederlab;
namespace col = sim::column;

namespace {

void checkFlat(const sim::Result& r, const char* label) {
  REQUIRE(r.completed);
  CHECK(r.t_end == doctest::Approx(10.0));
  const double s0 = std::hypot(r.pre_event.p_kw, r.pre_event.q_kvar);
  const double dv = test::driftOf(r.series, col::kHeadV);
  const double dp = test::driftOf(r.series, col::kHeadP) / s0;
  const double dq = test::driftOf(r.series, col::kHeadQ) / s0;
  MESSAGE(std::string(label) << ": " << r.states << " states, " << r.stats.steps << " steps, head V drift " << dv << " pu, P drift "
                << dp << ", Q drift " << dq << " (pu of head |S|), node drift " << r.max_node_change_pu << " pu, "
                << r.runtime_s << " s");
  CHECK(dv < 1e-6);
  CHECK(dp < 1e-6);
  CHECK(dq < 1e-6);
  CHECK(r.max_node_change_pu < 1e-6);
  CHECK(r.series.rows() == 1001);
  CHECK(test::maxOver(r.series, col::kStalled) == 0.0);
}

}  // namespace

TEST_CASE("simulate: IEEE 13 with the residential composite stays at steady state for 10 s") {
  const auto r = sim::simulate(test::ieee13(), test::eventFile("flat.json"), test::optionsWith(test::residentialSpec()));
  checkFlat(r, "ieee13 flat");
  CHECK(r.composite_loads == 15);
  CHECK(r.motor_d_p0_kw > 0.0);
  // Pre-event head values reproduce the power flow's head power.
  const auto pf = powerflow::solvePowerFlow(test::ieee13(), sim::defaultPowerflowOptions());
  std::complex<double> s{};
  for (auto p : pf.head_power) s += p;
  CHECK(r.pre_event.p_kw == doctest::Approx(s.real() / 1000.0).epsilon(1e-6));
  CHECK(r.pre_event.q_kvar == doctest::Approx(s.imag() / 1000.0).epsilon(1e-6));
}

TEST_CASE("simulate: IEEE 123 with the residential composite stays at steady state for 10 s") {
  const auto r = sim::simulate(test::ieee123(), test::eventFile("flat.json"), test::optionsWith(test::residentialSpec()));
  checkFlat(r, "ieee123 flat");
  CHECK(r.composite_loads == 91);  // IEEE123Loads.DSS: 91 load objects
}

TEST_CASE("simulate: IEEE 13 source sag 0.5 pu for 5 cycles stalls motors where the voltage is low and recovers") {
  const auto r =
      sim::simulate(test::ieee13(), test::eventFile("sag-0.5pu-5cyc.json"), test::optionsWith(test::residentialSpec()));
  REQUIRE_MESSAGE(r.completed, r.failure);
  const double vmin = test::minOver(r.series, col::kHeadV, 1.0, 1.09);
  const double peak_stall = test::maxOver(r.series, col::kStallShare);
  const double v_end = r.series.column(col::kHeadV).back();
  MESSAGE("ieee13 sag: head V min " << vmin << " pu, peak stall share " << peak_stall << ", peak stalled fraction "
                                    << test::maxOver(r.series, col::kStalled) << ", end V " << v_end << " (pre "
                                    << r.pre_event.v_pu << "), thermal tripped at end "
                                    << r.series.column(col::kThermal).back() << ", " << r.stats.steps << " steps, "
                                    << r.stats.root_returns << " root returns, " << r.runtime_s << " s");
  CHECK(vmin < 0.6);
  CHECK(peak_stall > 0.05);
  // Recovery: after the sag the head voltage returns within 5 % of its pre-event value.
  CHECK(v_end > 0.95 * r.pre_event.v_pu);
  CHECK(r.series.column(col::kStalled).back() < peak_stall);
}

TEST_CASE("simulate: IEEE 13 bolted SLG fault at @head runs through with phase a collapsed") {
  const auto r = sim::simulate(test::ieee13(), test::eventFile("slg-head.json"), test::optionsWith(test::residentialSpec()));
  REQUIRE_MESSAGE(r.completed, r.failure);
  const double va = test::maxOver(r.series, col::kHeadVa, 1.01, 1.08);
  const double vb = test::minOver(r.series, col::kHeadVb, 1.01, 1.08);
  MESSAGE("ieee13 slg: head Va max during " << va << " pu, Vb min during " << vb << ", peak stall share "
                                            << test::maxOver(r.series, col::kStallShare) << ", end V "
                                            << r.series.column(col::kHeadV).back());
  CHECK(va < 0.01);
  CHECK(vb > 0.5);
  CHECK(test::maxOver(r.series, col::kStallShare) > 0.0);
  CHECK(r.series.column(col::kHeadV).back() > 0.95 * r.pre_event.v_pu);
}

TEST_CASE("simulate: IEEE 123 sag and SLG run to completion with stalling") {
  const auto feeder = test::ieee123();
  for (const char* ev : {"sag-0.5pu-5cyc.json", "slg-head.json"}) {
    auto sc = test::eventFile(ev);
    sc.t_end_s = 10.0;  // the stall and its first seconds; the 30 s runs are in validation
    const auto r = sim::simulate(feeder, sc, test::optionsWith(test::residentialSpec()));
    REQUIRE_MESSAGE(r.completed, r.failure);
    const double peak = test::maxOver(r.series, col::kStallShare);
    MESSAGE("ieee123 " << std::string(ev) << ": peak stall share " << peak << ", end V " << r.series.column(col::kHeadV).back()
                       << ", " << r.stats.steps << " steps, " << r.runtime_s << " s");
    CHECK(peak > 0.0);
  }
}

TEST_CASE("simulate: constant-impedance composition makes the network linear in the source EMF") {
  // A 0.5 pu EMF step: every voltage halves and every power quarters, exactly (no dynamics).
  events::SourceSag sag;
  sag.magnitude_pu = {0.5, 0.5, 0.5};
  sag.t_on_s = 0.1;
  sag.duration_s = 0.1;
  const auto r = sim::simulate(test::ieee13(), test::scenarioOf(0.3, {sag}), test::optionsWith(test::constantZSpec()));
  REQUIRE(r.completed);
  CHECK(r.motor_d_p0_kw == 0.0);
  const double v_ratio = test::at(r.series, col::kHeadV, 0.15) / r.pre_event.v_pu;
  const double p_ratio = test::at(r.series, col::kHeadP, 0.15) / r.pre_event.p_kw;
  const double q_ratio = test::at(r.series, col::kHeadQ, 0.15) / r.pre_event.q_kvar;
  MESSAGE("constant Z: V ratio " << v_ratio << ", P ratio " << p_ratio << ", Q ratio " << q_ratio);
  CHECK(v_ratio == doctest::Approx(0.5).epsilon(1e-6));
  CHECK(p_ratio == doctest::Approx(0.25).epsilon(1e-6));
  CHECK(q_ratio == doctest::Approx(0.25).epsilon(1e-6));
  CHECK(test::at(r.series, col::kHeadP, 0.29) == doctest::Approx(r.pre_event.p_kw).epsilon(1e-6));
}

TEST_CASE("simulate: a sag profile ramps the head voltage linearly between its points") {
  events::SourceSag sag;
  sag.profile = {{0.1, {1.0, 1.0, 1.0}}, {0.3, {0.6, 0.6, 0.6}}, {0.4, {1.0, 1.0, 1.0}}};
  const auto r = sim::simulate(test::ieee13(), test::scenarioOf(0.5, {sag}), test::optionsWith(test::constantZSpec()));
  REQUIRE(r.completed);
  for (double t : {0.15, 0.2, 0.25, 0.3, 0.35}) {
    const double expected = sag.magnitudeAt(t)[0];
    CHECK(test::at(r.series, col::kHeadV, t) / r.pre_event.v_pu == doctest::Approx(expected).epsilon(1e-6));
  }
}

TEST_CASE("simulate: fault kinds collapse the faulted phases at @head") {
  auto run = [](events::FaultKind kind, const char* phases) {
    events::Fault f;
    f.kind = kind;
    f.phases = phases;
    f.t_on_s = 0.05;
    f.t_off_s = 0.1;
    return sim::simulate(test::ieee13(), test::scenarioOf(0.2, {f}), test::optionsWith(test::constantZSpec()));
  };
  {
    const auto r = run(events::FaultKind::ThreePhase, "abc");
    REQUIRE(r.completed);
    CHECK(test::at(r.series, col::kHeadV, 0.07) < 0.01);
    CHECK(test::at(r.series, col::kHeadV, 0.15) == doctest::Approx(r.pre_event.v_pu).epsilon(1e-6));
  }
  {
    const auto r = run(events::FaultKind::Dlg, "bc");
    REQUIRE(r.completed);
    CHECK(test::at(r.series, col::kHeadVb, 0.07) < 0.01);
    CHECK(test::at(r.series, col::kHeadVc, 0.07) < 0.01);
    CHECK(test::at(r.series, col::kHeadVa, 0.07) > 0.3);  // 0.49: zero-sequence path of the wye-grounded winding
  }
  {
    // LL b-c: the two phases meet halfway, |Vb| = |Vc| ~ 0.5 pu (a 4-wire head: 1/2 of the open-circuit value).
    const auto r = run(events::FaultKind::Ll, "bc");
    REQUIRE(r.completed);
    const double vb = test::at(r.series, col::kHeadVb, 0.07), vc = test::at(r.series, col::kHeadVc, 0.07);
    MESSAGE("LL bc: Vb " << vb << ", Vc " << vc << ", Va " << test::at(r.series, col::kHeadVa, 0.07));
    CHECK(vb == doctest::Approx(vc).epsilon(0.02));
    CHECK(vb < 0.7);
  }
  {  // an impedance fault at a downstream bus
    events::Fault f;
    f.bus = "675";
    f.kind = events::FaultKind::Slg;
    f.phases = "b";
    f.impedance_ohm = {0.5, 0.0};
    f.t_on_s = 0.05;
    f.t_off_s = 0.1;
    auto o = test::optionsWith(test::constantZSpec());
    o.probes = {"675.2", "675.1"};
    const auto r = sim::simulate(test::ieee13(), test::scenarioOf(0.2, {f}), o);
    REQUIRE(r.completed);
    const double v675b = test::at(r.series, "v_675.2_pu", 0.07), pre = test::at(r.series, "v_675.2_pu", 0.0);
    MESSAGE("0.5 ohm SLG at 675.b: |V| " << pre << " -> " << v675b);
    CHECK(v675b < 0.6 * pre);
    CHECK(test::at(r.series, "v_675.2_pu", 0.15) == doctest::Approx(pre).epsilon(1e-6));
  }
}

TEST_CASE("simulate: voltage playback imposes the recorded voltage at @head") {
  const auto feeder = test::ieee13();
  const auto pf = powerflow::solvePowerFlow(feeder, sim::defaultPowerflowOptions());
  const model::BusId head = pf.head_bus;
  events::PlaybackSeries series;
  std::array<double, 3> mag{}, ang{};
  for (int ph = 0; ph < 3; ++ph) {
    const auto v = *pf.voltage(head, ph + 1);
    double base = 0.0;
    for (const auto& nv : pf.voltages)
      if (nv.bus == head && nv.node == ph + 1) base = nv.base_volts;
    mag[static_cast<std::size_t>(ph)] = std::abs(v) / base;
    ang[static_cast<std::size_t>(ph)] = std::arg(v) * 180.0 / std::numbers::pi;
  }
  auto scaled = [&](double k) {
    std::array<double, 3> m = mag;
    for (double& x : m) x *= k;
    return m;
  };
  series.samples = {{0.0, mag, ang}, {0.2, mag, ang}, {0.21, scaled(0.7), ang}, {0.4, scaled(0.7), ang},
                    {0.5, scaled(0.95), ang}, {1.0, mag, ang}};
  events::VoltagePlayback pb;
  pb.csv = "in-memory";
  pb.series = series;
  const auto r = sim::simulate(feeder, test::scenarioOf(1.0, {pb}), test::optionsWith(test::residentialSpec()));
  REQUIRE_MESSAGE(r.completed, r.failure);
  double worst = 0.0;
  for (std::size_t k = 0; k < r.series.rows(); ++k) {
    const double t = r.series.time()[k];
    const auto expect = series.at(t).magnitude_pu;
    worst = std::max({worst, std::abs(r.series.column(col::kHeadVa)[k] - expect[0]),
                      std::abs(r.series.column(col::kHeadVb)[k] - expect[1]),
                      std::abs(r.series.column(col::kHeadVc)[k] - expect[2])});
  }
  MESSAGE("playback at @head: max |V - V_recorded| " << worst << " pu; head P at 0.3 s "
                                                      << test::at(r.series, col::kHeadP, 0.3) << " kW (pre "
                                                      << r.pre_event.p_kw << ")");
  CHECK(worst < 1e-6);
  CHECK(test::at(r.series, col::kHeadP, 0.3) < 0.9 * r.pre_event.p_kw);
}

TEST_CASE("simulate: opening switch 671692 de-energizes 692 and 675 and closing it restores them") {
  events::SwitchAction open{"line.671692", events::SwitchOperation::Open, 0.1};
  events::SwitchAction close{"line.671692", events::SwitchOperation::Close, 0.3};
  auto o = test::optionsWith(test::constantZSpec());
  o.probes = {"675.1", "692.3"};
  const auto r = sim::simulate(test::ieee13(), test::scenarioOf(0.5, {open, close}), o);
  REQUIRE_MESSAGE(r.completed, r.failure);
  const double p_before = r.pre_event.p_kw, p_open = test::at(r.series, col::kHeadP, 0.2);
  MESSAGE("switch: |V 675.1| " << test::at(r.series, "v_675.1_pu", 0.0) << " -> " << test::at(r.series, "v_675.1_pu", 0.2)
                               << " pu; head P " << p_before << " -> " << p_open << " kW");
  CHECK(test::at(r.series, "v_675.1_pu", 0.2) < 1e-3);
  CHECK(test::at(r.series, "v_692.3_pu", 0.2) < 1e-3);
  // The loads behind it (692 and 675: 1013 kW nominal) are gone from the head power.
  CHECK(p_before - p_open > 800.0);
  CHECK(p_before - p_open < 1200.0);
  CHECK(test::at(r.series, col::kHeadP, 0.45) == doctest::Approx(p_before).epsilon(1e-6));
}

TEST_CASE("simulate: a load step of 1.1 on all loads raises head P by about 10 %") {
  events::LoadStep step;
  step.load = "all";
  step.scale = 1.1;
  step.t_s = 0.1;
  const auto r = sim::simulate(test::ieee13(), test::scenarioOf(0.2, {step}), test::optionsWith(test::constantZSpec()));
  REQUIRE(r.completed);
  const double ratio = test::at(r.series, col::kHeadP, 0.15) / r.pre_event.p_kw;
  MESSAGE("load step 1.1: head P ratio " << ratio);
  CHECK(ratio > 1.08);
  CHECK(ratio < 1.11);
  // One load: 671 (1155 kW nominal).
  events::LoadStep one{"671", 2.0, 0.1};
  const auto r1 = sim::simulate(test::ieee13(), test::scenarioOf(0.2, {one}), test::optionsWith(test::constantZSpec()));
  const double dp = test::at(r1.series, col::kHeadP, 0.15) - r1.pre_event.p_kw;
  MESSAGE("load 671 doubled: head P +" << dp << " kW");
  CHECK(dp > 900.0);
  CHECK(dp < 1300.0);
}

TEST_CASE("simulate: load groups give per-group stalled fractions and bad names are model errors") {
  auto o = test::optionsWith(test::residentialSpec());
  o.load_groups = {{"section_1", {"675a", "675b", "675c"}}, {"section_2", {"634a", "634b", "634c", "645"}}};
  auto sc = test::eventFile("sag-0.5pu-5cyc.json");
  sc.t_end_s = 2.0;
  const auto r = sim::simulate(test::ieee13(), sc, o);
  REQUIRE(r.completed);
  const double g1 = test::maxOver(r.series, "section_1_stalled_fraction");
  const double g2 = test::maxOver(r.series, "section_2_stalled_fraction");
  MESSAGE("group peaks: section_1 " << g1 << ", section_2 " << g2 << ", feeder "
                                    << test::maxOver(r.series, col::kStalled));
  CHECK(g1 >= 0.0);
  CHECK(g1 <= 1.0);
  CHECK(std::max(g1, g2) > 0.0);

  auto bad = test::optionsWith(test::residentialSpec());
  bad.load_groups = {{"section_1", {"no_such_load"}}};
  CHECK_THROWS_AS(sim::simulate(test::ieee13(), sc, bad), core::ModelError);
  events::Fault f;
  f.bus = "nowhere";
  f.t_on_s = 0.1;
  f.t_off_s = 0.2;
  CHECK_THROWS_WITH_AS(sim::simulate(test::ieee13(), test::scenarioOf(0.3, {f}), test::optionsWith(test::constantZSpec())),
                       doctest::Contains("nowhere"), core::ModelError);
  events::SwitchAction sw{"line.nosuchline", events::SwitchOperation::Open, 0.1};
  CHECK_THROWS_WITH_AS(sim::simulate(test::ieee13(), test::scenarioOf(0.3, {sw}), test::optionsWith(test::constantZSpec())),
                       doctest::Contains("nosuchline"), core::ModelError);
}

TEST_CASE("simulate: a solver failure returns the partial series with completed = false") {
  auto o = test::optionsWith(test::residentialSpec());
  o.ida.max_steps_per_call = 2;  // far too few for the sag
  const auto r = sim::simulate(test::ieee13(), test::eventFile("sag-0.5pu-5cyc.json"), o);
  CHECK_FALSE(r.completed);
  MESSAGE("failure: " << r.failure);
  CHECK(r.failure.find("t = ") != std::string::npos);
  CHECK(r.series.rows() >= 1);
  CHECK(r.t_end < 30.0);
}
