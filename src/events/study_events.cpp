// The default events of `feederlab study` (cli.md).
#include "feederlab/events/study_events.hpp"

#include <fmt/format.h>

#include <utility>

namespace feederlab::events {

namespace {

Scenario scenario(std::string name, std::string description, EventDetail detail) {
  Scenario s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.t_end_s = kStudyEndS;
  s.events.push_back(Event{.detail = std::move(detail), .note = ""});
  return s;
}

}  // namespace

std::vector<Scenario> defaultStudyEvents() {
  constexpr double kMagnitudesPu[] = {0.3, 0.45, 0.6};
  constexpr int kCycles[] = {3, 5, 9};
  std::vector<Scenario> out;
  for (double m : kMagnitudesPu) {
    for (int n : kCycles) {
      out.push_back(scenario(fmt::format("sag-{:.2f}pu-{}cyc", m, n),
                             fmt::format("Source EMF (behind the source impedance) to {} pu for {} cycles at {} Hz "
                                         "from t = {} s",
                                         m, n, kStudyFrequencyHz, kStudyEventStartS),
                             SourceSag{.magnitude_pu = {m, m, m},
                                       .t_on_s = kStudyEventStartS,
                                       .duration_s = n / kStudyFrequencyHz,
                                       .profile = {}}));
    }
  }
  const double fault_cycles = 5.0;
  out.push_back(scenario("slg-head-5cyc", "Bolted phase-a-to-ground fault at @head for 5 cycles at 60 Hz from t = 1 s",
                         Fault{.bus = std::string(kHeadBus),
                               .kind = FaultKind::Slg,
                               .phases = "a",
                               .impedance_ohm = {0.0, 0.0},
                               .t_on_s = kStudyEventStartS,
                               .t_off_s = kStudyEventStartS + fault_cycles / kStudyFrequencyHz}));
  return out;
}

}  // namespace feederlab::events
