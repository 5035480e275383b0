// Event model: validate() lists every problem, sag and playback evaluation, discontinuity times,
// and the study's default events.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "feederlab/events/scenario.hpp"
#include "feederlab/events/study_events.hpp"

using namespace feederlab::events;

namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(text) != std::string::npos; });
}

Fault slgFault() {
  Fault f;
  f.kind = FaultKind::Slg;
  f.phases = "a";
  f.t_on_s = 1.0;
  f.t_off_s = 1.1;
  return f;
}

Scenario scenarioWith(std::vector<Event> events, double t_end_s = 10.0) {
  Scenario s;
  s.name = "test";
  s.t_end_s = t_end_s;
  s.events = std::move(events);
  return s;
}

}  // namespace

TEST_CASE("events: a valid fault has no problem - phases must fit the kind") {
  CHECK(slgFault().validate(10.0).empty());
  Fault f = slgFault();
  f.phases = "ab";
  CHECK(mentions(f.validate(10.0), "phases: \"ab\" has 2 phase(s) where a slg fault has 1"));
  f.kind = FaultKind::Ll;
  CHECK(f.validate(10.0).empty());
  f.kind = FaultKind::Dlg;
  CHECK(f.validate(10.0).empty());
  f.kind = FaultKind::ThreePhase;
  CHECK(mentions(f.validate(10.0), "phases"));
  f.phases = "abc";
  CHECK(f.validate(10.0).empty());
  for (const char* bad : {"", "aa", "d", "ab c", "A"}) {
    f.phases = bad;
    CHECK(mentions(f.validate(10.0), "phases"));
  }
}

TEST_CASE("events: fault validate() lists every problem at once") {
  Fault f = slgFault();
  f.bus = "";
  f.impedance_ohm = {-1.0, 0.5};
  f.t_on_s = -0.5;
  f.t_off_s = -1.0;
  f.phases = "ab";
  const auto problems = f.validate(10.0);
  CHECK(problems.size() == 6);
  CHECK(mentions(problems, "bus: must not be empty"));
  CHECK(mentions(problems, "impedance_ohm: resistance -1 ohm is negative"));
  CHECK(mentions(problems, "t_on_s: -0.5 s is negative"));
  CHECK(mentions(problems, "t_off_s: -1 s is negative"));
  CHECK(mentions(problems, "t_off_s: -1 s is not after t_on_s"));
  CHECK(mentions(problems, "phases"));
  f = slgFault();
  f.t_off_s = 12.0;
  CHECK(mentions(f.validate(10.0), "t_off_s: 12 s is after t_end_s (10 s)"));
}

TEST_CASE("events: source sag step and profile") {
  SourceSag s{.magnitude_pu = {0.5, 0.5, 0.5}, .t_on_s = 1.0, .duration_s = 0.1, .profile = {}};
  CHECK(s.validate(30.0).empty());
  CHECK(s.magnitudeAt(0.99)[0] == 1.0);
  CHECK(s.magnitudeAt(1.0)[1] == 0.5);
  CHECK(s.magnitudeAt(1.05)[2] == 0.5);
  CHECK(s.magnitudeAt(1.1)[0] == 1.0);
  s.magnitude_pu = {0.5, -0.1, 1.6};
  s.duration_s = 0.0;
  const auto problems = s.validate(30.0);
  CHECK(mentions(problems, "magnitude_pu: magnitude -0.1 pu is outside [0, 1.5]"));
  CHECK(mentions(problems, "duration_s: 0 s must be positive"));
  s = SourceSag{.magnitude_pu = {1, 1, 1}, .t_on_s = 29.0, .duration_s = 2.0, .profile = {}};
  CHECK(mentions(s.validate(30.0), "duration_s: the sag ends at 31 s"));

  SourceSag p;
  p.profile = {{.t_s = 1.0, .magnitude_pu = {1.0, 1.0, 1.0}},
               {.t_s = 1.1, .magnitude_pu = {0.5, 0.6, 0.7}},
               {.t_s = 2.1, .magnitude_pu = {0.9, 0.9, 0.9}}};
  CHECK(p.validate(30.0).empty());
  CHECK(p.magnitudeAt(0.5)[0] == 1.0);
  CHECK(p.magnitudeAt(1.05)[0] == doctest::Approx(0.75));
  CHECK(p.magnitudeAt(1.6)[1] == doctest::Approx(0.75));
  CHECK(p.magnitudeAt(1.6)[2] == doctest::Approx(0.8));
  CHECK(p.magnitudeAt(25.0)[2] == 0.9);
  p.profile[2].t_s = 1.1;
  CHECK(mentions(p.validate(30.0), "profile[2]: time 1.1 s does not increase"));
}

TEST_CASE("events: playback interpolation - angles unwrapped across 180 degrees") {
  PlaybackSeries s;
  s.samples = {{.t_s = 0.0, .magnitude_pu = {1.0, 1.0, 1.0}, .angle_deg = {170.0, 50.0, -70.0}},
               {.t_s = 1.0, .magnitude_pu = {0.5, 0.7, 0.9}, .angle_deg = {-170.0, 30.0, -90.0}}};
  CHECK(s.validate().empty());
  const PlaybackSample m = s.at(0.5);
  CHECK(m.magnitude_pu[0] == doctest::Approx(0.75));
  CHECK(m.magnitude_pu[2] == doctest::Approx(0.95));
  CHECK(std::fabs(std::remainder(m.angle_deg[0] - 180.0, 360.0)) < 1e-9);  // through 180, not through 0
  CHECK(m.angle_deg[1] == doctest::Approx(40.0));
  CHECK(s.at(-1.0).magnitude_pu[0] == 1.0);
  CHECK(s.at(5.0).magnitude_pu[1] == 0.7);
  const auto v = s.phasorsAt(1.0);
  CHECK(v[0].real() == doctest::Approx(0.5 * std::cos(-170.0 * std::numbers::pi / 180.0)));
  CHECK(v[0].imag() == doctest::Approx(0.5 * std::sin(-170.0 * std::numbers::pi / 180.0)));
  s.samples[1].t_s = 0.0;
  s.samples[1].magnitude_pu[0] = NAN;
  const auto problems = s.validate();
  CHECK(mentions(problems, "samples[1]: time 0 s does not increase"));
  CHECK(mentions(problems, "samples[1]: magnitude nan pu"));
}

TEST_CASE("events: switch and load step checks") {
  SwitchAction w{.element = "line.sw1", .operation = SwitchOperation::Close, .t_s = 2.0};
  CHECK(w.validate(10.0).empty());
  w.element = "sw1";
  CHECK(mentions(w.validate(10.0), "element: \"sw1\" must be \"line.<name>\""));
  w.element = "line.";
  CHECK_FALSE(w.validate(10.0).empty());
  LoadStep l{.load = "all", .scale = 1.2, .t_s = 5.0};
  CHECK(l.validate(10.0).empty());
  l.scale = -1.0;
  l.t_s = 11.0;
  CHECK(l.validate(10.0).size() == 2);
}

TEST_CASE("events: scenario validate() prefixes each problem with the JSON path") {
  Fault bad = slgFault();
  bad.t_off_s = 0.5;
  Scenario s = scenarioWith({Event{.detail = slgFault(), .note = ""}, Event{.detail = bad, .note = ""},
                             Event{.detail = LoadStep{.load = "", .scale = 1.0, .t_s = 1.0}, .note = ""}});
  s.output_interval_s = 0.0;
  const auto problems = s.validate();
  CHECK(problems.size() == 3);
  CHECK(mentions(problems, "output_interval_s: 0 s must be positive"));
  CHECK(mentions(problems, "events[1].fault.t_off_s: 0.5 s is not after t_on_s (1 s)"));
  CHECK(mentions(problems, "events[2].load_step.load: must not be empty"));
  s = scenarioWith({});
  s.name = "";
  s.t_end_s = -1.0;
  CHECK(s.validate().size() == 2);
}

TEST_CASE("events: discontinuity times are sorted - distinct and within (0 - t_end)") {
  PlaybackSeries series;
  series.samples = {{.t_s = 0.0, .magnitude_pu = {1, 1, 1}, .angle_deg = {0, -120, 120}},
                    {.t_s = 2.0, .magnitude_pu = {1, 1, 1}, .angle_deg = {0, -120, 120}},
                    {.t_s = 2.001, .magnitude_pu = {0.5, 1, 1}, .angle_deg = {0, -120, 120}},
                    {.t_s = 3.0, .magnitude_pu = {0.52, 1, 1}, .angle_deg = {0, -120, 120}}};
  VoltagePlayback playback;
  playback.csv = "x.csv";
  playback.series = series;
  SourceSag sag{.magnitude_pu = {0.5, 0.5, 0.5}, .t_on_s = 1.0, .duration_s = 0.1, .profile = {}};
  const Scenario s = scenarioWith(
      {Event{.detail = slgFault(), .note = ""}, Event{.detail = sag, .note = ""},
       Event{.detail = SwitchAction{.element = "line.x", .operation = SwitchOperation::Open, .t_s = 5.0}, .note = ""},
       Event{.detail = LoadStep{.load = "all", .scale = 2.0, .t_s = 5.0}, .note = ""},
       Event{.detail = playback, .note = ""}});
  CHECK(s.validate().empty());
  const std::vector<double> expected{1.0, 1.1, 2.0, 2.001, 5.0};
  const auto t = discontinuityTimes(s);
  REQUIRE(t.size() == expected.size());
  for (std::size_t i = 0; i < t.size(); ++i) CHECK(t[i] == doctest::Approx(expected[i]).epsilon(1e-12));
}

TEST_CASE("events: the study's ten default events as cli.md states them") {
  const auto events = defaultStudyEvents();
  REQUIRE(events.size() == 10);
  const char* names[] = {"sag-0.30pu-3cyc", "sag-0.30pu-5cyc", "sag-0.30pu-9cyc", "sag-0.45pu-3cyc", "sag-0.45pu-5cyc",
                         "sag-0.45pu-9cyc", "sag-0.60pu-3cyc", "sag-0.60pu-5cyc", "sag-0.60pu-9cyc", "slg-head-5cyc"};
  const double magnitudes[] = {0.3, 0.45, 0.6};
  const double cycles[] = {3.0, 5.0, 9.0};
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Scenario& s = events[i];
    CAPTURE(s.name);
    CHECK(s.name == names[i]);
    CHECK(s.t_end_s == 30.0);
    CHECK(s.validate().empty());
    REQUIRE(s.events.size() == 1);
    if (i < 9) {
      const auto* sag = std::get_if<SourceSag>(&s.events[0].detail);
      REQUIRE(sag != nullptr);
      CHECK_FALSE(sag->isProfile());
      CHECK(sag->t_on_s == 1.0);
      CHECK(sag->duration_s == doctest::Approx(cycles[i % 3] / 60.0).epsilon(1e-15));
      for (double m : sag->magnitude_pu) CHECK(m == magnitudes[i / 3]);
      CHECK(discontinuityTimes(s) == std::vector<double>{1.0, 1.0 + sag->duration_s});
    } else {
      const auto* f = std::get_if<Fault>(&s.events[0].detail);
      REQUIRE(f != nullptr);
      CHECK(f->bus == "@head");
      CHECK(f->kind == FaultKind::Slg);
      CHECK(f->phases == "a");
      CHECK(f->impedance_ohm == std::complex<double>(0.0, 0.0));
      CHECK(f->t_on_s == 1.0);
      CHECK(f->t_off_s - f->t_on_s == doctest::Approx(5.0 / 60.0).epsilon(1e-12));
      CHECK(f->activeAt(1.05));
      CHECK_FALSE(f->activeAt(1.0 + 5.0 / 60.0 + 1e-9));
    }
  }
}
