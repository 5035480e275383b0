// `feederlab simulate`: outputs with the cli.md columns and keys, exit codes 2 (bad event) and 3
// (solver failure, partial outputs kept).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "feederlab/core/time_series.hpp"
#include "paths.hpp"

using namespace feederlab;

namespace {

std::string simulateCommand(const std::string& event, const std::filesystem::path& out, const std::string& extra = "") {
  return test::cliExecutable().string() + " simulate " + test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss").string() +
         " --event " + event + " -o " + out.string() + " " + extra;
}

nlohmann::json readJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("cli simulate: IEEE 13 under the 5-cycle sag writes timeseries.csv and simulation.json") {
  const auto dir = test::scratchDir("cli_simulate_sag");
  std::string out;
  const int rc = test::runCommand(simulateCommand((test::sourceDir() / "data/events/sag-0.5pu-5cyc.json").string(), dir), &out);
  INFO(out);
  REQUIRE(rc == 0);
  const auto ts = core::readTimeSeriesCsv(dir / "timeseries.csv");
  for (const char* c : {"t", "head_v_pu", "head_va_pu", "head_vb_pu", "head_vc_pu", "head_p_kw", "head_q_kvar",
                        "motor_d_stalled_fraction", "contactor_tripped_fraction", "thermal_tripped_fraction",
                        "uv_tripped_fraction", "motor_d_stall_share"})
    CHECK_MESSAGE(ts.find(c).has_value(), c);
  CHECK(ts.rows() == 3001);
  CHECK(ts.time().back() == doctest::Approx(30.0));
  const auto j = readJson(dir / "simulation.json");
  CHECK(j["completed"] == true);
  CHECK(j["t_end"].get<double>() == doctest::Approx(30.0));
  for (const char* k : {"steps", "residual_evals", "jacobian_evals", "states", "runtime_s"}) CHECK_MESSAGE(j.contains(k), k);
  CHECK(j["states"].get<int>() == 392);
  CHECK(j["failure"].is_null());
}

TEST_CASE("cli simulate: a bad event exits 2 naming the key and a solver failure exits 3 with partial outputs") {
  const auto dir = test::scratchDir("cli_simulate_errors");
  {
    std::ofstream ev(dir / "bad.json");
    ev << R"({"format": "feederlab-events/1", "name": "bad", "t_end_s": 1.0,
              "events": [{"fault": {"bus": "@head", "kind": "slg", "phases": "a", "impedance_ohm": [0, 0],
                                    "t_on_s": 0.5, "t_off_s": 0.2}}]})";
  }
  std::string out;
  CHECK(test::runCommand(simulateCommand((dir / "bad.json").string(), dir / "bad"), &out) == 2);
  CHECK(out.find("t_off_s") != std::string::npos);

  {
    std::ofstream ev(dir / "nobus.json");
    ev << R"({"format": "feederlab-events/1", "name": "nobus", "t_end_s": 1.0,
              "events": [{"fault": {"bus": "nosuchbus", "kind": "slg", "phases": "a", "impedance_ohm": [0, 0],
                                    "t_on_s": 0.2, "t_off_s": 0.3}}]})";
  }
  CHECK(test::runCommand(simulateCommand((dir / "nobus.json").string(), dir / "nobus"), &out) == 2);
  CHECK(out.find("nosuchbus") != std::string::npos);

  const auto fail_dir = dir / "fail";
  const int rc = test::runCommand(
      simulateCommand((test::sourceDir() / "data/events/sag-0.5pu-5cyc.json").string(), fail_dir, "--max-steps 1"), &out);
  INFO(out);
  CHECK(rc == 3);
  CHECK(out.find("t = ") != std::string::npos);
  const auto j = readJson(fail_dir / "simulation.json");
  CHECK(j["completed"] == false);
  CHECK(j["failure"].is_string());
  CHECK(j["t_end"].get<double>() < 30.0);
  const auto ts = core::readTimeSeriesCsv(fail_dir / "timeseries.csv");
  CHECK(ts.rows() >= 1);
}
