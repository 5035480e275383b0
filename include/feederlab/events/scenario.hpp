// Events of a dynamic simulation as plain data (format of the files: docs/events.md).
//
// A Scenario is what one `feederlab simulate` run applies to a feeder: its length, the output
// interval and a list of events, each one of
//   Fault           a shunt fault (three-phase, SLG, LL, DLG) through an impedance at a bus or @head;
//   SourceSag       the source EMF (behind the source impedance) scaled per phase, as a step or a
//                   piecewise-linear profile, so that stalled motors can still depress the voltage;
//   VoltagePlayback a recorded per-phase voltage (magnitude, angle) imposed at a bus (@head);
//   SwitchAction    a line (switch) opened or closed;
//   LoadStep        one load, or all loads, scaled in P and Q.
// Times are simulation seconds (t = 0 is the power-flow operating point). Every struct's
// validate() lists every problem it finds (empty = valid), each as "key: message" with the key
// spelled as in the JSON file, so that Scenario::validate() can name `events[2].fault.t_off_s`.
#pragma once

#include <array>
#include <complex>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace feederlab::events {

inline constexpr std::string_view kHeadBus = "@head";  // the feeder head bus, cli.md "Words used below"
inline constexpr std::string_view kAllLoads = "all";   // LoadStep on every load
inline constexpr double kDefaultOutputIntervalS = 0.01;
inline constexpr double kMaxSagMagnitudePu = 1.5;       // SourceSag magnitudes lie in [0, 1.5]
inline constexpr double kMaxPlaybackMagnitudePu = 2.0;  // playback magnitudes lie in [0, 2]

using PhaseValues = std::array<double, 3>;  // phases a, b, c

// ---------------------------------------------------------------------------------------------
// Fault: shunt connection at `bus` during [t_on_s, t_off_s).
//   three_phase: each of a, b, c to ground through impedance_ohm (phases "abc");
//   slg:         one phase to ground through impedance_ohm (phases "a", "b" or "c");
//   ll:          the two phases joined through impedance_ohm (phases "ab", "bc" or "ca");
//   dlg:         each of the two phases to ground through impedance_ohm.
// impedance_ohm = 0 is a bolted fault (the solver substitutes its own tiny resistance).
enum class FaultKind { ThreePhase, Slg, Ll, Dlg };

std::string_view faultKindName(FaultKind kind);  // "three_phase", "slg", "ll", "dlg"
bool parseFaultKind(std::string_view text, FaultKind& out);
int phaseCount(FaultKind kind);  // 3, 1, 2, 2

struct Fault {
  std::string bus{kHeadBus};  // bus name (as in the feeder) or "@head"
  FaultKind kind = FaultKind::ThreePhase;
  std::string phases = "abc";          // faulted phases, letters from "abc", each once
  std::complex<double> impedance_ohm;  // fault impedance R + jX (ohm); 0 = bolted
  double t_on_s = 0.0;
  double t_off_s = 0.0;

  bool activeAt(double t_s) const { return t_s >= t_on_s && t_s < t_off_s; }
  std::vector<std::string> validate(double t_end_s) const;
  bool operator==(const Fault&) const = default;
};

// ---------------------------------------------------------------------------------------------
// SourceSag: the source EMF magnitude, per phase, in pu of its pre-event (power-flow) value; the
// EMF angle is unchanged. Either a step (magnitude_pu during [t_on_s, t_on_s + duration_s), 1
// otherwise) or, when `profile` is non-empty, a piecewise-linear profile: 1 before the first
// point, linear between points, the last point's value held after it.
struct SagPoint {
  double t_s = 0.0;
  PhaseValues magnitude_pu{1.0, 1.0, 1.0};
  bool operator==(const SagPoint&) const = default;
};

struct SourceSag {
  PhaseValues magnitude_pu{1.0, 1.0, 1.0};
  double t_on_s = 0.0;
  double duration_s = 0.0;
  std::vector<SagPoint> profile;  // non-empty: replaces the step

  bool isProfile() const { return !profile.empty(); }
  PhaseValues magnitudeAt(double t_s) const;
  std::vector<std::string> validate(double t_end_s) const;
  bool operator==(const SourceSag&) const = default;
};

// ---------------------------------------------------------------------------------------------
// VoltagePlayback: a recorded voltage imposed at `bus` (the source EMF and impedance are replaced
// by an ideal source there). The series holds per-phase magnitudes (pu of nominal line-to-neutral)
// and angles (degrees, in the simulation's frame: the source phase-a angle of the power flow is 0).
// Before the first sample the first one holds, after the last one the last one holds; between
// samples magnitudes and angles (unwrapped across +-180 deg) are interpolated linearly.
struct PlaybackSample {
  double t_s = 0.0;
  PhaseValues magnitude_pu{1.0, 1.0, 1.0};
  PhaseValues angle_deg{0.0, -120.0, 120.0};
  bool operator==(const PlaybackSample&) const = default;
};

struct PlaybackSeries {
  std::vector<PlaybackSample> samples;  // strictly increasing t_s, at least two

  PlaybackSample at(double t_s) const;
  std::array<std::complex<double>, 3> phasorsAt(double t_s) const;  // pu, rectangular
  std::vector<std::string> validate() const;
  bool operator==(const PlaybackSeries&) const = default;
};

struct VoltagePlayback {
  std::string bus{kHeadBus};
  std::string csv;                 // the CSV path as written in the event file
  std::filesystem::path csv_path;  // resolved against the event file's folder (readScenario)
  PlaybackSeries series;           // read by readScenario / readPlaybackCsv

  std::vector<std::string> validate(double t_end_s) const;
  // Equal when the bus, the path as written and the series are; csv_path is where it was found.
  bool operator==(const VoltagePlayback& o) const { return bus == o.bus && csv == o.csv && series == o.series; }
};

// ---------------------------------------------------------------------------------------------
// SwitchAction: opens or closes a line (OpenDSS switches are lines) at t_s; element "line.<name>".
enum class SwitchOperation { Open, Close };
std::string_view switchOperationName(SwitchOperation op);  // "open", "close"

struct SwitchAction {
  std::string element;  // "line.<name>"
  SwitchOperation operation = SwitchOperation::Open;
  double t_s = 0.0;

  std::vector<std::string> validate(double t_end_s) const;
  bool operator==(const SwitchAction&) const = default;
};

// ---------------------------------------------------------------------------------------------
// LoadStep: at t_s, P and Q of the named load (or of every load, "all") are multiplied by scale
// (relative to their values just before the step; source-side loads are never scaled by "all").
struct LoadStep {
  std::string load{kAllLoads};
  double scale = 1.0;
  double t_s = 0.0;

  std::vector<std::string> validate(double t_end_s) const;
  bool operator==(const LoadStep&) const = default;
};

// ---------------------------------------------------------------------------------------------
using EventDetail = std::variant<Fault, SourceSag, VoltagePlayback, SwitchAction, LoadStep>;

std::string_view typeKey(const EventDetail& detail);  // JSON key: "fault", "source_sag", ...

struct Event {
  EventDetail detail;
  std::string note;  // free text, optional
  bool operator==(const Event&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  double t_end_s = 0.0;
  double output_interval_s = kDefaultOutputIntervalS;
  std::vector<Event> events;

  // Every problem, "key: message" with keys as in the JSON file ("events[2].fault.t_off_s: ...").
  std::vector<std::string> validate() const;
  bool operator==(const Scenario&) const = default;
};

// Sorted, distinct times (within [0, t_end_s]) at which the solver must stop exactly: fault on
// and off, sag step edges and profile points, switch actions, load steps, and playback samples
// where a phase magnitude jumps by more than `playback_jump_pu` from the previous sample (the
// other playback samples are kinks the step control handles).
std::vector<double> discontinuityTimes(const Scenario& scenario, double playback_jump_pu = 0.05);

}  // namespace feederlab::events
