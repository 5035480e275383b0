// compare: the time-tolerant fraction max error (metrics.hpp): steps a few ms apart cost nothing,
// a missed or wrong-sized step costs its height; the pointwise error is kept beside it.
#include <doctest/doctest.h>

#include "feederlab/compare/metrics.hpp"

using namespace feederlab;

namespace {

core::TimeSeries stepSeries(double t_step, double before, double after) {
  core::TimeSeries ts;
  ts.addColumn("t");
  ts.addColumn("head_v_pu");
  ts.addColumn("motor_d_stalled_fraction");
  for (int k = 0; k <= 3000; ++k) {
    const double t = k * 1e-3;
    ts.appendRow({t, 1.0, t < t_step ? before : after});
  }
  return ts;
}

}  // namespace

TEST_CASE("compare: fraction steps 5 ms apart cost nothing with the 20 ms tolerance") {
  const auto full = stepSeries(1.393, 0.9, 0.72);
  const auto model = stepSeries(1.388, 0.9, 0.72);
  const auto m = compare::compareRuns(full, model, {1.0, 1.1});
  REQUIRE(m.stalled_fraction_max_error);
  CHECK(*m.stalled_fraction_max_error == doctest::Approx(0.0).epsilon(1e-12));
  REQUIRE(m.stalled_fraction_max_error_pointwise);
  CHECK(*m.stalled_fraction_max_error_pointwise == doctest::Approx(0.18));
}

TEST_CASE("compare: a step 50 ms late or of the wrong size still costs its height") {
  const auto full = stepSeries(1.393, 0.9, 0.72);
  CHECK(*compare::compareRuns(full, stepSeries(1.443, 0.9, 0.72), {1.0, 1.1}).stalled_fraction_max_error ==
        doctest::Approx(0.18));
  CHECK(*compare::compareRuns(full, stepSeries(1.393, 0.9, 0.80), {1.0, 1.1}).stalled_fraction_max_error ==
        doctest::Approx(0.08));
  CHECK(*compare::compareRuns(full, stepSeries(1.393, 0.9, 0.9), {1.0, 1.1}).stalled_fraction_max_error ==
        doctest::Approx(0.18));
}
