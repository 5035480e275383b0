// Load models against hand-computed powers: a stiff source holds the load at a chosen voltage.
#include <doctest/doctest.h>

#include "feederlab/powerflow/powerflow.hpp"
#include "pf_test_support.hpp"

using namespace feederlab;
using test::Complex;

namespace {

// One 1-phase wye load of 100 kW + 50 kvar at 7.2 kV, its bus held at `pu` by a stiff source.
Complex drawn(model::Load load, double pu) {
  model::Feeder f;
  model::Source s;
  s.name = "src";
  s.bus1 = test::term(f, "a", {1, 2, 3});
  s.base_kv = 12.47;
  s.pu = pu;
  s.z1_ohm = s.z0_ohm = Complex(1e-7, 1e-6);
  f.sources.push_back(s);
  load.name = "ld";
  load.phases = 1;
  load.bus1 = test::term(f, "a", {1, 0});
  load.kv = 12.47 / core::kSqrt3;
  load.kw = 100;
  load.kvar = 50;
  f.loads.push_back(load);
  f.settings.controls_off = true;
  for (auto& b : f.buses) b.kv_base_ll = 12.47;
  return powerflow::solvePowerFlow(f).load_power / 1000.0;
}

model::Load withModel(model::LoadModel m) {
  model::Load l;
  l.model = m;
  return l;
}

}  // namespace

TEST_CASE("constant PQ inside the band and constant Z above vmaxpu") {
  const auto l = withModel(model::LoadModel::ConstPQ);
  const Complex s0(100, 50);
  CHECK(std::abs(drawn(l, 1.02) - s0) < 1e-4);
  CHECK(std::abs(drawn(l, 0.95) - s0) < 1e-4);  // the low band meets the nominal curve at vminpu
  CHECK(std::abs(drawn(l, 1.08) - s0 * (1.08 * 1.08 / (1.05 * 1.05))) < 1e-4);
}

TEST_CASE("below vlowpu (0.5) every model is the rated impedance") {
  const auto l = withModel(model::LoadModel::ConstPQ);
  CHECK(std::abs(drawn(l, 0.4) - Complex(100, 50) * 0.16) < 1e-4);
}

TEST_CASE("between vlowpu and vminpu the current is interpolated linearly (OpenDSS)") {
  const auto l = withModel(model::LoadModel::ConstPQ);
  // |I| goes linearly from Yeq*0.5 at 0.5 pu to Yeq/0.95^2*0.95 at 0.95 pu (per unit of Yeq*Vbase).
  const double v = 0.7;
  const double i_low = 0.5, i95 = 1.0 / 0.95;
  const double i = i_low + (i95 - i_low) * (v - 0.5) / (0.95 - 0.5);
  CHECK(std::abs(drawn(l, v) - Complex(100, 50) * (i * v)) < 1e-4);
}

TEST_CASE("constant Z - constant current - CVR and ZIP follow their voltage laws") {
  const double v = 0.98;
  CHECK(std::abs(drawn(withModel(model::LoadModel::ConstZ), v) - Complex(100, 50) * v * v) < 1e-4);
  CHECK(std::abs(drawn(withModel(model::LoadModel::ConstI), v) - Complex(100, 50) * v) < 1e-4);
  auto cvr = withModel(model::LoadModel::Cvr);
  cvr.cvr_watts = 0.8;
  cvr.cvr_vars = 3.0;
  CHECK(std::abs(drawn(cvr, v) - Complex(100 * std::pow(v, 0.8), 50 * std::pow(v, 3.0))) < 1e-4);
  auto zip = withModel(model::LoadModel::Zip);
  zip.zipv = {0.3, 0.3, 0.4, 0.2, 0.5, 0.3, 0.0};
  const Complex expected(100 * (0.3 * v * v + 0.3 * v + 0.4), 50 * (0.2 * v * v + 0.5 * v + 0.3));
  CHECK(std::abs(drawn(zip, v) - expected) < 1e-4);
}

TEST_CASE("a delta-wye transformer shifts the low side by -30 degrees (ANSI - HV leads)") {
  model::Feeder f;
  model::Source s;
  s.name = "src";
  s.bus1 = test::term(f, "h", {1, 2, 3});
  s.base_kv = 115;
  s.z1_ohm = s.z0_ohm = Complex(0.01, 0.1);
  f.sources.push_back(s);
  model::Transformer t;
  t.name = "sub";
  model::Winding hv, lv;
  hv.terminal = test::term(f, "h", {1, 2, 3, 0});
  hv.conn = model::Connection::Delta;
  hv.kv = 115;
  lv.terminal = test::term(f, "l", {1, 2, 3, 0});
  lv.kv = 12.47;
  t.windings = {hv, lv};
  f.transformers.push_back(t);
  f.settings.controls_off = true;
  const auto r = powerflow::solvePowerFlow(f);
  const Complex vh = *r.voltage(f.findBus("h").value(), 1), vl = *r.voltage(f.findBus("l").value(), 1);
  CHECK(core::radToDeg(std::arg(vl / vh)) == doctest::Approx(-30.0).epsilon(1e-6));
  CHECK(std::abs(vl) / core::lnVolts(12.47) == doctest::Approx(1.0).epsilon(1e-5));
}
