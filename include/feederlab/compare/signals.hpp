// Time-series building blocks of the comparison metrics: linear interpolation, the uniform
// comparison grid, pre-event values, threshold crossings (cli.md `study`, metrics.json).
//
// Time columns may repeat a time (a value just before and just after a switching instant);
// interpolation is then right-continuous: at the repeated time the later sample counts.
// NaN samples are missing values: interpolation across one gives NaN.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "feederlab/core/time_series.hpp"

namespace feederlab::compare {

// y(at) by linear interpolation of (t, y); t non-decreasing, at least one sample. Outside the
// sampled range the end value holds.
double interpolate(const std::vector<double>& t, const std::vector<double>& y, double at);

// t0, t0 + step, ... up to t1 (t1 included when it lies on the grid within 1e-9 s). Empty when
// t1 < t0; throws std::invalid_argument when step <= 0.
std::vector<double> uniformGrid(double t0, double t1, double step);

// The named column of `series` interpolated onto `grid` (throws std::out_of_range naming a
// missing column).
std::vector<double> resample(const core::TimeSeries& series, std::string_view column, const std::vector<double>& grid);

// The value just before `t_on`: the last sample with t < t_on (the first sample when none is).
double preEventValue(const core::TimeSeries& series, std::string_view column, double t_on);

// Seconds from `t_from` to the last upward crossing of `threshold` by the column after
// `t_from` (linear interpolation between samples): 0 if it never is below the threshold after
// t_from, std::nullopt if it is still below at the last sample (not recovered).
std::optional<double> recoveryTime(const core::TimeSeries& series, std::string_view column, double t_from,
                                   double threshold);

// First time t >= t_from at which the column exceeds `threshold` (linear interpolation between
// the samples around the crossing); std::nullopt if it never does.
std::optional<double> firstTimeAbove(const core::TimeSeries& series, std::string_view column, double t_from,
                                     double threshold);

}  // namespace feederlab::compare
