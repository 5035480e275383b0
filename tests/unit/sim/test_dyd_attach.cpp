// simulate --dyd: cmpldw records attached to the loads of the bus they name (io/dyd.hpp rule).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "feederlab/io/dyd.hpp"
#include "sim_test_support.hpp"

using namespace feederlab;

namespace {

// The InterPSS reference record with its bus renamed and motor D moved to static.
std::filesystem::path writeDyd(const std::filesystem::path& dir) {
  std::ifstream in(test::sharedDir() / "references/dynamics/interpss/threeBus_cmpldw.dyd");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const auto begin = text.find("cmpldw");
  REQUIRE(begin != std::string::npos);
  text = text.substr(begin);
  text.replace(0, text.find(':'), "cmpldw 1 \"671\" 4.16 \"671\" ");
  const auto fmd = text.find("\"Fmd\"");
  REQUIRE(fmd != std::string::npos);
  text.replace(fmd, std::string("\"Fmd\"  0.3").size(), "\"Fmd\"  0.0");
  const auto path = dir / "671.dyd";
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("simulate: a dyd record replaces the composite of the loads at its bus") {
  const auto dir = test::scratchDir("sim_dyd");
  const auto dyd = writeDyd(dir);
  const auto records = io::readDyd(dyd);
  REQUIRE(records.size() == 1);
  CHECK(records[0].spec.fractions.fm_d == 0.0);

  auto sc = test::eventFile("flat.json");
  sc.t_end_s = 1.0;
  const auto base = sim::simulate(test::ieee13(), sc, test::optionsWith(test::residentialSpec()));
  auto o = test::optionsWith(test::residentialSpec());
  o.records = records;
  const auto with = sim::simulate(test::ieee13(), sc, o);
  REQUIRE(with.completed);
  // Load 671 (1155 kW nominal) loses its motor D share (40 % in the default composite).
  const double dp = base.motor_d_p0_kw - with.motor_d_p0_kw;
  MESSAGE("motor D P0: default " << base.motor_d_p0_kw << " kW, with the record at 671 " << with.motor_d_p0_kw << " kW");
  CHECK(dp > 0.35 * 1100.0);
  CHECK(dp < 0.45 * 1250.0);
  CHECK(with.series.column(sim::column::kHeadP).back() == doctest::Approx(with.pre_event.p_kw).epsilon(1e-6));

  // The command line takes the same file.
  std::string out;
  const int rc = test::runCommand(test::cliExecutable().string() + " simulate " +
                                      test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss").string() + " --event " +
                                      (test::sourceDir() / "data/events/flat.json").string() + " --dyd " + dyd.string() +
                                      " -o " + (dir / "cli").string(),
                                  &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(std::filesystem::exists(dir / "cli/timeseries.csv"));
}
