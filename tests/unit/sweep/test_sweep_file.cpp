// sweep: sweep-file parsing, path resolution, globs, event grids, variations, case ids.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "feederlab/core/error.hpp"
#include "feederlab/sweep/sweep_file.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::core::InputError;
using namespace feederlab::sweep;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// A scratch tree: sweeps/s.json next to feeders/{a,b}/Master.dss, feeders/c.dss, feeders/csv/.
fs::path tree(const std::string& name) {
  const fs::path dir = feederlab::test::scratchDir(name);
  for (const char* f : {"feeders/a/Master.dss", "feeders/b/Master.dss", "feeders/c.dss"}) write(dir / f, "clear\n");
  fs::create_directories(dir / "feeders/csv");
  return dir;
}

std::string eventFile() {
  return (feederlab::test::sourceDir() / "data/events/sag-0.5pu-5cyc.json").string();
}

SweepPlan parse(const fs::path& dir, const std::string& body) {
  const fs::path file = dir / "sweeps" / "s.json";
  write(file, body);
  return readSweepFile(file);
}

std::string errorOf(const fs::path& dir, const std::string& body) {
  try {
    parse(dir, body);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("cases are feeders x events x variations sorted by a stable id") {
  const auto dir = tree("sweep-file-basic");
  const auto plan = parse(dir, R"({"format": "feederlab-sweep/1",
    "feeders": ["../feeders/c.dss", "../feeders/csv"],
    "events": [")" + eventFile() + R"(", {"source_sag_grid": {"magnitude_pu": [0.3, 0.45], "duration_cycles": [3, 9]}}],
    "variations": {"sections": [2, "auto"], "parameters": {"motor_d.v_stall": [0.5, 0.6]}}})");
  CHECK(plan.name == "s");
  REQUIRE(plan.feeders.size() == 2);
  CHECK(plan.feeders[0].name == "c");
  CHECK(plan.feeders[1].name == "csv");  // a folder (utility CSV) is named after itself
  CHECK(plan.feeders[0].path == (dir / "feeders/c.dss").lexically_normal());
  CHECK(plan.feeders[0].as_written == "../feeders/c.dss");
  CHECK(plan.events.size() == 5);
  CHECK(plan.variations.size() == 4);
  REQUIRE(plan.cases.size() == 2 * 5 * 4);
  for (std::size_t i = 1; i < plan.cases.size(); ++i) CHECK(plan.cases[i - 1].id < plan.cases[i].id);
  CHECK(plan.cases.front().id == "c__sag-0.30pu-3cyc__motor_d.v_stall-0.5");
  CHECK(plan.cases.back().id == "csv__sag-0.5pu-5cyc__s2+motor_d.v_stall-0.6");
  // The same file read again gives the same ids (restart relies on it).
  const auto again = readSweepFile(dir / "sweeps" / "s.json");
  CHECK(caseListHash(again.cases) == caseListHash(plan.cases));
}

TEST_CASE("source sag grids: names and durations in cycles or seconds and times") {
  const auto dir = tree("sweep-file-grid");
  const auto plan = parse(dir, R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"],
    "events": [{"source_sag_grid": {"magnitude_pu": [0.3, 0.455], "duration_cycles": [5], "t_on_s": 2, "t_end_s": 12}},
               {"source_sag_grid": {"magnitude_pu": [0.5], "duration_s": [0.25], "output_interval_s": 0.005}}]})");
  REQUIRE(plan.events.size() == 3);
  CHECK(plan.events[0].name == "sag-0.30pu-5cyc");
  CHECK(plan.events[1].name == "sag-0.455pu-5cyc");  // not rounded into a clash with 0.46
  CHECK(plan.events[2].name == "sag-0.50pu-0.25s");
  const auto& sag = std::get<feederlab::events::SourceSag>(plan.events[0].events.at(0).detail);
  CHECK(sag.magnitude_pu[1] == doctest::Approx(0.3));
  CHECK(sag.t_on_s == doctest::Approx(2.0));
  CHECK(sag.duration_s == doctest::Approx(5.0 / 60.0));
  CHECK(plan.events[0].t_end_s == doctest::Approx(12.0));
  const auto& sag2 = std::get<feederlab::events::SourceSag>(plan.events[2].events.at(0).detail);
  CHECK(sag2.duration_s == doctest::Approx(0.25));
  CHECK(sag2.t_on_s == doctest::Approx(1.0));  // the study's default start
  CHECK(plan.events[2].t_end_s == doctest::Approx(30.0));
  CHECK(plan.events[2].output_interval_s == doctest::Approx(0.005));
}

TEST_CASE("the default events are the ten of the study") {
  const auto dir = tree("sweep-file-default-events");
  const auto plan =
      parse(dir, R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"], "events": ["default"]})");
  REQUIRE(plan.events.size() == 10);
  CHECK(plan.events.front().name == "sag-0.30pu-3cyc");
  CHECK(plan.events.back().name == "slg-head-5cyc");
  CHECK(plan.cases.size() == 10);
  CHECK(plan.variations.size() == 1);
  CHECK(plan.variations[0].id == "base");
}

TEST_CASE("globs match sorted paths and clashing stems get the name of their folder") {
  const auto dir = tree("sweep-file-glob");
  const auto plan = parse(dir, R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/*/Master.dss",
    {"path": "../feeders/c.dss", "name": "feeder c"}], "events": [")" +
                                   eventFile() + R"("]})");
  REQUIRE(plan.feeders.size() == 3);
  CHECK(plan.feeders[0].name == "a-Master");
  CHECK(plan.feeders[1].name == "b-Master");
  CHECK(plan.feeders[2].name == "feeder_c");  // made file-name safe
  CHECK(plan.feeders[0].as_written == "../feeders/a/Master.dss");
}

TEST_CASE("composition variations resolve against the sweep file and name the case") {
  const auto dir = tree("sweep-file-compositions");
  write(dir / "sweeps/comp/hot.json", "{}");
  const auto plan = parse(dir, R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"],
    "events": [")" + eventFile() + R"("], "variations": {"compositions": ["default", "comp/hot.json"]}})");
  REQUIRE(plan.variations.size() == 2);
  CHECK(plan.variations[0].id == "base");
  CHECK_FALSE(plan.variations[0].composition.has_value());
  CHECK(plan.variations[1].id == "comp-hot");
  CHECK(*plan.variations[1].composition == (dir / "sweeps/comp/hot.json").lexically_normal());
  CHECK(plan.variations[1].composition_as_written == "comp/hot.json");
}

TEST_CASE("motor D parameters are applied to the composite spec") {
  feederlab::model::CompositeSpec spec;
  applyParameters(spec, {{"motor_d.v_stall", 0.62}, {"motor_d.t_th", 9.0}, {"motor_d.f_rst", 0.0}});
  CHECK(spec.parameters.motor_d.v_stall == 0.62);
  CHECK(spec.parameters.motor_d.t_th == 9.0);
  CHECK(spec.parameters.motor_d.f_rst == 0.0);
  CHECK(spec.parameters.motor_d.t_stall == doctest::Approx(0.033));  // untouched
  CHECK_THROWS(applyParameters(spec, {{"motor_d.nope", 1.0}}));
  // A swept Vstall or Tstall is every unit's: it replaces each motor D population's value.
  spec.motor_d_populations = {{"a", 0.5, 0.55, 0.033}, {"b", 0.5, 0.40, 0.1}};
  applyParameters(spec, {{"motor_d.v_stall", 0.5}, {"motor_d.t_stall", 0.05}});
  for (const auto& pop : spec.motor_d_populations) {
    CHECK(pop.v_stall == 0.5);
    CHECK(pop.t_stall == 0.05);
  }
  CHECK(isParameterKey("motor_d.lf_adj"));
  CHECK(parameterKeys().size() == 23);
}

TEST_CASE("bad sweep files name the file and the key") {
  const auto dir = tree("sweep-file-errors");
  const std::string ev = eventFile();
  auto err = [&](const std::string& body) { return errorOf(dir, body); };
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"], "events": [")" + ev +
            R"("], "variations": {"parameters": {"motor_d.v_stal": [0.5]}}})")
            .find("variations.parameters.motor_d.v_stal: unknown parameter") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/missing.dss"], "events": [")" + ev + R"("]})")
            .find("feeders[0]: no such file") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/*.xml"], "events": [")" + ev + R"("]})")
            .find("the pattern matches nothing") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"], "event": []})")
            .find("event: unknown key") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"], "events": [")" + ev +
            R"("], "variations": {"sections": [0]}})")
            .find("variations.sections[0]") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"], "events": [")" + ev + R"(", ")" + ev +
            R"("]})")
            .find("two events have the same name") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/1", "feeders": ["../feeders/c.dss"], "events": [{"source_sag_grid":
            {"magnitude_pu": [0.5], "duration_cycles": [5], "duration_s": [0.1]}}]})")
            .find("exactly one of") != std::string::npos);
  CHECK(err(R"({"format": "feederlab-sweep/2", "feeders": [], "events": []})").find("format") != std::string::npos);
  const std::string syntax = err("{\"format\": \"feederlab-sweep/1\",\n \"feeders\": [,]}");
  CHECK(syntax.find("s.json:2") != std::string::npos);
  CHECK(syntax.find("invalid JSON") != std::string::npos);
}

TEST_CASE("the example sweeps in data/sweeps expand to 2 feeders x 3 events") {
  const auto data = feederlab::test::sourceDir() / "data/sweeps";
  for (const char* name : {"example.json", "quick.json"}) {
    CAPTURE(name);
    const auto plan = readSweepFile(data / name);
    CHECK(plan.feeders.size() == 2);
    CHECK(plan.events.size() == 3);
    CHECK(plan.cases.size() == 6);
  }
  CHECK(readSweepFile(data / "variations.json").cases.size() == 8);
}
