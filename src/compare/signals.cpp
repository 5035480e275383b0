// Interpolation, grids and threshold crossings (see signals.hpp).
#include "feederlab/compare/signals.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace feederlab::compare {

namespace {

// The column's samples from t_from on: the interpolated value at t_from, then every finite
// sample with t > t_from.
std::vector<std::pair<double, double>> samplesFrom(const core::TimeSeries& series, std::string_view column,
                                                   double t_from) {
  const auto& t = series.time();
  const auto& y = series.column(column);
  std::vector<std::pair<double, double>> out;
  if (t.empty()) return out;
  const double first = interpolate(t, y, t_from);
  if (std::isfinite(first)) out.emplace_back(t_from, first);
  for (std::size_t k = std::upper_bound(t.begin(), t.end(), t_from) - t.begin(); k < t.size(); ++k) {
    if (std::isfinite(y[k])) out.emplace_back(t[k], y[k]);
  }
  return out;
}

// Time at which the segment (a -> b) reaches `level` (a, b on opposite sides of it).
double crossing(const std::pair<double, double>& a, const std::pair<double, double>& b, double level) {
  if (b.second == a.second) return b.first;
  return a.first + (level - a.second) / (b.second - a.second) * (b.first - a.first);
}

}  // namespace

double interpolate(const std::vector<double>& t, const std::vector<double>& y, double at) {
  if (t.empty() || y.size() != t.size()) throw std::invalid_argument("interpolate: empty or mismatched series");
  const auto upper = std::upper_bound(t.begin(), t.end(), at) - t.begin();  // first sample after `at`
  if (upper == 0) return y.front();
  if (static_cast<std::size_t>(upper) == t.size()) return y.back();
  const std::size_t i0 = upper - 1, i1 = upper;
  const double dt = t[i1] - t[i0];  // > 0: t[i1] > at >= t[i0]
  return y[i0] + (y[i1] - y[i0]) * (at - t[i0]) / dt;
}

std::vector<double> uniformGrid(double t0, double t1, double step) {
  if (!(step > 0.0)) throw std::invalid_argument("uniformGrid: step must be > 0");
  std::vector<double> grid;
  if (!(t1 >= t0)) return grid;
  const auto n = static_cast<std::size_t>(std::floor((t1 - t0) / step + 1e-6));
  grid.reserve(n + 1);
  for (std::size_t k = 0; k <= n; ++k) grid.push_back(t0 + static_cast<double>(k) * step);
  return grid;
}

std::vector<double> resample(const core::TimeSeries& series, std::string_view column, const std::vector<double>& grid) {
  const auto& t = series.time();
  const auto& y = series.column(column);
  std::vector<double> out;
  out.reserve(grid.size());
  // The grid ascends: walk the samples once instead of a search per point.
  std::size_t upper = 0;
  for (double at : grid) {
    while (upper < t.size() && t[upper] <= at) ++upper;
    if (upper == 0) {
      out.push_back(y.front());
    } else if (upper == t.size()) {
      out.push_back(y.back());
    } else {
      const std::size_t i0 = upper - 1;
      out.push_back(y[i0] + (y[upper] - y[i0]) * (at - t[i0]) / (t[upper] - t[i0]));
    }
  }
  return out;
}

double preEventValue(const core::TimeSeries& series, std::string_view column, double t_on) {
  const auto& t = series.time();
  const auto& y = series.column(column);
  if (t.empty()) throw std::invalid_argument("preEventValue: empty series");
  const auto before = std::lower_bound(t.begin(), t.end(), t_on) - t.begin();  // first sample at or after t_on
  return before == 0 ? y.front() : y[before - 1];
}

std::optional<double> recoveryTime(const core::TimeSeries& series, std::string_view column, double t_from,
                                   double threshold) {
  const auto s = samplesFrom(series, column, t_from);
  if (s.empty() || s.back().second < threshold) return std::nullopt;  // not recovered by the end
  std::optional<std::size_t> last_below;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k].second < threshold) last_below = k;
  }
  if (!last_below) return 0.0;
  return crossing(s[*last_below], s[*last_below + 1], threshold) - t_from;
}

std::optional<double> firstTimeAbove(const core::TimeSeries& series, std::string_view column, double t_from,
                                     double threshold) {
  const auto s = samplesFrom(series, column, t_from);
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k].second > threshold) return k == 0 ? s[0].first : crossing(s[k - 1], s[k], threshold);
  }
  return std::nullopt;
}

}  // namespace feederlab::compare
