// compare: metrics of synthetic runs whose values are known in closed form.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "feederlab/compare/metrics.hpp"
#include "feederlab/compare/signals.hpp"

using feederlab::compare::CaseMetrics;
using feederlab::compare::compareRuns;
using feederlab::compare::Disturbance;
using feederlab::core::TimeSeries;

namespace {

using Signal = std::function<double(double)>;

TimeSeries series(const std::vector<double>& times, const std::vector<std::pair<std::string, Signal>>& signals) {
  TimeSeries s;
  s.addColumn("t", times);
  for (const auto& [name, f] : signals) {
    std::vector<double> v;
    for (double t : times) v.push_back(f(t));
    s.addColumn(name, v);
  }
  return s;
}

// Uneven sample times over [0, t_end]: steps cycling through 7, 13, 3 and 29 ms.
std::vector<double> unevenTimes(double t_end) {
  std::vector<double> t{0.0};
  const double steps[] = {0.007, 0.013, 0.003, 0.029};
  for (int k = 0; t.back() < t_end; ++k) t.push_back(std::min(t_end, t.back() + steps[k % 4]));
  return t;
}

Signal constant(double c) {
  return [c](double) { return c; };
}

const Disturbance kEvent{.t_on_s = 1.0, .t_clear_s = 1.1};

}  // namespace

TEST_CASE("compare: interpolation, grid and pre-event value") {
  using namespace feederlab::compare;
  const std::vector<double> t{0.0, 1.0, 1.0, 3.0};  // a repeated time: value before and after a switch
  const std::vector<double> y{0.0, 2.0, 10.0, 14.0};
  CHECK(interpolate(t, y, -1.0) == 0.0);
  CHECK(interpolate(t, y, 0.25) == doctest::Approx(0.5));
  CHECK(interpolate(t, y, 1.0) == 10.0);  // right-continuous at the switching time
  CHECK(interpolate(t, y, 2.0) == doctest::Approx(12.0));
  CHECK(interpolate(t, y, 5.0) == 14.0);
  const auto grid = uniformGrid(1.0, 1.01, 0.001);
  REQUIRE(grid.size() == 11);
  CHECK(grid.back() == doctest::Approx(1.01));
  CHECK(uniformGrid(2.0, 1.0, 0.001).empty());
  CHECK_THROWS_AS(uniformGrid(0.0, 1.0, 0.0), std::invalid_argument);
  TimeSeries s;
  s.addColumn("t", t);
  s.addColumn("y", y);
  const auto r = resample(s, "y", {0.5, 1.0, 2.5});
  CHECK(r[0] == doctest::Approx(1.0));
  CHECK(r[1] == 10.0);
  CHECK(r[2] == doctest::Approx(13.0));
  CHECK(preEventValue(s, "y", 1.0) == 0.0);  // the last sample strictly before t_on
  CHECK(preEventValue(s, "y", 2.0) == 10.0);
  CHECK_THROWS_AS(resample(s, "missing", {0.0}), std::out_of_range);
}

TEST_CASE("compare: a constant offset gives NRMSE = offset / base") {
  // Full: V 1.0 pu, P 800 kW, Q 600 kvar (|S| 1000 kVA). Model: +0.02 pu, +30 kW, -20 kvar.
  const auto full =
      series(unevenTimes(5.0),
             {{"head_v_pu", constant(1.0)}, {"head_p_kw", constant(800.0)}, {"head_q_kvar", constant(600.0)}});
  const auto model =
      series(unevenTimes(4.0),
             {{"head_v_pu", constant(1.02)}, {"head_p_kw", constant(830.0)}, {"head_q_kvar", constant(580.0)}});
  const CaseMetrics m = compareRuns(full, model, kEvent);
  CHECK(m.t_end_s == 4.0);  // the shorter run ends the window
  CHECK(*m.base_v_pu == 1.0);
  CHECK(*m.base_s_kva == doctest::Approx(1000.0));
  CHECK(*m.head_v_nrmse == doctest::Approx(0.02).epsilon(1e-12));
  CHECK(*m.head_p_nrmse == doctest::Approx(0.03).epsilon(1e-12));
  CHECK(*m.head_q_nrmse == doctest::Approx(0.02).epsilon(1e-12));
  CHECK(*m.head_v_max_error_pu == doctest::Approx(0.02).epsilon(1e-12));
  CHECK(*m.head_p_max_error_kw == doctest::Approx(30.0));
  CHECK(*m.head_q_max_error_kvar == doctest::Approx(20.0));
  // Never below 0.9 after clearing: recovery 0 in both runs.
  CHECK(*m.recovery_time_full_s == 0.0);
  CHECK(*m.recovery_time_model_s == 0.0);
  CHECK(*m.recovery_time_error_s == 0.0);
  // Columns absent from the runs are undefined, not zero.
  CHECK_FALSE(m.stalled_fraction_max_error.has_value());
  CHECK_FALSE(m.thermal_fraction_end_error.has_value());
  CHECK_FALSE(m.full_peak_stalled_fraction.has_value());
  CHECK(m.sections.empty());
}

TEST_CASE("compare: NRMSE of a triangle wave sampled only at its uneven vertices is A/sqrt(3)") {
  // Model: piecewise linear between 0 and +-A at uneven vertex times; full: 0. Over whole
  // segments the RMS of such a wave is A / sqrt(3) whatever the segment lengths.
  const double a = 0.06;
  std::vector<double> times{0.0, 1.0};
  std::vector<double> values{0.0, 0.0};
  const double lengths[] = {0.05, 0.15, 0.08, 0.31, 0.02, 0.19};
  for (int k = 0; times.back() < 5.0 - 1e-9; ++k) {
    times.push_back(std::min(5.0, times.back() + lengths[k % 6]));
    values.push_back(k % 2 == 0 ? (k % 4 == 0 ? a : -a) : 0.0);
  }
  REQUIRE(values.back() == 0.0);  // the window ends on a whole segment
  TimeSeries model;
  model.addColumn("t", times);
  std::vector<double> v;
  for (double x : values) v.push_back(1.0 + x);
  model.addColumn("head_v_pu", v);
  const auto full = series({0.0, 2.0, 5.0}, {{"head_v_pu", constant(1.0)}});
  const auto m = compareRuns(full, model, kEvent);
  CHECK(*m.head_v_nrmse == doctest::Approx(a / std::sqrt(3.0)).epsilon(2e-3));
  CHECK(*m.head_v_max_error_pu == doctest::Approx(a).epsilon(1e-9));  // vertices fall on the 1 ms grid
}

TEST_CASE("compare: recovery time of a ramp crossing 0.9 and 0.95 pu at known times") {
  // 1.0 pu, sag to 0.5 pu at 1.0 s, cleared at 1.1 s, then a linear ramp 0.5 -> 1.0 pu over 1 s:
  // 0.9 pu at 1.9 s (0.8 s after clearing), 0.95 pu at 2.0 s (0.9 s).
  auto ramp = [](double start, double duration) {
    return [=](double t) {
      if (t < 1.0) return 1.0;
      if (t < start) return 0.5;
      return std::min(1.0, 0.5 + 0.5 * (t - start) / duration);
    };
  };
  std::vector<double> times{0.0, 0.5, 1.0, 1.0, 1.1};
  for (double t = 1.13; t < 6.0; t += 0.07) times.push_back(t);  // samples straddle the crossings
  times.push_back(6.0);
  const auto full = series(times, {{"head_v_pu", ramp(1.1, 1.0)}});
  const auto slow = series(times, {{"head_v_pu", ramp(1.1, 3.0)}});  // 0.9 at 1.1 + 2.4 s
  auto m = compareRuns(full, slow, kEvent);
  CHECK(*m.recovery_time_full_s == doctest::Approx(0.8).epsilon(1e-9));
  CHECK(*m.recovery_time_095_full_s == doctest::Approx(0.9).epsilon(1e-9));
  CHECK(*m.recovery_time_model_s == doctest::Approx(2.4).epsilon(1e-9));
  CHECK(*m.recovery_time_095_model_s == doctest::Approx(2.7).epsilon(1e-9));
  CHECK(*m.recovery_time_error_s == doctest::Approx(1.6).epsilon(1e-9));

  // A second dip later: the last upward crossing counts (back above 0.9 at 4.45 s).
  auto redip = [&](double t) {
    if (t >= 4.0 && t < 4.3) return 0.8;
    if (t >= 4.3 && t < 4.6) return 0.8 + (t - 4.3) * (0.2 / 0.3);
    return ramp(1.1, 1.0)(t);
  };
  std::vector<double> t2 = times;
  for (double t : {4.0, 4.3, 4.6}) t2.push_back(t);
  std::sort(t2.begin(), t2.end());
  t2.erase(std::unique(t2.begin() + 4, t2.end()), t2.end());  // keep the repeated 1.0 s sample
  const auto second = series(t2, {{"head_v_pu", redip}});
  m = compareRuns(full, second, kEvent);
  CHECK(*m.recovery_time_model_s == doctest::Approx(4.45 - 1.1).epsilon(1e-9));

  // Never recovering: null, and so is the error.
  const auto stuck = series(times, {{"head_v_pu", [](double t) { return t < 1.0 ? 1.0 : 0.85; }}});
  m = compareRuns(full, stuck, kEvent);
  CHECK_FALSE(m.recovery_time_model_s.has_value());
  CHECK_FALSE(m.recovery_time_095_model_s.has_value());
  CHECK_FALSE(m.recovery_time_error_s.has_value());
  CHECK(m.recovery_time_full_s.has_value());

  // Between 0.9 and 0.95 at the end: recovered to 0.9 (at once), not to 0.95.
  const auto partial = series(times, {{"head_v_pu", [](double t) { return t < 1.1 ? (t < 1.0 ? 1.0 : 0.5) : 0.93; }}});
  m = compareRuns(full, partial, kEvent);
  CHECK(*m.recovery_time_model_s == doctest::Approx(0.0).epsilon(1e-12));
  CHECK_FALSE(m.recovery_time_095_model_s.has_value());
}

TEST_CASE("compare: motor D fractions, peak stall share and per-section stall timing") {
  auto step = [](double t_from, double value) { return [=](double t) { return t >= t_from ? value : 0.0; }; };
  auto rise = [](double t0, double slope) {
    return [=](double t) { return t <= t0 ? 0.0 : std::min(1.0, (t - t0) * slope); };
  };
  auto bump = [](double t) { return t < 1.1 ? 0.0 : (t < 3.0 ? 0.42 : 0.1); };
  std::vector<double> times{0.0, 0.5, 1.0, 1.1, 1.1};
  for (double t = 1.2; t < 10.0; t += 0.1) times.push_back(t);
  times.push_back(10.0);
  const auto full = series(times, {{"motor_d_stalled_fraction", step(1.1, 0.3)},
                                   {"contactor_tripped_fraction", step(1.05, 0.12)},
                                   {"thermal_tripped_fraction", rise(4.0, 0.05)},  // 0.3 at 10 s
                                   {"uv_tripped_fraction", constant(0.0)},
                                   {"motor_d_stall_share", bump},
                                   {"section_1_stalled_fraction", rise(1.1, 1.0)},  // 0.05 at 1.15 s
                                   {"section_2_stalled_fraction", constant(0.0)},
                                   {"section_3_stalled_fraction", rise(1.1, 1.0)}});  // only in full
  const auto model = series(times, {{"motor_d_stalled_fraction", step(1.1, 0.2)},
                                    {"contactor_tripped_fraction", step(1.05, 0.02)},
                                    {"thermal_tripped_fraction", rise(4.0, 0.025)},  // 0.15 at 10 s
                                    {"uv_tripped_fraction", step(1.2, 0.05)},
                                    {"section_1_stalled_fraction", rise(1.15, 0.5)},   // 0.05 at 1.25 s
                                    {"section_2_stalled_fraction", rise(2.0, 1.0)},    // 0.05 at 2.05 s
                                    {"section_10_stalled_fraction", constant(0.0)}});  // only in model
  const auto m = compareRuns(full, model, kEvent);
  CHECK(*m.stalled_fraction_max_error == doctest::Approx(0.1));
  CHECK(*m.contactor_fraction_max_error == doctest::Approx(0.1));
  CHECK(*m.thermal_fraction_end_error == doctest::Approx(0.15));
  CHECK(*m.uv_fraction_max_error == doctest::Approx(0.05));
  CHECK(*m.full_peak_stalled_fraction == doctest::Approx(0.42));
  REQUIRE(m.sections.size() == 2);
  CHECK(m.sections[0].section == 1);
  CHECK(*m.sections[0].full_s == doctest::Approx(1.15));
  CHECK(*m.sections[0].model_s == doctest::Approx(1.25));
  CHECK(*m.sections[0].error_s() == doctest::Approx(0.1));
  CHECK(m.sections[0].flags_agree());
  CHECK(m.sections[1].section == 2);
  CHECK_FALSE(m.sections[1].full_s.has_value());
  CHECK(*m.sections[1].model_s == doctest::Approx(2.05));
  CHECK_FALSE(m.sections[1].flags_agree());
  CHECK_FALSE(m.sections[1].error_s().has_value());
  // No head columns: the head metrics are undefined.
  CHECK_FALSE(m.head_v_nrmse.has_value());
  CHECK_FALSE(m.recovery_time_full_s.has_value());
}

TEST_CASE("compare: NaN samples are skipped, empty runs are rejected") {
  const auto full = series(unevenTimes(3.0), {{"head_v_pu", constant(1.0)}});
  auto model = series(unevenTimes(3.0), {{"head_v_pu", [](double t) { return t > 2.0 ? NAN : 1.01; }}});
  const auto m = compareRuns(full, model, kEvent);
  CHECK(*m.head_v_nrmse == doctest::Approx(0.01));
  TimeSeries empty;
  empty.addColumn("t", {});
  CHECK_THROWS_AS(compareRuns(full, empty, kEvent), std::invalid_argument);
  CHECK_THROWS_AS(compareRuns(full, model, Disturbance{.t_on_s = 2.0, .t_clear_s = 1.0}), std::invalid_argument);
}
