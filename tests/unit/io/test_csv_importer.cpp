// Utility CSV importer (docs/utility-csv.md): a hand-written folder with one of everything,
// checked element by element against hand-computed values.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "csv_test_folder.hpp"
#include "feederlab/core/units.hpp"
#include "feederlab/io/csv_importer.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using namespace feederlab;

namespace {

const model::Load& loadNamed(const model::Feeder& f, const std::string& name) {
  for (const auto& l : f.loads)
    if (l.name == name) return l;
  throw std::runtime_error("no load " + name);
}

const model::Transformer& transformerNamed(const model::Feeder& f, const std::string& name) {
  for (const auto& x : f.transformers)
    if (x.name == name) return x;
  throw std::runtime_error("no transformer " + name);
}

const model::Line& lineNamed(const model::Feeder& f, const std::string& name) {
  for (const auto& l : f.lines)
    if (l.name == name) return l;
  throw std::runtime_error("no line " + name);
}

}  // namespace

TEST_CASE("csv: a complete small folder imports with the documented conventions") {
  const fs::path dir = test::writeCsvFolder(test::scratchDir("csv_complete"), {});
  const auto f = io::importUtilityCsv(dir);
  CHECK(f.format == "csv");
  CHECK(f.name == "csv_complete");
  CHECK(f.buses.size() == 9);
  CHECK(f.lines.size() == 4);  // 2 sections + 2 switches
  CHECK(f.loads.size() == 3);
  CHECK(f.settings.voltage_bases_kv == std::vector<double>{115.0, 12.47, 0.208});

  SUBCASE("source from short-circuit MVA and X/R") {
    REQUIRE(f.sources.size() == 1);
    const auto& s = f.sources[0];
    const double z1 = 115.0 * 115.0 / 2000.0;
    CHECK(std::abs(s.z1_ohm) == doctest::Approx(z1));
    CHECK(s.z1_ohm.imag() / s.z1_ohm.real() == doctest::Approx(10.0));
    // |2 Z1 + Z0| = 3 kV^2 / MVAsc1
    CHECK(std::abs(2.0 * s.z1_ohm + s.z0_ohm) == doctest::Approx(3.0 * 115.0 * 115.0 / 1800.0));
    CHECK(s.z0_ohm.imag() / s.z0_ohm.real() == doctest::Approx(8.0));
    CHECK(s.pu == doctest::Approx(1.02));
  }
  SUBCASE("substation transformer") {
    const auto& x = transformerNamed(f, "sub_xfmr");
    REQUIRE(x.windings.size() == 2);
    CHECK(x.windings[0].conn == model::Connection::Delta);
    CHECK(x.windings[0].kva == doctest::Approx(20000.0));
    const double r = 10.0 / std::sqrt(1.0 + 20.0 * 20.0);
    CHECK(x.xhl_pct == doctest::Approx(20.0 * r));
    CHECK(x.windings[0].r_pct + x.windings[1].r_pct == doctest::Approx(r));
    CHECK(x.windings[1].tap == doctest::Approx(1.0));
  }
  SUBCASE("sections: sequence data to a phase matrix in the section's length unit") {
    const auto& l = lineNamed(f, "s1");
    CHECK(l.phases == 3);
    CHECK(l.length == doctest::Approx(1000.0));
    CHECK(l.length_unit == core::LengthUnit::Foot);
    const core::Complex z1(0.30607, 0.62703), z0(0.77357, 1.93723);
    const double per_ft = core::lengthConversion(core::LengthUnit::Foot, core::LengthUnit::Mile);  // OpenDSS mile
    const core::Complex zs = (2.0 * z1 + z0) / 3.0 * per_ft, zm = (z0 - z1) / 3.0 * per_ft;
    CHECK(std::abs(l.impedance.z_per_length(0, 0) - zs) < 1e-12);
    CHECK(std::abs(l.impedance.z_per_length(1, 2) - zm) < 1e-12);
    const double b1 = 2.0 * core::kPi * 60.0 * (2.0 * 18.3458 + 8.5458) / 3.0 * 1e-9 * per_ft;
    CHECK(l.impedance.y_per_length(0, 0).imag() == doctest::Approx(b1));
    CHECK(l.linecode == "acsr_336");
    const auto& lateral = lineNamed(f, "s2");
    CHECK(lateral.phases == 1);
    CHECK(lateral.bus1.nodes == std::vector<int>{2});
    CHECK(lateral.impedance.z_per_length(0, 0).real() ==
          doctest::Approx(1.3292 * core::lengthConversion(core::LengthUnit::Kft, core::LengthUnit::Mile)));
    CHECK(lateral.length_unit == core::LengthUnit::Kft);
  }
  SUBCASE("switches: open ones are disabled") {
    CHECK(lineNamed(f, "cb").is_switch);
    CHECK(lineNamed(f, "cb").enabled);
    CHECK(lineNamed(f, "tie").open);
    CHECK_FALSE(lineNamed(f, "tie").enabled);
  }
  SUBCASE("split-phase service as ieee8500: 3 windings, loads on .1.2 at 0.208 kV") {
    const auto& x = transformerNamed(f, "t1");
    CHECK(x.phases == 1);
    REQUIRE(x.windings.size() == 3);
    CHECK(x.windings[0].terminal.nodes == std::vector<int>{2, 0});
    CHECK(x.windings[1].terminal.nodes == std::vector<int>{1, 0});
    CHECK(x.windings[2].terminal.nodes == std::vector<int>{0, 2});
    CHECK(x.windings[0].kv == doctest::Approx(7.2));
    CHECK(x.windings[1].kv == doctest::Approx(0.12));
    CHECK(x.xlt_pct == doctest::Approx(x.xhl_pct * 2.0 / 3.0));
    CHECK(x.windings[1].r_pct == doctest::Approx(2.0 * x.windings[0].r_pct));
    CHECK(f.buses[static_cast<std::size_t>(*f.findBus("t1s"))].kv_base_ll == doctest::Approx(0.208));
    const auto& home = loadNamed(f, "m1");
    CHECK(home.phases == 2);
    CHECK(home.bus1.nodes == std::vector<int>{1, 2});
    CHECK(home.kv == doctest::Approx(0.208));
    CHECK(home.kw == doctest::Approx(5.0));
    CHECK(home.kvar == doctest::Approx(5.0 * std::tan(std::acos(0.95))));
    CHECK(home.load_class == model::LoadClass::Residential);
    CHECK(home.num_customers == 1);
    CHECK(home.xfkva == doctest::Approx(25.0));
  }
  SUBCASE("monthly kWh with the class load factor; three-phase commercial service") {
    const auto& homes = loadNamed(f, "m2");
    CHECK(homes.num_customers == 3);
    CHECK(homes.kw == doctest::Approx(1204.5 / (730.0 * io::defaultLoadFactor(model::LoadClass::Residential))));
    const auto& shop = loadNamed(f, "m3");
    CHECK(shop.phases == 3);
    CHECK(shop.bus1.nodes == std::vector<int>{1, 2, 3});
    CHECK(shop.kv == doctest::Approx(0.208));
    CHECK(shop.kw == doctest::Approx(40.0));
    CHECK(shop.load_class == model::LoadClass::Commercial);
  }
  SUBCASE("regulator bank: one unit and one control per phase") {
    int units = 0;
    for (const auto& x : f.transformers)
      if (x.is_regulator) {
        ++units;
        CHECK(x.bank == "vr1");
        CHECK(x.windings[0].kv == doctest::Approx(12.47 / std::sqrt(3.0)));
        CHECK(x.windings[1].tap == doctest::Approx(1.0 + 2 * 0.00625));
      }
    CHECK(units == 3);
    REQUIRE(f.regcontrols.size() == 3);
    CHECK(f.regcontrols[0].vreg == doctest::Approx(124.0));
    CHECK(f.regcontrols[0].band == doctest::Approx(2.0));
    CHECK(f.regcontrols[1].transformer == "vr1_b");
  }
  SUBCASE("capacitor and SCADA") {
    REQUIRE(f.capacitors.size() == 1);
    CHECK(f.capacitors[0].bus1.nodes == std::vector<int>{1, 2, 3, 0});
    CHECK(f.capacitors[0].kvar[0] == doctest::Approx(600.0));
    REQUIRE(f.others.size() == 1);
    CHECK(f.others[0].cls == "energymeter");
    CHECK(f.others[0].kw == doctest::Approx(60.0));
    CHECK(f.others[0].kvar == doctest::Approx(10.0));
  }
}

TEST_CASE("csv: quoted fields - comments - blank lines - CRLF and a byte-order mark") {
  const fs::path dir = test::writeCsvFolder(
      test::scratchDir("csv_quoting"),
      {{"nodes.csv",
        "\xEF\xBB\xBFnode_id,x,y,nominal_kv\r\n# a comment\r\n\r\nsub_hv,0,0,115\r\n\"sub_lv\",\"1,0\",0,12.47\r\n"
        "brk,2,0,12.47\r\nreg,3,0,12.47\r\nn1,4,0,12.47\r\nn2,5,0,12.47\r\nt1s,6,0,0.24\r\nt2s,7,0,0.208\r\n"
        "tie_ext,8,0,12.47\r\n"}});
  // "1,0" is not a number: the quoted comma stays inside the field.
  CHECK_THROWS_WITH_AS(io::importUtilityCsv(dir), doctest::Contains("nodes.csv:5:x: not a number"), core::InputError);
}
