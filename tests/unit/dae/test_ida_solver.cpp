// solver::IdaSolver on the assembled feeder DAE: flat runs stay at steady state, a bolted fault
// runs through and clears.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "dae_fixtures.hpp"
#include "feederlab/io/composition_reader.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "feederlab/solver/ida_solver.hpp"
#include "paths.hpp"
#include "tiny_feeders.hpp"

using namespace feederlab;

namespace {

double drift(std::span<const double> y, std::span<const double> y0, std::size_t count) {
  double m = 0.0;
  for (std::size_t j = 0; j < count; ++j) m = std::max(m, std::abs(y[j] - y0[j]));
  return m;
}

void flatRun(test::DaeCase& c, const char* label, double limit) {
  auto& a = *c.assembler;
  a.finalize();
  a.initialize(1e-8);
  solver::IdaSolver s(a);
  solver::Recorder rec;
  rec.interval_s = 0.1;
  s.run(2.0, {}, {}, &rec);
  CHECK(s.time() == doctest::Approx(2.0));
  const double d = drift(s.y(), a.y0(), a.nodeUnknowns());
  const double dx = drift(s.y(), a.y0(), a.size());
  MESSAGE(std::string(label) << ": 2 s flat run, node drift " << d << " pu, all-unknown drift " << dx << ", "
                << s.stats().steps << " steps, " << rec.samples.size() << " samples, head P "
                << rec.samples.back().head_p_mw << " MW");
  CHECK(d < limit);
  REQUIRE(rec.samples.size() == 21);
  CHECK(std::abs(rec.samples.back().head_p_mw - rec.samples.front().head_p_mw) < 1e-6);
}

}  // namespace

TEST_CASE("ida: tiny feeder, constant impedance, 2 s without events stays at steady state") {
  auto c = test::makeCase(test::tinyRadialFeeder(), test::constantImpedanceBuilder());
  flatRun(c, "tiny", 1e-8);
}

TEST_CASE("ida: IEEE 13, constant impedance, 2 s without events stays at steady state") {
  auto c = test::makeCase(io::importDss(test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss")),
                          test::constantImpedanceBuilder());
  flatRun(c, "ieee13 constant Z", 1e-8);
}

TEST_CASE("ida: bolted three-phase fault on the tiny feeder drops the bus and recovers") {
  auto c = test::makeCase(test::tinyRadialFeeder(), test::constantImpedanceBuilder());
  auto& a = *c.assembler;
  events::Fault fault;
  fault.bus = "b";
  fault.t_on_s = 0.1;
  fault.t_off_s = 0.2;
  auto fs = test::addFault(a, c.network(), fault);
  a.finalize();
  a.initialize(1e-8);
  solver::IdaSolver s(a);
  solver::Recorder rec;
  rec.interval_s = 0.01;
  const model::BusId b = *c.feeder->findBus("b");
  for (int ph = 1; ph <= 3; ++ph) rec.probe_nodes.push_back(c.network().nodeIndex(b, ph));
  const std::vector<double> stops{fault.t_on_s, fault.t_off_s};
  s.run(0.5, stops, [&](double t) { fs.apply(a, t); }, &rec);
  CHECK(s.time() == doctest::Approx(0.5));
  double during = 0.0, before = 0.0, after = 0.0;
  for (const auto& smp : rec.samples) {
    const double v = std::max({smp.probes[0], smp.probes[1], smp.probes[2]});
    if (smp.t > 0.105 && smp.t < 0.195) during = std::max(during, v);
    if (std::abs(smp.t - 0.05) < 1e-9) before = v;
    if (std::abs(smp.t - 0.5) < 1e-9) after = v;
  }
  MESSAGE("fault at b: |V| before " << before << ", max during " << during << ", after " << after << " pu; "
                                    << s.stats().reinits << " re-initializations");
  CHECK(during < 0.05);
  CHECK(std::abs(after - before) < 1e-6);
  CHECK(drift(s.y(), a.y0(), a.nodeUnknowns()) < 1e-6);
}
