// compareRuns: the metrics of cli.md `study` metrics.json (see metrics.hpp for definitions).
#include "feederlab/compare/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>

#include "feederlab/compare/signals.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::compare {

namespace {

constexpr std::string_view kSectionPrefix = "section_";
constexpr std::string_view kSectionSuffix = "_stalled_fraction";

void requireRows(const core::TimeSeries& s, const char* which) {
  if (s.names.empty() || s.names.front() != "t" || s.rows() == 0) {
    throw std::invalid_argument(std::string("compareRuns: the ") + which +
                                " run has no rows or no time column \"t\" first");
  }
}

bool hasBoth(const core::TimeSeries& a, const core::TimeSeries& b, std::string_view column) {
  return a.find(column) && b.find(column);
}

std::set<int> sectionsOf(const core::TimeSeries& s) {
  std::set<int> out;
  for (const auto& name : s.names) {
    if (name.size() <= kSectionPrefix.size() + kSectionSuffix.size() || !name.starts_with(kSectionPrefix) ||
        !name.ends_with(kSectionSuffix)) {
      continue;
    }
    const auto middle = std::string_view(name).substr(kSectionPrefix.size(),
                                                      name.size() - kSectionPrefix.size() - kSectionSuffix.size());
    int k = 0;
    if (core::parseInt(middle, k)) out.insert(k);
  }
  return out;
}

std::string sectionColumn(int k) {
  return std::string(kSectionPrefix) + std::to_string(k) + std::string(kSectionSuffix);
}

std::optional<double> absDifference(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return std::abs(*a - *b);
}

// Differences model - full of one column on the grid, NaN where either is missing.
class GridComparison {
 public:
  GridComparison(const core::TimeSeries& full, const core::TimeSeries& model, std::vector<double> grid)
      : full_(full), model_(model), grid_(std::move(grid)) {}

  std::optional<double> rms(std::string_view column) const {
    if (!hasBoth(full_, model_, column) || grid_.empty()) return std::nullopt;
    const auto d = differences(column);
    double sum = 0.0;
    std::size_t n = 0;
    for (double x : d) {
      if (!std::isfinite(x)) continue;
      sum += x * x;
      ++n;
    }
    if (n == 0) return std::nullopt;
    return std::sqrt(sum / static_cast<double>(n));
  }

  // Max over the grid of the distance from each sample of one run to the other run's samples
  // within +-k grid steps, both ways (a Skorokhod-style distance with a time tolerance): a step
  // that both runs take within k steps of each other costs nothing, a missed or wrong-sized
  // step costs its full height.
  std::optional<double> maxAbsTimeTolerant(std::string_view column, std::size_t k) const {
    if (!hasBoth(full_, model_, column) || grid_.empty()) return std::nullopt;
    const auto m = resample(model_, column, grid_);
    const auto f = resample(full_, column, grid_);
    std::optional<double> worst;
    auto oneWay = [&](const std::vector<double>& a, const std::vector<double>& b) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i])) continue;
        // min over |tau| <= k steps of |a(t) - b(t + tau)| with b linearly interpolated between
        // grid points: b takes every value between its smallest and largest sample in the
        // window, so the distance is that from a(t) to the interval [min, max].
        double lo_v = std::numeric_limits<double>::infinity(), hi_v = -lo_v;
        const std::size_t lo = i > k ? i - k : 0, hi = std::min(b.size() - 1, i + k);
        for (std::size_t j = lo; j <= hi; ++j)
          if (std::isfinite(b[j])) lo_v = std::min(lo_v, b[j]), hi_v = std::max(hi_v, b[j]);
        if (!(lo_v <= hi_v)) continue;
        const double best = a[i] < lo_v ? lo_v - a[i] : (a[i] > hi_v ? a[i] - hi_v : 0.0);
        worst = std::max(worst.value_or(0.0), best);
      }
    };
    oneWay(f, m);
    oneWay(m, f);
    return worst;
  }

  std::optional<double> maxAbs(std::string_view column) const {
    if (!hasBoth(full_, model_, column) || grid_.empty()) return std::nullopt;
    std::optional<double> worst;
    for (double x : differences(column)) {
      if (std::isfinite(x)) worst = std::max(worst.value_or(0.0), std::abs(x));
    }
    return worst;
  }

 private:
  std::vector<double> differences(std::string_view column) const {
    auto d = resample(model_, column, grid_);
    const auto f = resample(full_, column, grid_);
    for (std::size_t k = 0; k < d.size(); ++k) d[k] -= f[k];
    return d;
  }

  const core::TimeSeries& full_;
  const core::TimeSeries& model_;
  std::vector<double> grid_;
};

std::optional<double> normalised(std::optional<double> value, std::optional<double> base) {
  if (!value || !base || !(*base > 0.0) || !std::isfinite(*base)) return std::nullopt;
  return *value / *base;
}

std::optional<double> finiteOrNull(double x) {
  return std::isfinite(x) ? std::optional<double>(x) : std::nullopt;
}

}  // namespace

std::optional<double> SectionStallTiming::error_s() const {
  return absDifference(model_s, full_s);
}

CaseMetrics compareRuns(const core::TimeSeries& full, const core::TimeSeries& model, const Disturbance& disturbance,
                        const Options& options) {
  requireRows(full, "full");
  requireRows(model, "model");
  if (!(disturbance.t_clear_s >= disturbance.t_on_s)) {
    throw std::invalid_argument("compareRuns: the disturbance ends before it starts");
  }
  CaseMetrics m;
  m.t_end_s = std::min(full.time().back(), model.time().back());
  const GridComparison grid(full, model, uniformGrid(disturbance.t_on_s, m.t_end_s, options.grid_step_s));
  const double t_on = disturbance.t_on_s;

  // Normalisation bases: the full feeder just before the event (cli.md).
  if (full.find("head_v_pu")) m.base_v_pu = finiteOrNull(preEventValue(full, "head_v_pu", t_on));
  if (full.find("head_p_kw") && full.find("head_q_kvar")) {
    m.base_s_kva =
        finiteOrNull(std::hypot(preEventValue(full, "head_p_kw", t_on), preEventValue(full, "head_q_kvar", t_on)));
  }
  m.head_v_nrmse = normalised(grid.rms("head_v_pu"), m.base_v_pu);
  m.head_p_nrmse = normalised(grid.rms("head_p_kw"), m.base_s_kva);
  m.head_q_nrmse = normalised(grid.rms("head_q_kvar"), m.base_s_kva);
  m.head_v_max_error_pu = grid.maxAbs("head_v_pu");
  m.head_p_max_error_kw = grid.maxAbs("head_p_kw");
  m.head_q_max_error_kvar = grid.maxAbs("head_q_kvar");

  if (full.find("head_v_pu")) {
    m.recovery_time_full_s = recoveryTime(full, "head_v_pu", disturbance.t_clear_s, options.recovery_threshold_pu);
    m.recovery_time_095_full_s =
        recoveryTime(full, "head_v_pu", disturbance.t_clear_s, options.recovery_threshold_095_pu);
  }
  if (model.find("head_v_pu")) {
    m.recovery_time_model_s = recoveryTime(model, "head_v_pu", disturbance.t_clear_s, options.recovery_threshold_pu);
    m.recovery_time_095_model_s =
        recoveryTime(model, "head_v_pu", disturbance.t_clear_s, options.recovery_threshold_095_pu);
  }
  m.recovery_time_error_s = absDifference(m.recovery_time_model_s, m.recovery_time_full_s);

  const auto k = static_cast<std::size_t>(std::lround(options.fraction_time_tolerance_s / options.grid_step_s));
  m.stalled_fraction_max_error = grid.maxAbsTimeTolerant("motor_d_stalled_fraction", k);
  m.contactor_fraction_max_error = grid.maxAbsTimeTolerant("contactor_tripped_fraction", k);
  m.uv_fraction_max_error = grid.maxAbsTimeTolerant("uv_tripped_fraction", k);
  m.stalled_fraction_max_error_pointwise = grid.maxAbs("motor_d_stalled_fraction");
  m.contactor_fraction_max_error_pointwise = grid.maxAbs("contactor_tripped_fraction");
  m.uv_fraction_max_error_pointwise = grid.maxAbs("uv_tripped_fraction");
  if (hasBoth(full, model, "thermal_tripped_fraction")) {
    const double f = interpolate(full.time(), full.column("thermal_tripped_fraction"), m.t_end_s);
    const double g = interpolate(model.time(), model.column("thermal_tripped_fraction"), m.t_end_s);
    m.thermal_fraction_end_error = finiteOrNull(std::abs(g - f));
  }
  if (const auto share = full.find("motor_d_stall_share")) {
    std::optional<double> peak;
    for (double x : full.columns[*share]) {
      if (std::isfinite(x)) peak = std::max(peak.value_or(x), x);
    }
    m.full_peak_stalled_fraction = peak;
  }

  // Sections present in both runs (a single-bus baseline has none).
  const auto in_full = sectionsOf(full);
  for (int k : sectionsOf(model)) {
    if (!in_full.contains(k)) continue;
    SectionStallTiming s;
    s.section = k;
    s.full_s = firstTimeAbove(full, sectionColumn(k), t_on, options.section_stall_threshold);
    s.model_s = firstTimeAbove(model, sectionColumn(k), t_on, options.section_stall_threshold);
    m.sections.push_back(s);
  }
  return m;
}

}  // namespace feederlab::compare
