// Shared helpers of the sim tests: feeders, compositions, scenarios and series queries.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "feederlab/events/scenario_io.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "feederlab/sim/simulate.hpp"
#include "paths.hpp"

namespace feederlab::test {

inline model::Feeder ieee13() { return io::importDss(sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss")); }
inline model::Feeder ieee123() { return io::importDss(sharedFeeder("ieee123/opendss/IEEE123Master.dss")); }

inline model::CompositeSpec residentialSpec() {
  return sim::readCompositeSpec(sourceDir() / "data/compositions/residential_summer_peak.json");
}
inline model::CompositeSpec constantZSpec() {
  return sim::readCompositeSpec(sourceDir() / "data/compositions/constant_impedance.json");
}
inline events::Scenario eventFile(const std::string& name) { return events::readScenario(sourceDir() / "data/events" / name); }

inline sim::Options optionsWith(model::CompositeSpec spec) {
  sim::Options o;
  o.default_spec = std::move(spec);
  return o;
}

inline events::Scenario scenarioOf(double t_end, std::vector<events::EventDetail> evs, double interval = 0.01) {
  events::Scenario s;
  s.name = "test";
  s.t_end_s = t_end;
  s.output_interval_s = interval;
  for (auto& e : evs) s.events.push_back({std::move(e), ""});
  return s;
}

// Value of a column at the sample nearest to t.
inline double at(const core::TimeSeries& s, const std::string& col, double t) {
  const auto& tt = s.time();
  std::size_t best = 0;
  for (std::size_t k = 0; k < tt.size(); ++k)
    if (std::abs(tt[k] - t) < std::abs(tt[best] - t)) best = k;
  return s.column(col)[best];
}

inline double maxOver(const core::TimeSeries& s, const std::string& col, double t0 = -1e300, double t1 = 1e300) {
  double m = -1e300;
  for (std::size_t k = 0; k < s.rows(); ++k)
    if (s.time()[k] >= t0 && s.time()[k] <= t1) m = std::max(m, s.column(col)[k]);
  return m;
}

inline double minOver(const core::TimeSeries& s, const std::string& col, double t0 = -1e300, double t1 = 1e300) {
  double m = 1e300;
  for (std::size_t k = 0; k < s.rows(); ++k)
    if (s.time()[k] >= t0 && s.time()[k] <= t1) m = std::min(m, s.column(col)[k]);
  return m;
}

// max |x(t) - x(0)| of a column.
inline double driftOf(const core::TimeSeries& s, const std::string& col) {
  const auto& c = s.column(col);
  double m = 0.0;
  for (double v : c) m = std::max(m, std::abs(v - c.front()));
  return m;
}

}  // namespace feederlab::test
