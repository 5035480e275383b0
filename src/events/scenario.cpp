// Event model: validation, evaluation of sags and playback series, discontinuity times.
#include "feederlab/events/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace feederlab::events {

namespace {

using Problems = std::vector<std::string>;

void add(Problems& out, const std::string& key, const std::string& message) {
  out.push_back(key + ": " + message);
}

// A time that must lie in [0, t_end].
void checkTime(Problems& out, const std::string& key, double t_s, double t_end_s) {
  if (!std::isfinite(t_s)) {
    add(out, key, "must be a finite time");
  } else if (t_s < 0.0) {
    add(out, key, fmt::format("{} s is negative", t_s));
  } else if (t_s > t_end_s) {
    add(out, key, fmt::format("{} s is after t_end_s ({} s)", t_s, t_end_s));
  }
}

void checkName(Problems& out, const std::string& key, const std::string& name) {
  if (name.empty()) {
    add(out, key, "must not be empty");
  } else if (std::any_of(name.begin(), name.end(),
                         [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    add(out, key, "must not contain white space");
  }
}

void checkMagnitudes(Problems& out, const std::string& key, const PhaseValues& m, double max_pu) {
  for (double v : m) {
    if (!std::isfinite(v) || v < 0.0 || v > max_pu) {
      add(out, key, fmt::format("magnitude {} pu is outside [0, {}]", v, max_pu));
      return;
    }
  }
}

double lerp(double a, double b, double w) {
  return a + (b - a) * w;
}

// Angle b unwrapped to within 180 deg of a.
double unwrapNear(double a, double b) {
  double d = std::remainder(b - a, 360.0);
  return a + d;
}

}  // namespace

// ----------------------------------------------------------------------------------- Fault ----

std::string_view faultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::ThreePhase:
      return "three_phase";
    case FaultKind::Slg:
      return "slg";
    case FaultKind::Ll:
      return "ll";
    case FaultKind::Dlg:
      return "dlg";
  }
  return "?";
}

bool parseFaultKind(std::string_view text, FaultKind& out) {
  for (FaultKind k : {FaultKind::ThreePhase, FaultKind::Slg, FaultKind::Ll, FaultKind::Dlg}) {
    if (text == faultKindName(k)) {
      out = k;
      return true;
    }
  }
  return false;
}

int phaseCount(FaultKind kind) {
  switch (kind) {
    case FaultKind::ThreePhase:
      return 3;
    case FaultKind::Slg:
      return 1;
    case FaultKind::Ll:
    case FaultKind::Dlg:
      return 2;
  }
  return 0;
}

std::vector<std::string> Fault::validate(double t_end_s) const {
  Problems out;
  checkName(out, "bus", bus);
  bool letters_ok = !phases.empty();
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const char c = phases[i];
    if ((c != 'a' && c != 'b' && c != 'c') || phases.find(c) != i) letters_ok = false;
  }
  if (!letters_ok) {
    add(out, "phases", fmt::format("\"{}\" must be distinct letters from \"abc\"", phases));
  } else if (static_cast<int>(phases.size()) != phaseCount(kind)) {
    add(out, "phases",
        fmt::format("\"{}\" has {} phase(s) where a {} fault has {}", phases, phases.size(), faultKindName(kind),
                    phaseCount(kind)));
  }
  if (!std::isfinite(impedance_ohm.real()) || !std::isfinite(impedance_ohm.imag())) {
    add(out, "impedance_ohm", "must be finite");
  } else if (impedance_ohm.real() < 0.0) {
    add(out, "impedance_ohm", fmt::format("resistance {} ohm is negative", impedance_ohm.real()));
  }
  checkTime(out, "t_on_s", t_on_s, t_end_s);
  checkTime(out, "t_off_s", t_off_s, t_end_s);
  if (std::isfinite(t_on_s) && std::isfinite(t_off_s) && t_off_s <= t_on_s) {
    add(out, "t_off_s", fmt::format("{} s is not after t_on_s ({} s)", t_off_s, t_on_s));
  }
  return out;
}

// ------------------------------------------------------------------------------- SourceSag ----

PhaseValues SourceSag::magnitudeAt(double t_s) const {
  if (!isProfile()) {
    const bool on = t_s >= t_on_s && t_s < t_on_s + duration_s;
    return on ? magnitude_pu : PhaseValues{1.0, 1.0, 1.0};
  }
  if (t_s < profile.front().t_s) return {1.0, 1.0, 1.0};
  if (t_s >= profile.back().t_s) return profile.back().magnitude_pu;
  const auto next =
      std::upper_bound(profile.begin(), profile.end(), t_s, [](double t, const SagPoint& p) { return t < p.t_s; });
  const SagPoint& b = *next;
  const SagPoint& a = *(next - 1);
  const double w = (t_s - a.t_s) / (b.t_s - a.t_s);
  PhaseValues m{};
  for (std::size_t k = 0; k < 3; ++k) m[k] = lerp(a.magnitude_pu[k], b.magnitude_pu[k], w);
  return m;
}

std::vector<std::string> SourceSag::validate(double t_end_s) const {
  Problems out;
  if (!isProfile()) {
    checkMagnitudes(out, "magnitude_pu", magnitude_pu, kMaxSagMagnitudePu);
    checkTime(out, "t_on_s", t_on_s, t_end_s);
    if (!std::isfinite(duration_s) || duration_s <= 0.0) {
      add(out, "duration_s", fmt::format("{} s must be positive", duration_s));
    } else if (std::isfinite(t_on_s) && t_on_s + duration_s > t_end_s) {
      add(out, "duration_s", fmt::format("the sag ends at {} s, after t_end_s ({} s)", t_on_s + duration_s, t_end_s));
    }
    return out;
  }
  for (std::size_t i = 0; i < profile.size(); ++i) {
    const std::string key = fmt::format("profile[{}]", i);
    checkTime(out, key, profile[i].t_s, t_end_s);
    checkMagnitudes(out, key, profile[i].magnitude_pu, kMaxSagMagnitudePu);
    if (i > 0 && !(profile[i].t_s > profile[i - 1].t_s)) {
      add(out, key,
          fmt::format("time {} s does not increase on the previous point ({} s)", profile[i].t_s, profile[i - 1].t_s));
    }
  }
  return out;
}

// -------------------------------------------------------------------------- VoltagePlayback ----

PlaybackSample PlaybackSeries::at(double t_s) const {
  if (samples.empty()) return {.t_s = t_s};
  if (t_s <= samples.front().t_s) return {t_s, samples.front().magnitude_pu, samples.front().angle_deg};
  if (t_s >= samples.back().t_s) return {t_s, samples.back().magnitude_pu, samples.back().angle_deg};
  const auto next = std::upper_bound(samples.begin(), samples.end(), t_s,
                                     [](double t, const PlaybackSample& s) { return t < s.t_s; });
  const PlaybackSample& b = *next;
  const PlaybackSample& a = *(next - 1);
  const double w = (t_s - a.t_s) / (b.t_s - a.t_s);
  PlaybackSample s{.t_s = t_s};
  for (std::size_t k = 0; k < 3; ++k) {
    s.magnitude_pu[k] = lerp(a.magnitude_pu[k], b.magnitude_pu[k], w);
    s.angle_deg[k] = lerp(a.angle_deg[k], unwrapNear(a.angle_deg[k], b.angle_deg[k]), w);
  }
  return s;
}

std::array<std::complex<double>, 3> PlaybackSeries::phasorsAt(double t_s) const {
  const PlaybackSample s = at(t_s);
  std::array<std::complex<double>, 3> v{};
  for (std::size_t k = 0; k < 3; ++k) v[k] = std::polar(s.magnitude_pu[k], s.angle_deg[k] * std::numbers::pi / 180.0);
  return v;
}

std::vector<std::string> PlaybackSeries::validate() const {
  Problems out;
  if (samples.size() < 2) add(out, "samples", fmt::format("{} sample(s), at least two are needed", samples.size()));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const PlaybackSample& s = samples[i];
    const std::string key = fmt::format("samples[{}]", i);
    if (!std::isfinite(s.t_s)) add(out, key, "time must be finite");
    if (i > 0 && !(s.t_s > samples[i - 1].t_s)) {
      add(out, key,
          fmt::format("time {} s does not increase on the previous sample ({} s)", s.t_s, samples[i - 1].t_s));
    }
    checkMagnitudes(out, key, s.magnitude_pu, kMaxPlaybackMagnitudePu);
    if (std::any_of(s.angle_deg.begin(), s.angle_deg.end(), [](double a) { return !std::isfinite(a); })) {
      add(out, key, "angles must be finite");
    }
  }
  return out;
}

std::vector<std::string> VoltagePlayback::validate(double t_end_s) const {
  Problems out;
  checkName(out, "bus", bus);
  if (csv.empty()) add(out, "csv", "must name the playback CSV file");
  for (const std::string& p : series.validate()) out.push_back("csv: " + p);
  if (!series.samples.empty() && series.samples.front().t_s > 0.0) {
    add(out, "csv",
        fmt::format("the first sample is at {} s: the series must start at or before t = 0",
                    series.samples.front().t_s));
  }
  (void)t_end_s;  // samples after t_end are allowed (ignored)
  return out;
}

// ------------------------------------------------------------------- SwitchAction, LoadStep ----

std::string_view switchOperationName(SwitchOperation op) {
  return op == SwitchOperation::Open ? "open" : "close";
}

std::vector<std::string> SwitchAction::validate(double t_end_s) const {
  Problems out;
  const auto dot = element.find('.');
  if (dot == std::string::npos || element.substr(0, dot) != "line" || dot + 1 == element.size()) {
    add(out, "element", fmt::format("\"{}\" must be \"line.<name>\"", element));
  } else {
    checkName(out, "element", element);
  }
  checkTime(out, "t_s", t_s, t_end_s);
  return out;
}

std::vector<std::string> LoadStep::validate(double t_end_s) const {
  Problems out;
  checkName(out, "load", load);
  if (!std::isfinite(scale) || scale < 0.0) add(out, "scale", fmt::format("{} must be a finite number >= 0", scale));
  checkTime(out, "t_s", t_s, t_end_s);
  return out;
}

// -------------------------------------------------------------------------------- Scenario ----

std::string_view typeKey(const EventDetail& detail) {
  struct Key {
    std::string_view operator()(const Fault&) const { return "fault"; }
    std::string_view operator()(const SourceSag&) const { return "source_sag"; }
    std::string_view operator()(const VoltagePlayback&) const { return "voltage_playback"; }
    std::string_view operator()(const SwitchAction&) const { return "switch"; }
    std::string_view operator()(const LoadStep&) const { return "load_step"; }
  };
  return std::visit(Key{}, detail);
}

std::vector<std::string> Scenario::validate() const {
  Problems out;
  checkName(out, "name", name);
  if (!std::isfinite(t_end_s) || t_end_s <= 0.0) add(out, "t_end_s", fmt::format("{} s must be positive", t_end_s));
  if (!std::isfinite(output_interval_s) || output_interval_s <= 0.0) {
    add(out, "output_interval_s", fmt::format("{} s must be positive", output_interval_s));
  } else if (std::isfinite(t_end_s) && t_end_s > 0.0 && output_interval_s > t_end_s) {
    add(out, "output_interval_s", fmt::format("{} s is longer than t_end_s ({} s)", output_interval_s, t_end_s));
  }
  int playbacks = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventDetail& d = events[i].detail;
    const std::string prefix = fmt::format("events[{}].{}.", i, typeKey(d));
    const Problems own = std::visit([&](const auto& e) { return e.validate(t_end_s); }, d);
    for (const std::string& p : own) out.push_back(prefix + p);
    if (std::holds_alternative<VoltagePlayback>(d) && ++playbacks == 2) {
      add(out, fmt::format("events[{}]", i), "a scenario holds at most one voltage_playback");
    }
  }
  return out;
}

std::vector<double> discontinuityTimes(const Scenario& scenario, double playback_jump_pu) {
  std::vector<double> t;
  for (const Event& e : scenario.events) {
    if (const auto* f = std::get_if<Fault>(&e.detail)) {
      t.insert(t.end(), {f->t_on_s, f->t_off_s});
    } else if (const auto* s = std::get_if<SourceSag>(&e.detail)) {
      if (!s->isProfile()) t.insert(t.end(), {s->t_on_s, s->t_on_s + s->duration_s});
      for (const SagPoint& p : s->profile) t.push_back(p.t_s);
    } else if (const auto* w = std::get_if<SwitchAction>(&e.detail)) {
      t.push_back(w->t_s);
    } else if (const auto* l = std::get_if<LoadStep>(&e.detail)) {
      t.push_back(l->t_s);
    } else if (const auto* v = std::get_if<VoltagePlayback>(&e.detail)) {
      const auto& smp = v->series.samples;
      for (std::size_t i = 1; i < smp.size(); ++i) {
        for (std::size_t k = 0; k < 3; ++k) {
          if (std::fabs(smp[i].magnitude_pu[k] - smp[i - 1].magnitude_pu[k]) > playback_jump_pu) {
            t.push_back(smp[i - 1].t_s);
            t.push_back(smp[i].t_s);
            break;
          }
        }
      }
    }
  }
  std::erase_if(t, [&](double x) { return !(x >= 0.0 && x <= scenario.t_end_s); });
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end(), [](double a, double b) { return b - a <= 1e-12 * std::max(1.0, b); }),
          t.end());
  return t;
}

}  // namespace feederlab::events
