// Event files: the shipped data/events files, write/read round trips, and broken files that must
// fail with core::InputError naming the file and the key (never another exception, never a crash).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feederlab/core/error.hpp"
#include "feederlab/events/scenario_io.hpp"
#include "feederlab/events/study_events.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using namespace feederlab::events;
using feederlab::core::InputError;

namespace {

fs::path eventsDir() {
  return feederlab::test::sourceDir() / "data" / "events";
}

void writeText(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

struct Failure {
  bool input_error = false;  // threw core::InputError
  std::string what;
  std::string offending;
  int line = 0;
};

// Reads `file`; reports how it failed. Any other exception fails the test.
Failure failureOf(const fs::path& file) {
  Failure f;
  try {
    (void)readScenario(file);
  } catch (const InputError& e) {
    f = {true, e.what(), e.offending(), e.where().line};
  } catch (const std::exception& e) {
    FAIL_CHECK("not an InputError: " << e.what());
  }
  return f;
}

// Writes `json` (and optionally a CSV beside it) into a scratch folder and returns the failure.
Failure failureOfText(const std::string& name, const std::string& json, const std::string& csv = "") {
  const fs::path dir = feederlab::test::scratchDir("events_" + name);
  const fs::path file = dir / (name + ".json");
  writeText(file, json);
  if (!csv.empty()) writeText(dir / "rec.csv", csv);
  const Failure f = failureOf(file);
  CHECK_MESSAGE(f.input_error, name << " did not fail");
  CHECK_MESSAGE(f.what.find(file.string()) != std::string::npos, "names the file: " << f.what);
  return f;
}

std::string withEvent(const std::string& event, double t_end_s = 30.0) {
  return "{\"name\": \"x\", \"t_end_s\": " + std::to_string(t_end_s) + ", \"events\": [" + event + "]}";
}

const std::string kSlg =
    R"({"fault": {"bus": "@head", "kind": "slg", "phases": "a", "impedance_ohm": [0, 0], "t_on_s": 1, "t_off_s": 1.1}})";

Scenario everyKind() {
  Scenario s;
  s.name = "every-kind";
  s.description = "one of each \"event\", with unicode \xc2\xb5s";
  s.t_end_s = 12.5;
  s.output_interval_s = 0.002;
  Fault f{.bus = "bus_7",
          .kind = FaultKind::Dlg,
          .phases = "bc",
          .impedance_ohm = {0.1, 1.0 / 3.0},
          .t_on_s = 0.1,
          .t_off_s = 0.1 + 5.0 / 60.0};
  SourceSag step{.magnitude_pu = {0.3, 0.4, 0.5}, .t_on_s = 2.0, .duration_s = 9.0 / 60.0, .profile = {}};
  SourceSag profile;
  profile.profile = {{.t_s = 3.0, .magnitude_pu = {1, 1, 1}},
                     {.t_s = 3.01, .magnitude_pu = {0.2, 0.3, 0.4}},
                     {.t_s = 4.0, .magnitude_pu = {0.7, 0.7, 0.7}}};
  s.events = {
      Event{.detail = f, .note = "dlg"}, Event{.detail = step, .note = ""}, Event{.detail = profile, .note = ""},
      Event{.detail = SwitchAction{.element = "line.sw2", .operation = SwitchOperation::Close, .t_s = 6.0}, .note = ""},
      Event{.detail = LoadStep{.load = "all", .scale = 0.8, .t_s = 7.0}, .note = "shed"}};
  return s;
}

}  // namespace

TEST_CASE("events json: every shipped data/events file reads and validates") {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(eventsDir())) {
    if (entry.path().extension() != ".json") continue;
    CAPTURE(entry.path().string());
    const Scenario s = readScenario(entry.path());
    CHECK(s.validate().empty());
    CHECK(s.name == entry.path().stem().string());
    CHECK_FALSE(s.description.empty());
    ++count;
  }
  CHECK(count >= 4);

  const Scenario flat = readScenario(eventsDir() / "flat.json");
  CHECK(flat.t_end_s == 10.0);
  CHECK(flat.events.empty());
  CHECK(discontinuityTimes(flat).empty());

  const Scenario sag = readScenario(eventsDir() / "sag-0.5pu-5cyc.json");
  CHECK(sag.t_end_s == 30.0);
  REQUIRE(sag.events.size() == 1);
  const auto& step = std::get<SourceSag>(sag.events[0].detail);
  CHECK(step.magnitude_pu == PhaseValues{0.5, 0.5, 0.5});
  CHECK(step.t_on_s == 1.0);
  CHECK(step.duration_s == doctest::Approx(5.0 / 60.0).epsilon(1e-15));

  const Scenario slg = readScenario(eventsDir() / "slg-head.json");
  CHECK(slg.t_end_s == 30.0);
  REQUIRE(slg.events.size() == 1);
  const auto& f = std::get<Fault>(slg.events[0].detail);
  CHECK(f.bus == "@head");
  CHECK(f.kind == FaultKind::Slg);
  CHECK(f.phases == "a");
  CHECK(f.impedance_ohm == std::complex<double>(0.0, 0.0));
  CHECK(f.t_on_s == 1.0);
  CHECK(f.t_off_s == doctest::Approx(1.0 + 5.0 / 60.0).epsilon(1e-15));

  const Scenario pb = readScenario(eventsDir() / "playback-example.json");
  REQUIRE(pb.events.size() == 1);
  const auto& v = std::get<VoltagePlayback>(pb.events[0].detail);
  CHECK(v.bus == "@head");
  CHECK(v.csv_path == eventsDir() / "playback-example.csv");
  CHECK(v.series.samples.size() > 100);
  CHECK(v.series.at(0.5).magnitude_pu[0] == doctest::Approx(1.02));
  CHECK(v.series.at(1.05).magnitude_pu[0] == doctest::Approx(0.45));
  CHECK(v.series.samples.back().t_s >= pb.t_end_s);
  const auto stops = discontinuityTimes(pb);  // the two 1 ms fault edges
  CHECK(stops == std::vector<double>{1.0, 1.001, 1.0833, 1.0843});
}

TEST_CASE("events json: write then read gives the same scenario") {
  const fs::path dir = feederlab::test::scratchDir("events_round_trip");
  std::vector<Scenario> all = defaultStudyEvents();
  all.push_back(everyKind());
  for (const auto& entry : fs::directory_iterator(eventsDir())) {
    if (entry.path().extension() == ".json") all.push_back(readScenario(entry.path()));
  }
  fs::copy_file(eventsDir() / "playback-example.csv", dir / "playback-example.csv");
  for (const Scenario& s : all) {
    CAPTURE(s.name);
    const fs::path file = dir / (s.name + ".json");
    writeText(file, writeScenario(s));
    const Scenario back = readScenario(file);
    CHECK(back == s);
    CHECK(writeScenario(back) == writeScenario(s));
  }
}

TEST_CASE("events json: broken files fail with InputError naming the file and the key") {
  SUBCASE("missing file") {
    const fs::path missing = feederlab::test::scratchDir("events_missing") / "nowhere.json";
    const Failure f = failureOf(missing);
    CHECK(f.input_error);
    CHECK(f.what.find(missing.string()) != std::string::npos);
  }
  SUBCASE("invalid JSON names line and column") {
    const Failure f = failureOfText("syntax", "{\n  \"name\": \"x\",\n  \"t_end_s\": 30,,\n}");
    CHECK(f.line == 3);
    CHECK(f.what.find("line 3") != std::string::npos);
  }
  SUBCASE("number too large for a double, null event body") {
    CHECK(failureOfText("overflow", R"({"name": "x", "t_end_s": 1e999, "events": []})").what.find("overflow") !=
          std::string::npos);
    CHECK(failureOfText("null_body", withEvent(R"({"fault": null})")).offending == "events[0].fault");
  }
  SUBCASE("empty file and wrong root") {
    CHECK(failureOfText("empty", "").input_error);
    CHECK(failureOfText("array", "[1, 2]").what.find("one JSON object") != std::string::npos);
  }
  SUBCASE("unknown event type") {
    const Failure f = failureOfText("unknown_type", withEvent(R"({"explosion": {"t_s": 1}})"));
    CHECK(f.offending == "events[0].explosion");
    CHECK(f.what.find("unknown event type") != std::string::npos);
  }
  SUBCASE("unknown key, two types in one event, no type") {
    std::string bad = kSlg;
    bad.insert(bad.find("\"bus\""), "\"impedance\": 3, ");
    CHECK(failureOfText("unknown_key", withEvent(bad)).offending == "events[0].fault.impedance");
    CHECK(failureOfText("two_types", withEvent(R"({"load_step": {"load": "all", "scale": 1, "t_s": 1},
                                                   "switch": {"element": "line.a", "action": "open", "t_s": 1}})"))
              .offending == "events[0]");
    CHECK(failureOfText("no_type", withEvent(R"({"note": "x"})")).offending == "events[0]");
    CHECK(failureOfText("top_key", R"({"name": "x", "t_end": 30, "events": []})").offending == "t_end");
  }
  SUBCASE("missing keys") {
    CHECK(failureOfText("no_t_end", R"({"name": "x", "events": []})").offending == "t_end_s");
    CHECK(failureOfText("no_events", R"({"name": "x", "t_end_s": 30})").offending == "events");
    std::string no_ton = kSlg;
    no_ton.erase(no_ton.find("\"t_on_s\": 1, "), 13);
    CHECK(failureOfText("no_t_on", withEvent(no_ton)).offending == "events[0].fault.t_on_s");
    std::string no_phases = kSlg;
    no_phases.erase(no_phases.find("\"phases\": \"a\", "), 15);
    CHECK(failureOfText("no_phases", withEvent(no_phases)).offending == "events[0].fault.phases");
    CHECK(failureOfText("no_duration", withEvent(R"({"source_sag": {"magnitude_pu": 0.5, "t_on_s": 1}})")).offending ==
          "events[0].source_sag.duration_s");
  }
  SUBCASE("wrong types") {
    std::string z = kSlg;
    z.replace(z.find("[0, 0]"), 6, "\"0\"");
    const Failure fz = failureOfText("z_string", withEvent(z));
    CHECK(fz.offending == "events[0].fault.impedance_ohm");
    CHECK(fz.what.find("must be a number") != std::string::npos);
    CHECK(failureOfText("z_string2", withEvent(kSlg + ", " + z)).offending == "events[1].fault.impedance_ohm");
    CHECK(failureOfText("events_object", R"({"name": "x", "t_end_s": 30, "events": {}})").offending == "events");
    CHECK(failureOfText("t_string", R"({"name": "x", "t_end_s": "30", "events": []})").offending == "t_end_s");
  }
  SUBCASE("negative time, t_off before t_on, bad phases: every problem listed") {
    std::string neg = kSlg;
    neg.replace(neg.find("\"t_on_s\": 1"), 11, "\"t_on_s\": -1");
    const Failure f1 = failureOfText("negative_time", withEvent(neg));
    CHECK(f1.offending == "events[0].fault.t_on_s");
    CHECK(f1.what.find("-1 s is negative") != std::string::npos);

    std::string back = kSlg;
    back.replace(back.find("\"t_off_s\": 1.1"), 14, "\"t_off_s\": 0.9");
    const Failure f2 = failureOfText("t_off_before_t_on", withEvent(kSlg + ", " + back));
    CHECK(f2.offending == "events[1].fault.t_off_s");
    CHECK(f2.what.find("not after t_on_s") != std::string::npos);

    std::string ph = kSlg;
    ph.replace(ph.find("\"phases\": \"a\""), 13, "\"phases\": \"bc\"");
    ph.replace(ph.find("\"t_off_s\": 1.1"), 14, "\"t_off_s\": 40");
    const Failure f3 = failureOfText("bad_phases", withEvent(ph));
    CHECK(f3.offending == "events[0].fault.phases");
    CHECK(f3.what.find("2 problem(s)") != std::string::npos);
    CHECK(f3.what.find("events[0].fault.t_off_s: 40 s is after t_end_s") != std::string::npos);
  }
  SUBCASE("bad enumerations and out-of-range magnitudes") {
    std::string kind = kSlg;
    kind.replace(kind.find("\"slg\""), 5, "\"lll\"");
    CHECK(failureOfText("bad_kind", withEvent(kind)).offending == "events[0].fault.kind");
    CHECK(failureOfText("bad_action", withEvent(R"({"switch": {"element": "line.a", "action": "toggle", "t_s": 1}})"))
              .offending == "events[0].switch.action");
    CHECK(failureOfText("big_sag", withEvent(R"({"source_sag": {"magnitude_pu": [0.5, 2, 0.5], "t_on_s": 1,
                                                  "duration_s": 0.1}})"))
              .offending == "events[0].source_sag.magnitude_pu");
    CHECK(failureOfText("mixed_sag", withEvent(R"({"source_sag": {"profile": [[1, 0.5], [2, 1]], "t_on_s": 1}})"))
              .offending == "events[0].source_sag.t_on_s");
    CHECK(failureOfText("bad_point", withEvent(R"({"source_sag": {"profile": [[1, 0.5], [2, 1, 1]]}})")).offending ==
          "events[0].source_sag.profile[1]");
    CHECK(failureOfText("bad_format", R"({"format": "other/2", "name": "x", "t_end_s": 30, "events": []})").offending ==
          "format");
  }
}

TEST_CASE("events json: playback CSV problems name the CSV file - row and column") {
  const std::string event = withEvent(R"({"voltage_playback": {"csv": "rec.csv"}})", 5.0);
  const std::string header = "t,va_pu,vb_pu,vc_pu,angle_a_deg,angle_b_deg,angle_c_deg\n";
  SUBCASE("missing CSV file: names the event file and key") {
    const Failure f = failureOfText("pb_missing", event);
    CHECK(f.offending == "events[0].voltage_playback.csv");
    CHECK(f.what.find("rec.csv") != std::string::npos);
  }
  SUBCASE("bad number") {
    const Failure f = failureOfText("pb_bad_number", event, header + "0,1,1,1,0,-120,120\n1,1,1x,1,0,-120,120\n");
    CHECK(f.what.find("rec.csv:3") != std::string::npos);
    CHECK(f.what.find("column 3 (vb_pu)") != std::string::npos);
    CHECK(f.offending == "1x");
  }
  SUBCASE("non-increasing time") {
    const Failure f =
        failureOfText("pb_time", event, header + "0,1,1,1,0,-120,120\n1,1,1,1,0,-120,120\n1,1,1,1,0,-120,120\n");
    CHECK(f.what.find("rec.csv:4") != std::string::npos);
    CHECK(f.what.find("column 1 (t)") != std::string::npos);
  }
  SUBCASE("series starting after t = 0 is a validation problem") {
    const Failure f = failureOfText("pb_late", event, header + "0.5,1,1,1,0,-120,120\n1,1,1,1,0,-120,120\n");
    CHECK(f.offending == "events[0].voltage_playback.csv");
  }
}
